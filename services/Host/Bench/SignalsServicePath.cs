using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Ingestion.Pipeline;
using Refinery.Quality.Formats;
using Refinery.Quality.Resources;
using Refinery.Signals.Data;
using Refinery.Signals.Data.Migrations;
using Refinery.Signals.Options;
using Refinery.Signals.Pipeline;
using Refinery.Signals.Resources;
using Refinery.Storage;

namespace Refinery.Host.Bench;

/// <summary>The Signals service's shard path for `bench signals`: a document shard as ingestion leaves it (its own
/// ShardWriter, <c>docs/{corpus}/00000.jsonl.zst</c>) in an object store, then the service's ShardSignalRunner reading
/// it from the store, computing and putting the Parquet signal shard back, as the consumer runs it for one event.</summary>
internal static class SignalsServicePath
{
    private static readonly IReadOnlyDictionary<string, string> NoMeta = new Dictionary<string, string>();

    /// <summary>Writes the corpus as one document shard and saves the event announcing it to <paramref name="eventFile"/>;
    /// not measured (it is ingestion's work).</summary>
    public static async Task<CorpusShardIngested> PrepareAsync(IObjectStore store, string corpus, string inputJsonl, string eventFile,
        CancellationToken ct)
    {
        await using var writer = new ShardWriter();
        await foreach (var item in SignalInputReader.ReadAsync(inputJsonl, "en", ct))
        {
            if (item.Document is not { } d) continue;
            await writer.WriteAsync(new IngestedDocument(d.Id, d.Text, d.Url, d.Language, 1.0, "bench", NoMeta), ct);
        }
        var documents = await writer.UploadAsync(store, IngestionKeys.Shard(corpus, 0), ct);
        var shard = new CorpusShardIngested
        {
            CorpusId = Guid.NewGuid(), Corpus = corpus, Shard = 0, Documents = documents, DocumentCount = writer.Count, Generation = 1,
        };
        await File.WriteAllTextAsync(eventFile, JsonSerializer.Serialize(shard), ct);
        return shard;
    }

    /// <summary>The measured part: the service's runner for the shard in <paramref name="eventFile"/>, with
    /// <paramref name="threads"/> as its MaxConcurrency; returns the documents in the signal shard it stored.</summary>
    public static async Task<long> RunAsync(string storeSpec, string eventFile, int threads, string cacheDir, CancellationToken ct)
    {
        var shard = JsonSerializer.Deserialize<CorpusShardIngested>(await File.ReadAllTextAsync(eventFile, ct))!;
        var store = OpenStore(storeSpec);
        try
        {
            var options = Options.Create(new SignalsOptions { MaxConcurrency = threads, ResourceCacheDir = cacheDir });
            var resources = new SignalResources(c => Rpv2WordLists.LoadAsync(cacheDir, _ => { }, c), NullLogger<SignalResources>.Instance);
            using var compute = new SignalCompute(options);
            // The runner takes the catalog for reuse look-ups, which computing does not make: an unopened in-memory one.
            await using var db = new SqliteSignalsDbContext(new DbContextOptionsBuilder<SqliteSignalsDbContext>().UseSqlite("Data Source=:memory:").Options);
            var runner = new ShardSignalRunner(store, new SignalShardCatalog(db), resources,
                new SignalModels(store, options, NullLogger<SignalModels>.Instance), compute, options, TimeProvider.System,
                NullLogger<ShardSignalRunner>.Instance);
            var computed = await runner.ComputeAsync(shard, ct);
            return computed.Documents;
        }
        finally
        {
            (store as IDisposable)?.Dispose();
        }
    }

    /// <summary>"file:FOLDER" for a file-system store, "s3" for the S3 server named by Refinery__S3__* (or, as
    /// deploy/local/infra.sh exports them, REFINERY_TEST_S3_*) environment variables.</summary>
    public static IObjectStore OpenStore(string spec)
    {
        if (spec.StartsWith("file:", StringComparison.Ordinal)) return new FileSystemObjectStore(spec["file:".Length..]);
        if (spec != "s3") throw new ArgumentException($"Unknown store '{spec}': expected file:FOLDER or s3", nameof(spec));
        return S3ObjectStore.Create(S3FromEnvironment());
    }

    public static S3Options S3FromEnvironment()
    {
        static string? Get(string name, string testName) =>
            Environment.GetEnvironmentVariable("Refinery__S3__" + name) ?? Environment.GetEnvironmentVariable("REFINERY_TEST_S3_" + testName);
        var options = new S3Options
        {
            Endpoint = Get("Endpoint", "ENDPOINT") ?? "",
            AccessKey = Get("AccessKey", "ACCESS_KEY") ?? "",
            SecretKey = Get("SecretKey", "SECRET_KEY") ?? "",
            Bucket = Get("Bucket", "BUCKET") ?? new S3Options().Bucket,
        };
        if (options.Endpoint.Length == 0 || options.AccessKey.Length == 0)
            throw new InvalidOperationException("--s3 needs Refinery__S3__Endpoint/AccessKey/SecretKey (or REFINERY_TEST_S3_*) in the environment");
        return options;
    }

    /// <summary>Removes what the cases left under the corpus's keys (document and signal shards, quarantine records).</summary>
    public static async Task CleanUpAsync(IObjectStore store, string corpus, CancellationToken ct)
    {
        foreach (var prefix in new[] { IngestionKeys.DocsPrefix(corpus), SignalsKeys.Prefix(corpus), IngestionKeys.QuarantinePrefix(corpus) })
        {
            var keys = new List<string>();
            await foreach (var o in store.ListAsync(prefix, ct)) keys.Add(o.Key);
            foreach (var key in keys) await store.DeleteAsync(key, ct);
        }
    }
}
