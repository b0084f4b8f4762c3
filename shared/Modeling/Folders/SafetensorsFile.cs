using Refinery.Modeling.Runtime;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Refinery.Modeling.Folders;

/// <summary>Reads and writes safetensors files through TorchSharp.PyBridge, adding the one thing its writer leaves out:
/// the <c>__metadata__: {"format": "pt"}</c> entry that `transformers` before 4.48.2 requires (it calls
/// <c>metadata.get("format")</c> and fails on a file without metadata).</summary>
/// <remarks>A safetensors file is an 8-byte little-endian header length, a JSON header (tensor name → dtype, shape
/// and byte offsets counted from the end of the header), then the tensor bytes. Offsets do not depend on the header,
/// so PyBridge's header is replaced and its tensor bytes are copied unchanged. The new header is padded with spaces
/// to a multiple of 8 bytes, as the reference implementation does, so the tensor data stays aligned.</remarks>
public static class SafetensorsFile
{
    /// <summary>Tensor name → tensor (each owned by the caller).</summary>
    /// <exception cref="InvalidDataException">The file is not a readable safetensors file.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        TorchRuntime.EnsureLoaded();
        try
        {
            // PyBridge reads each tensor's bytes from its offsets without checking that the file holds them all.
            using (var stream = File.OpenRead(path))
            {
                var header = ReadHeader(stream);
                var end = header.Where(p => p.Key != "__metadata__")
                    .Select(p => (long?)p.Value?["data_offsets"]?[1] ?? 0).DefaultIfEmpty(0).Max();
                if (stream.Position + end != stream.Length)
                    throw new InvalidDataException($"{stream.Length - stream.Position} tensor bytes, the header describes {end}");
            }
            return Safetensors.LoadStateDict(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"not a readable safetensors file: {e.Message}", e);
        }
    }

    /// <summary>Writes the tensors under their names, atomically (a new file renamed over the path).</summary>
    public static void Write(string path, Dictionary<string, Tensor> tensors)
    {
        TorchRuntime.EnsureLoaded();
        var raw = $"{path}.{Guid.NewGuid():N}.raw.tmp";
        var final = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = File.Create(raw))
                Safetensors.SaveStateDict(stream, tensors, leaveOpen: true);
            using (var source = File.OpenRead(raw))
            using (var target = File.Create(final))
            {
                var header = ReadHeader(source);
                header["__metadata__"] = new JsonObject { ["format"] = "pt" };
                WriteHeader(target, header);
                source.CopyTo(target);  // the tensor bytes, right after the old header
            }
            File.Move(final, path, overwrite: true);
        }
        finally
        {
            File.Delete(raw);
            File.Delete(final);
        }
    }

    /// <summary>The JSON header of a safetensors stream, leaving the stream at the first tensor byte.</summary>
    public static JsonObject ReadHeader(Stream stream)
    {
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        var length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (length > 100_000_000) throw new InvalidDataException($"safetensors header of {length} bytes");
        var json = new byte[length];
        stream.ReadExactly(json);
        return JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException("safetensors header is null");
    }

    private static void WriteHeader(Stream stream, JsonObject header)
    {
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8;
        Span<byte> lengthBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(lengthBytes, (ulong)padded);
        stream.Write(lengthBytes);
        stream.Write(json);
        for (var i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
    }
}
