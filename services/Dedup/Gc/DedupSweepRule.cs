using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Dedup;
using Refinery.Dedup.Data;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Storage;

namespace Refinery.Dedup.Gc;

/// <summary>
/// Which of its objects the dedup service no longer needs, from its own catalog only:
/// <list type="bullet">
/// <item>an exact-index version (<c>dedup/index/{kind}/{p}/{version}-{guid}.bin</c>) older than its partition's current
/// version, or of the current version number but not the recorded object (a writer that lost the compare-and-swap).
/// Versions above the current one are kept: a writer may be about to record them.</item>
/// <item>a job file (<c>dedup/{corpus}/{config}/…</c>: clusters, edges, keys, shingles) that no row names, once no job of
/// that corpus and configuration is working: a working job writes files before it records them.</item>
/// </list>
/// Keys of any other shape are kept.
/// </summary>
public sealed class DedupSweepRule(DedupDbContext db) : IStorageSweepRule
{
    public string Service => "dedup";

    public IReadOnlyList<string> Prefixes { get; } = [DedupKeys.AllPrefix];

    public async Task<IReadOnlySet<string>> ReleasedAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var released = new HashSet<string>(StringComparer.Ordinal);
        var index = new List<(string Key, DedupIndexObject Object)>();
        var jobFiles = new List<(string Key, string Corpus, string Config)>();
        foreach (var key in keys)
        {
            if (DedupKeys.IndexObjectOf(key) is { } indexed) index.Add((key, indexed));
            else if (DedupKeys.JobFileOf(key) is { } owner) jobFiles.Add((key, owner.Corpus, owner.Config));
        }

        if (index.Count > 0)
        {
            var current = await db.IndexPartitions.AsNoTracking()
                .Select(p => new { p.Kind, p.Partition, p.Version, p.Key })
                .ToDictionaryAsync(p => (p.Kind, p.Partition), ct);
            foreach (var (key, indexed) in index)
            {
                // No row yet: the partition's first version is being recorded.
                if (!current.TryGetValue((indexed.Kind, indexed.Partition), out var row)) continue;
                if (indexed.Version < row.Version || (indexed.Version == row.Version && key != row.Key)) released.Add(key);
            }
        }

        if (jobFiles.Count > 0)
        {
            var corpora = jobFiles.Select(f => f.Corpus).Distinct().ToList();
            var jobs = await db.Jobs.AsNoTracking().Where(j => corpora.Contains(j.Corpus))
                .Select(j => new { j.Id, j.Corpus, j.Config, j.Status, j.ClustersKey })
                .ToListAsync(ct);
            var working = jobs.Where(j => j.Status != DedupJobStatus.Done).Select(j => (j.Corpus, j.Config)).ToHashSet();
            var ids = jobs.Select(j => j.Id).ToList();
            var named = new HashSet<string>(StringComparer.Ordinal);
            named.UnionWith(jobs.Where(j => j.ClustersKey != null).Select(j => j.ClustersKey!));
            named.UnionWith(await db.Shards.AsNoTracking().Where(s => ids.Contains(s.JobId)).Select(s => s.Key).ToListAsync(ct));
            named.UnionWith(await db.Shards.AsNoTracking().Where(s => ids.Contains(s.JobId) && s.ShinglesKey != null)
                .Select(s => s.ShinglesKey!).ToListAsync(ct));
            named.UnionWith(await db.Partitions.AsNoTracking().Where(p => ids.Contains(p.JobId)).Select(p => p.Key).ToListAsync(ct));
            foreach (var (key, corpus, config) in jobFiles)
                if (!working.Contains((corpus, config)) && !named.Contains(key)) released.Add(key);
        }
        return released;
    }
}
