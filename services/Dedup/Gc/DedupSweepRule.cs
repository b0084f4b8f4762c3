using System.Globalization;
using Microsoft.EntityFrameworkCore;
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
    private const string Root = "dedup/";
    private const string IndexRoot = "dedup/index/";

    public string Service => "dedup";

    public IReadOnlyList<string> Prefixes { get; } = [Root];

    public async Task<IReadOnlySet<string>> ReleasedAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var released = new HashSet<string>(StringComparer.Ordinal);
        var index = new List<(string Key, IndexVersion Version)>();
        var jobFiles = new List<(string Key, string Corpus, string Config)>();
        foreach (var key in keys)
        {
            if (IndexVersion.Parse(key) is { } version) index.Add((key, version));
            else if (JobFile(key) is { } owner) jobFiles.Add((key, owner.Corpus, owner.Config));
        }

        if (index.Count > 0)
        {
            var current = await db.IndexPartitions.AsNoTracking()
                .Select(p => new { p.Kind, p.Partition, p.Version, p.Key })
                .ToDictionaryAsync(p => (p.Kind, p.Partition), ct);
            foreach (var (key, version) in index)
            {
                // No row yet: the partition's first version is being recorded.
                if (!current.TryGetValue((version.Kind, version.Partition), out var row)) continue;
                if (version.Number < row.Version || (version.Number == row.Version && key != row.Key)) released.Add(key);
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

    /// <summary>The corpus and configuration of a job file <c>dedup/{corpus}/{config}/{clusters.parquet | edges/… | keys/… | shingles/…}</c>.</summary>
    private static (string Corpus, string Config)? JobFile(string key)
    {
        if (!key.StartsWith(Root, StringComparison.Ordinal)) return null;
        var parts = key[Root.Length..].Split('/');
        var known = parts switch
        {
            [_, _, "clusters.parquet"] => true,
            [_, _, "edges" or "keys" or "shingles", var file] => file.EndsWith(".bin", StringComparison.Ordinal),
            _ => false,
        };
        return known ? (parts[0], parts[1]) : null;
    }

    /// <summary>An exact-index object key as <see cref="DedupKeys.IndexPartition"/> writes it.</summary>
    private sealed record IndexVersion(string Kind, int Partition, long Number)
    {
        public static IndexVersion? Parse(string key)
        {
            if (!key.StartsWith(IndexRoot, StringComparison.Ordinal)) return null;
            if (key[IndexRoot.Length..].Split('/') is not [var kind, var partition, var file]) return null;
            if (partition.Length != 2 || !int.TryParse(partition, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var p)) return null;
            // {version:D10}-{guid:N}.bin
            if (file.Length != 10 + 1 + 32 + 4 || file[10] != '-' || !file.EndsWith(".bin", StringComparison.Ordinal)) return null;
            if (!long.TryParse(file.AsSpan(0, 10), NumberStyles.None, CultureInfo.InvariantCulture, out var version)) return null;
            if (!Guid.TryParseExact(file.AsSpan(11, 32), "N", out _)) return null;
            return new IndexVersion(kind, p, version);
        }
    }
}
