using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Bus;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Storage;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Dedup.Pipeline;

/// <summary>Hashes one document shard of a job: the key of every document's RPv2-normalised text, in shard order,
/// written to <c>dedup/{corpus}/{config}/keys/{shard:D5}.bin</c>, and for a verifying job every document's shingle set
/// (<c>…/shingles/{shard:D5}.bin</c>). Lines that are not documents are skipped exactly as
/// the signals service skips them, so record i belongs to row i of the signal shard (the merger checks the id_int).</summary>
public sealed class ShardHasher(IObjectStore store)
{
    private const int BatchSize = 512;

    public async Task<DedupShard> HashAsync(DedupJob job, int shard, CancellationToken ct)
    {
        var documents = JobShards.DocumentsOf(job);
        if (shard < 0 || shard >= documents.Count) throw new PermanentFailureException($"shard {shard} is outside job {job.Id}'s {documents.Count}");
        var fingerprinter = new DedupFingerprinter(MinHashPermutations.RpV2, Rpv2SignalComputer.MinHashNGram);
        var records = new List<TextKeyRecord>();
        var shingles = job.Verify ? new List<ShingleSet>() : null;
        using (var bytes = await store.ReadVerifiedAsync(documents[shard], ct))
            await foreach (var batch in ShardDocumentReader.ReadBatchesAsync(bytes, BatchSize, ct))
                foreach (var line in batch)
                    if (line.Document is { } document)
                    {
                        records.Add(new TextKeyRecord(ExactKeys.Of(job.ExactKey, document.Text, document.Url, fingerprinter.NormalizedKey),
                            Rpv2SignalComputer.IdInt(document.Id),
                            document.Text.Length));
                        shingles?.Add(fingerprinter.Shingles(document.Text));
                    }
        var stored = await store.PutAsync(DedupKeys.TextKeys(job.Corpus, job.Config, shard), TextKeyFile.Write(records), ct);
        var row = new DedupShard
        {
            JobId = job.Id, Shard = shard, Key = stored.Key, Sha256 = stored.Sha256, Length = stored.Length, Documents = records.Count,
        };
        if (shingles is null) return row;
        var sets = await store.PutAsync(DedupKeys.Shingles(job.Corpus, job.Config, shard), ShingleFile.Write(shingles), ct);
        (row.ShinglesKey, row.ShinglesSha256, row.ShinglesLength) = (sets.Key, sets.Sha256, sets.Length);
        return row;
    }

    /// <summary>Every hashed shard's records, in job order, each file checked against its recorded checksum.</summary>
    public static async Task<List<TextKeyRecord[]>> ReadAllAsync(IObjectStore store, IReadOnlyList<DedupShard> shards, CancellationToken ct)
    {
        var all = new List<TextKeyRecord[]>(shards.Count);
        foreach (var shard in shards)
        {
            using var bytes = await store.ReadVerifiedAsync(new ObjectRef { Bucket = store.Bucket, Key = shard.Key, Sha256 = shard.Sha256, Length = shard.Length }, ct);
            var records = TextKeyFile.Read(bytes, shard.Key);
            if (records.Length != shard.Documents)
                throw new PermanentFailureException($"{shard.Key}: {records.Length} documents, the catalog recorded {shard.Documents}");
            all.Add(records);
        }
        return all;
    }
}
