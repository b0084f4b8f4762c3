using System.Text.Encodings.Web;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Ingestion.Pipeline;

/// <summary>Writes one zstd-compressed JSONL shard to a local temp file, then uploads it whole, so a shard in
/// the store is always complete.</summary>
public sealed class ShardWriter : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keep non-ASCII text readable and compact; the shard is UTF-8.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly string _tempPath = Path.Combine(Path.GetTempPath(), $"refinery-shard-{Guid.NewGuid():N}.jsonl.zst");
    private readonly FileStream _file;
    private readonly CompressionStream _zstd;
    private readonly Utf8JsonWriter _json;

    public ShardWriter(int compressionLevel = 3)
    {
        _file = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16,
            FileOptions.DeleteOnClose);
        _zstd = new CompressionStream(_file, compressionLevel, leaveOpen: true);
        _json = new Utf8JsonWriter(_zstd, WriterOptions);
    }

    public int Count { get; private set; }

    private bool _finished;

    public void Write(IngestedDocument doc)
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
        _zstd.WriteByte((byte)'\n');
        Count++;
    }

    /// <summary>Finishes the compressed stream and uploads it to <paramref name="key"/>.</summary>
    public async Task<ObjectRef> UploadAsync(IObjectStore store, string key, CancellationToken ct)
    {
        await _json.FlushAsync(ct);
        await _zstd.DisposeAsync();
        _finished = true;
        _file.Position = 0;
        return await store.PutAsync(key, _file, ct);
    }

    public async ValueTask DisposeAsync()
    {
        // After an upload the compressed stream is closed, and the JSON writer must not flush into it again.
        if (!_finished)
        {
            await _json.DisposeAsync();
            await _zstd.DisposeAsync();
        }
        await _file.DisposeAsync();
    }
}
