using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Curation;
using Refinery.Curation.Data;
using Refinery.Curation.Domain;
using Refinery.Hosting.Storage;

namespace Refinery.Curation.Gc;

/// <summary>
/// Which of its objects the curation service no longer needs, from its own catalog only: the ranking files
/// (<c>datasets/{name}/{version}/ranks/…</c>) of a version recorded as done. Ranking files are read only to merge
/// their round, and a done version has merged every round; a late duplicate of a ranking step for a done version reads
/// no ranking files. The rest of a version (parts, manifest, datasheet, statistics) is its output and is kept; so is
/// everything of a version still working, whose failed or killed steps rerun over the same keys.
/// </summary>
public sealed class CurationSweepRule(CurationDbContext db) : IStorageSweepRule
{
    public string Service => "curation";

    public IReadOnlyList<string> Prefixes { get; } = [DatasetKeys.AllPrefix];

    public async Task<IReadOnlySet<string>> ReleasedAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        var ranks = new List<(string Key, string Dataset, string Version)>();
        foreach (var key in keys)
            if (DatasetKeys.RanksOf(key) is { } owner) ranks.Add((key, owner.Dataset, owner.Version));
        var released = new HashSet<string>(StringComparer.Ordinal);
        if (ranks.Count == 0) return released;

        var datasets = ranks.Select(r => r.Dataset).Distinct().ToList();
        var done = (await db.Jobs.AsNoTracking()
                .Where(j => datasets.Contains(j.Dataset) && j.Status == DatasetJobStatus.Done)
                .Select(j => new { j.Dataset, j.Version })
                .ToListAsync(ct))
            .Select(j => (j.Dataset, j.Version))
            .ToHashSet();
        foreach (var (key, dataset, version) in ranks)
            if (done.Contains((dataset, version))) released.Add(key);
        return released;
    }
}
