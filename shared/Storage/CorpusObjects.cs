using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;

namespace Refinery.Storage;

/// <summary>One shard of a corpus: its document shard (<c>docs/{corpus}/{shard}.jsonl.zst</c>) and, once the signals
/// service has computed it, its signal shard (<c>signals/{corpus}/{shard}.{config}.parquet</c>).</summary>
public sealed record CorpusShard(string Shard, ObjectRef Documents, ObjectRef? Signals);

/// <summary>The corpus layout of DESIGN §6 (keys of <see cref="IngestionKeys"/> and <see cref="SignalsKeys"/>) as stored
/// objects, for the services that read what ingestion and signals wrote.</summary>
public static class CorpusObjects
{
    /// <summary>Every document shard of the corpus in shard order, each with its signal shard of
    /// <paramref name="signalsConfig"/> when there is one; checksums from the store.</summary>
    public static async Task<IReadOnlyList<CorpusShard>> ListAsync(IObjectStore store, string corpus, string signalsConfig, CancellationToken ct)
    {
        var suffix = SignalsKeys.Suffix(signalsConfig);
        var signals = new Dictionary<string, ObjectRef>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync(SignalsKeys.Prefix(corpus), ct))
            if (info.Key.EndsWith(suffix, StringComparison.Ordinal) && info.Key.IndexOf('/', SignalsKeys.Prefix(corpus).Length) < 0)
                signals[info.Key[SignalsKeys.Prefix(corpus).Length..^suffix.Length]] = await RefOfAsync(store, info, ct);
        var shards = new List<CorpusShard>();
        await foreach (var info in store.ListAsync(IngestionKeys.DocsPrefix(corpus), ct))
        {
            if (!info.Key.EndsWith(IngestionKeys.DocumentSuffix, StringComparison.Ordinal) || info.Key.IndexOf('/', IngestionKeys.DocsPrefix(corpus).Length) >= 0) continue;
            var shard = info.Key[IngestionKeys.DocsPrefix(corpus).Length..^IngestionKeys.DocumentSuffix.Length];
            shards.Add(new CorpusShard(shard, await RefOfAsync(store, info, ct), signals.GetValueOrDefault(shard)));
        }
        return shards.OrderBy(s => s.Shard, StringComparer.Ordinal).ToArray();
    }

    /// <summary>What the ingestion service last said of the corpus's shards; null when it said nothing (a corpus never
    /// submitted, or shards written before this marker existed, which are taken as complete).</summary>
    public static async Task<CorpusIngestionState?> IngestionAsync(IObjectStore store, string corpus, CancellationToken ct)
    {
        try
        {
            await using var state = await store.OpenReadAsync(IngestionKeys.State(corpus), ct);
            return await JsonSerializer.DeserializeAsync<CorpusIngestionState>(state, StateJson, ct)
                ?? throw new InvalidDataException($"{IngestionKeys.State(corpus)} is empty");
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Writes what the ingestion service says of the corpus's shards.</summary>
    public static async Task WriteIngestionAsync(IObjectStore store, CorpusIngestionState state, CancellationToken ct)
    {
        using var body = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(state, StateJson));
        await store.PutAsync(IngestionKeys.State(state.Corpus), body, ct);
    }

    private static readonly JsonSerializerOptions StateJson = new(JsonSerializerDefaults.Web);

    private static async Task<ObjectRef> RefOfAsync(IObjectStore store, ObjectInfo info, CancellationToken ct)
    {
        var sha256 = info.Sha256 ?? (await store.StatAsync(info.Key, ct))?.Sha256
            ?? throw new InvalidOperationException($"the store reports no sha256 for {info.Key}");
        return new ObjectRef { Bucket = store.Bucket, Key = info.Key, Sha256 = sha256, Length = info.Length };
    }
}
