using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Refinery.Contracts.Signals;
using Refinery.Gateway.Domain;
using Refinery.Hosting.Data;

namespace Refinery.Gateway.Data;

/// <summary>Applies <see cref="ShardSignalsComputed"/> and <see cref="ShardSignalsFailed"/> to the signal shard read model,
/// one row per corpus, configuration and shard. The latest announcement by its sender's clock wins: a shard computed
/// after it failed (redelivered, or announced again by a new ingestion run) is computed, and a late event of an earlier
/// attempt changes nothing.</summary>
public sealed class SignalsProjection(GatewayDbContext db, TimeProvider clock)
{
    public const int MaxStepLength = 128, MaxErrorLength = 4000;

    /// <summary>The step a shard failed at: the event's, or the shard itself when an older publisher named none.</summary>
    public static string StepOf(ShardSignalsFailed e) => e.Step.Length > 0 ? e.Step : $"shard {e.Shard}";

    public Task ComputedAsync(ShardSignalsComputed e, DateTime? sentAt, CancellationToken ct)
    {
        var row = new CorpusSignalShardView
        {
            CorpusId = e.CorpusId, Config = e.Config, Shard = e.Shard, State = SignalShardStates.Computed, DocumentCount = e.DocumentCount,
            UpdatedAt = At(sentAt),
        };
        return ApplyAsync(row, s => s
            .SetProperty(x => x.State, row.State)
            .SetProperty(x => x.DocumentCount, row.DocumentCount)
            .SetProperty(x => x.FailedStep, (string?)null)
            .SetProperty(x => x.Error, (string?)null)
            .SetProperty(x => x.UpdatedAt, row.UpdatedAt), ct);
    }

    public Task FailedAsync(ShardSignalsFailed e, DateTime? sentAt, CancellationToken ct)
    {
        var step = Truncate(StepOf(e), MaxStepLength);
        var row = new CorpusSignalShardView
        {
            CorpusId = e.CorpusId, Config = e.Config, Shard = e.Shard, State = SignalShardStates.Failed, FailedStep = step,
            Error = Truncate(e.Reason, MaxErrorLength), UpdatedAt = At(sentAt),
        };
        return ApplyAsync(row, s => s
            .SetProperty(x => x.State, row.State)
            .SetProperty(x => x.DocumentCount, 0)
            .SetProperty(x => x.FailedStep, row.FailedStep)
            .SetProperty(x => x.Error, row.Error)
            .SetProperty(x => x.UpdatedAt, row.UpdatedAt), ct);
    }

    /// <summary>The signal shards of a corpus, by configuration and shard.</summary>
    public Task<List<CorpusSignalShardView>> OfCorpusAsync(Guid corpusId, CancellationToken ct) =>
        db.SignalShards.AsNoTracking().Where(s => s.CorpusId == corpusId).OrderBy(s => s.Config).ThenBy(s => s.Shard).ToListAsync(ct);

    /// <summary>Updates the row when the event is not older than it; inserts it when there is none.</summary>
    private Task ApplyAsync(CorpusSignalShardView row, Action<UpdateSettersBuilder<CorpusSignalShardView>> set, CancellationToken ct) =>
        db.UpsertAsync(row, async c =>
        {
            Expression<Func<CorpusSignalShardView, bool>> key = s => s.CorpusId == row.CorpusId && s.Config == row.Config && s.Shard == row.Shard;
            if (await db.SignalShards.Where(key).Where(s => s.UpdatedAt <= row.UpdatedAt).ExecuteUpdateAsync(set, c) > 0) return 1;
            return await db.SignalShards.AnyAsync(key, c) ? 1 : 0;
        }, ct);

    /// <summary>When the event was sent, by its sender's clock, else now.</summary>
    private DateTime At(DateTime? sentAt) =>
        sentAt is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : clock.GetUtcNow().UtcDateTime;

    private static string Truncate(string text, int max) => text.Length > max ? text[..max] : text;
}
