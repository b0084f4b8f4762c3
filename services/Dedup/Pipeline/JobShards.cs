using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Bus;
using Refinery.Quality.Formats;
using Refinery.Storage;

namespace Refinery.Dedup.Pipeline;

/// <summary>The signal shards a job reads, in shard order (global document numbers follow this order), and reading
/// their bands with the checksum the job recorded, so a shard rewritten since is detected instead of mixed in.</summary>
public static class JobShards
{
    public static IReadOnlyList<ObjectRef> Of(DedupJob job) => JsonSerializer.Deserialize<List<ObjectRef>>(job.ShardsJson) ?? [];

    /// <summary>The document shards the signal shards were computed from, in the same order.</summary>
    public static IReadOnlyList<ObjectRef> DocumentsOf(DedupJob job) => JsonSerializer.Deserialize<List<ObjectRef>>(job.DocumentsJson) ?? [];

    public static string ToJson(IReadOnlyList<ObjectRef> shards) => JsonSerializer.Serialize(shards);

    /// <summary>A job's id: a hash of the corpus, the configuration tag (which names every option) and every signal
    /// and document shard's key and checksum.</summary>
    public static Guid JobId(string corpus, string config, IReadOnlyList<ObjectRef> shards, IReadOnlyList<ObjectRef> documents)
    {
        var text = new StringBuilder($"{corpus}\n{config}\n");
        foreach (var shard in shards.Concat(documents)) text.Append(shard.Key).Append(' ').Append(shard.Sha256).Append('\n');
        return new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))[..16]);
    }

    /// <summary>Every row of every shard, in order, with the bands of <paramref name="column"/>.</summary>
    public static async IAsyncEnumerable<MinHashBandsRow> ReadAsync(IObjectStore store, IReadOnlyList<ObjectRef> shards, string column,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var shard in shards)
        {
            using var bytes = await store.ReadVerifiedAsync(shard, ct);
            await foreach (var row in MinHashParquetReader.ReadAsync(bytes, column, ct)) yield return row;
        }
    }
}
