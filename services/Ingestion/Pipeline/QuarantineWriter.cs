using System.Text.Json;
using Refinery.Ingestion.Readers;
using Refinery.Storage;

namespace Refinery.Ingestion.Pipeline;

/// <summary>Collects one source's rejected records as JSONL (source, position, reason, detail) in a temp file
/// and uploads them to the quarantine area.</summary>
public sealed class QuarantineWriter : IAsyncDisposable
{
    private readonly string _source;
    private readonly FileStream _file;
    private readonly Utf8JsonWriter _json;

    public QuarantineWriter(string source)
    {
        _source = source;
        _file = new FileStream(ScratchSpace.NewFile("quarantine", ".jsonl"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 14, FileOptions.DeleteOnClose);
        _json = new Utf8JsonWriter(_file);
    }

    public int Count { get; private set; }

    public void Write(Rejection rejection)
    {
        _json.WriteStartObject();
        _json.WriteString("source", _source);
        _json.WriteNumber("position", rejection.Position);
        _json.WriteString("reason", rejection.Reason);
        _json.WriteString("detail", rejection.Detail);
        _json.WriteEndObject();
        _json.Flush();
        _json.Reset();
        _file.WriteByte((byte)'\n');
        Count++;
    }

    public async Task UploadAsync(IObjectStore store, string key, CancellationToken ct)
    {
        await _json.FlushAsync(ct);
        _file.Position = 0;
        await store.PutAsync(key, _file, ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync();
        await _file.DisposeAsync();
    }
}
