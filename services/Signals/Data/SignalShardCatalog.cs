using Microsoft.EntityFrameworkCore;
using Refinery.Hosting.Data;
using Refinery.Signals.Domain;

namespace Refinery.Signals.Data;

/// <summary>Reads and upserts signal shard rows by their business key (corpus, shard, config).</summary>
public sealed class SignalShardCatalog(SignalsDbContext db)
{
    public Task<SignalShard?> FindAsync(Guid corpusId, int shard, string config, CancellationToken ct) =>
        db.Shards.AsNoTracking().SingleOrDefaultAsync(s => s.CorpusId == corpusId && s.Shard == shard && s.Config == config, ct);

    /// <summary>How many shards of the corpus below <paramref name="below"/> have signals of <paramref name="config"/>.</summary>
    public Task<int> CountAsync(Guid corpusId, string config, int below, CancellationToken ct) =>
        db.Shards.CountAsync(s => s.CorpusId == corpusId && s.Config == config && s.Shard < below, ct);

    /// <summary>Inserts the row, or overwrites the existing one. Two consumers that computed the same shard at once
    /// (a duplicated event) wrote the same deterministic object, so the last write winning is correct.</summary>
    public Task UpsertAsync(SignalShard row, CancellationToken ct) => db.UpsertAsync(row, c => UpdateAsync(row, c), ct);

    private Task<int> UpdateAsync(SignalShard row, CancellationToken ct) =>
        db.Shards.Where(s => s.CorpusId == row.CorpusId && s.Shard == row.Shard && s.Config == row.Config)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Corpus, row.Corpus)
                .SetProperty(x => x.Key, row.Key)
                .SetProperty(x => x.Sha256, row.Sha256)
                .SetProperty(x => x.Length, row.Length)
                .SetProperty(x => x.DocumentsSha256, row.DocumentsSha256)
                .SetProperty(x => x.Documents, row.Documents)
                .SetProperty(x => x.Quarantined, row.Quarantined)
                .SetProperty(x => x.ResourcesJson, row.ResourcesJson)
                .SetProperty(x => x.ComputedAt, row.ComputedAt)
                .SetProperty(x => x.ElapsedMs, row.ElapsedMs), ct);
}
