using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Refinery.Contracts.Models;

namespace Refinery.Quality.Models;

/// <summary>
/// The model file container. Layout (little-endian):
/// <c>"RFSM"</c> · u16 container version (1) · u32 header length · header JSON (UTF-8, snake_case) ·
/// u64 payload length · payload · sha256 of every byte before it (32 bytes).
/// The header says what the payload is (<see cref="ModelHeader.Kind"/>, <see cref="ModelHeader.PayloadVersion"/>);
/// the checksum makes any corrupted or truncated file fail to load instead of giving wrong scores.
/// </summary>
public static class SignalModelFile
{
    public const string Extension = ModelKeys.SignalModelExtension;
    private const ushort ContainerVersion = 1;
    private static ReadOnlySpan<byte> Magic => "RFSM"u8;

    /// <summary>The header's JSON conventions (snake_case), for tools that print headers the same way.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Headers are read by people: keep '+', '<' and non-ASCII readable rather than \uXXXX-escaped.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static byte[] ToBytes(SignalModel model)
    {
        var header = JsonSerializer.SerializeToUtf8Bytes(model.Header, Json);
        var payload = PayloadBytes(model);
        var total = 4 + 2 + 4 + header.Length + 8 + payload.Length + 32;
        var bytes = new byte[total];
        var span = bytes.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], ContainerVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(span[6..], (uint)header.Length);
        header.CopyTo(span[10..]);
        var at = 10 + header.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], (ulong)payload.Length);
        payload.CopyTo(span[(at + 8)..]);
        SHA256.HashData(span[..^32], span[^32..]);
        return bytes;
    }

    public static void Write(SignalModel model, Stream destination) => destination.Write(ToBytes(model));

    public static SignalModel Read(Stream source)
    {
        using var buffer = new MemoryStream();
        source.CopyTo(buffer);
        return FromBytes(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    public static SignalModel FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4 + 2 + 4 + 8 + 32 || !bytes[..4].SequenceEqual(Magic))
            throw new InvalidDataException("Not a Refinery signal model file (bad magic or too short)");
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes[..^32], digest);
        if (!digest.SequenceEqual(bytes[^32..]))
            throw new InvalidDataException("Model file checksum mismatch: the file is corrupted or truncated");
        var version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[4..]);
        if (version != ContainerVersion) throw new InvalidDataException($"Unsupported model container version {version}");
        var headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[6..]);
        var header = JsonSerializer.Deserialize<ModelHeader>(bytes.Slice(10, headerLength), Json)
                     ?? throw new InvalidDataException("Model file header is empty");
        var at = 10 + headerLength;
        var payloadLength = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes[at..]);
        if (at + 8 + payloadLength + 32 != bytes.Length) throw new InvalidDataException("Model file payload length does not match the file");
        using var stream = new MemoryStream(bytes.Slice(at + 8, (int)payloadLength).ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        SignalModel model = header.Kind switch
        {
            ModelKinds.LanguageModel => KneserNeyModel.ReadPayload(header, reader),
            ModelKinds.Classifier => HashedNGramClassifier.ReadPayload(header, reader),
            ModelKinds.Dsir => DsirModel.ReadPayload(header, reader),
            _ => throw new InvalidDataException($"Unknown model kind '{header.Kind}'"),
        };
        if (stream.Position != stream.Length) throw new InvalidDataException("Model payload has trailing bytes");
        return model;
    }

    /// <summary>The content-derived version: sha256 over the payload and the settings that made it, so the
    /// object key of a model is deterministic in its inputs (DESIGN §6).</summary>
    public static string ContentVersion(ModelHeader header, SignalModel payloadSource)
    {
        var settings = JsonSerializer.SerializeToUtf8Bytes(header with { Version = "", CreatedAt = "", Metrics = new() }, Json);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(settings);
        hash.AppendData(PayloadBytes(payloadSource));
        return "v" + Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    private static byte[] PayloadBytes(SignalModel model)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true)) model.WritePayload(writer);
        return stream.ToArray();
    }
}
