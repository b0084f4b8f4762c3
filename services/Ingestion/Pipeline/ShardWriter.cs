using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Refinery.Contracts;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Ingestion.Pipeline;

/// <summary>Writes one zstd-compressed JSONL shard to a local temp file, then uploads it whole, so a shard in the
/// store is always complete. Serialisation runs on the caller; compression (the costlier half) runs on its own
/// task fed 1 MiB chunks through a small bounded channel, so reading the next documents overlaps with it while
/// memory stays bounded.</summary>
public sealed class ShardWriter : IAsyncDisposable
{
    private const int ChunkBytes = 1 << 20;
    private const int ChunksInFlight = 4;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keep non-ASCII text readable and compact; the shard is UTF-8.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly FileStream _file;
    private readonly CompressionStream _zstd;
    private readonly ArrayBufferWriter<byte> _buffer = new(ChunkBytes + (64 << 10));
    private readonly Utf8JsonWriter _json;
    private readonly Channel<(byte[] Chunk, int Length)> _chunks =
        Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true, SingleWriter = true });
    private readonly Task _compressor;
    private bool _finished;

    public ShardWriter(int compressionLevel = 3)
    {
        _file = new FileStream(ScratchSpace.NewFile("shard", ".jsonl.zst"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        _zstd = new CompressionStream(_file, compressionLevel, leaveOpen: true);
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
        _compressor = Task.Run(CompressAsync);
    }

    public int Count { get; private set; }

    public async ValueTask WriteAsync(IngestedDocument doc, CancellationToken ct)
    {
        _json.WriteStartObject();
        _json.WriteString("id", doc.Id);
        _json.WriteString("text", doc.Text);
        if (doc.Url is null) _json.WriteNull("url"); else _json.WriteString("url", doc.Url);
        _json.WriteString("lang", doc.Lang);
        _json.WriteNumber("lang_score", doc.LangScore);
        _json.WriteString("source", doc.Source);
        _json.WriteStartObject("meta");
        foreach (var (key, value) in doc.Meta) _json.WriteString(key, value);
        _json.WriteEndObject();
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _buffer.Write("\n"u8);
        Count++;
        if (_buffer.WrittenCount >= ChunkBytes) await HandOffAsync(ct);
    }

    /// <summary>Finishes the compressed stream and uploads it to <paramref name="key"/>.</summary>
    public async Task<ObjectRef> UploadAsync(IObjectStore store, string key, CancellationToken ct)
    {
        await HandOffAsync(ct);
        _chunks.Writer.TryComplete();
        await _compressor;
        await _zstd.DisposeAsync();
        _finished = true;
        _file.Position = 0;
        return await store.PutAsync(key, _file, ct);
    }

    private async ValueTask HandOffAsync(CancellationToken ct)
    {
        if (_buffer.WrittenCount == 0) return;
        var chunk = ArrayPool<byte>.Shared.Rent(_buffer.WrittenCount);
        _buffer.WrittenSpan.CopyTo(chunk);
        var length = _buffer.WrittenCount;
        _buffer.ResetWrittenCount();
        await _chunks.Writer.WriteAsync((chunk, length), ct);
    }

    private async Task CompressAsync()
    {
        try
        {
            await foreach (var (chunk, length) in _chunks.Reader.ReadAllAsync())
            {
                _zstd.Write(chunk, 0, length);
                ArrayPool<byte>.Shared.Return(chunk);
            }
        }
        catch (Exception ex)
        {
            // Fail the producer's next hand-off instead of leaving it blocked on a full channel.
            _chunks.Writer.TryComplete(ex);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _chunks.Writer.TryComplete();
            try { await _compressor; } catch { /* the failure was already reported to the writer */ }
            await _zstd.DisposeAsync();
        }
        await _json.DisposeAsync();
        await _file.DisposeAsync();
    }
}
