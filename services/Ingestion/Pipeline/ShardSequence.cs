using Refinery.Contracts.Ingestion;
using Refinery.Ingestion.Domain;
using Refinery.Storage;

namespace Refinery.Ingestion.Pipeline;

/// <summary>Numbers shards from 0 and starts a new one every <c>perShard</c> documents.</summary>
internal sealed class ShardSequence(IObjectStore store, string corpus, int perShard, Func<ShardWritten, Task> onShard)
    : IAsyncDisposable
{
    private ShardWriter? _current;
    private int _next;

    public async Task WriteAsync(IngestedDocument doc, CancellationToken ct)
    {
        _current ??= new ShardWriter();
        await _current.WriteAsync(doc, ct);
        if (_current.Count >= perShard) await SealAsync(ct);
    }

    /// <summary>Seals the last partial shard; returns how many shards there are.</summary>
    public async Task<int> CompleteAsync(CancellationToken ct)
    {
        if (_current is { Count: > 0 }) await SealAsync(ct);
        return _next;
    }

    private async Task SealAsync(CancellationToken ct)
    {
        var writer = _current!;
        _current = null;
        await using (writer)
        {
            var shard = _next++;
            var documents = await writer.UploadAsync(store, IngestionKeys.Shard(corpus, shard), ct);
            IngestionMetrics.Shards.Inc();
            await onShard(new ShardWritten(shard, documents, writer.Count));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_current is not null) await _current.DisposeAsync();
    }
}
