using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Domain;

namespace Refinery.Gateway.Data;

/// <summary>Applies submissions and ingestion events to the corpus read model. Every change is an insert of the
/// whole row when it is new, else one conditional UPDATE, so a redelivered event changes nothing, events handled at
/// once by competing consumers cannot overwrite each other, and an older event never moves a corpus back: ingested
/// and failed are final until the same content is submitted again (<see cref="CorpusClaims"/>, which also creates
/// the row of a submission). Events carry their run's generation: the row keeps the
/// newest it has seen, an event of an older run changes nothing, and an event of a newer run starts that run whatever
/// stage the row is in. (Between a new submission and its run's first event the newest generation seen is still the
/// earlier run's, so a stale event of that run arriving then still counts.)</summary>
public sealed class CorpusProjection(GatewayDbContext db, TimeProvider clock)
{
    private const int MaxErrorLength = 4000, MaxStepLength = 128;

    /// <summary>The step a submission fails at when the gateway could not hand it on.</summary>
    public const string SendStep = "send";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The first of <paramref name="names"/> no submission or ingestion event ever named, with its index; null
    /// when the gateway knows them all. A request naming a corpus nobody submitted is refused at once: the services
    /// would wait for its ingestion (it might be on its way), which never comes.</summary>
    public async Task<(int Index, string Name)?> FirstUnknownAsync(IReadOnlyList<string> names, CancellationToken ct)
    {
        var ids = names.Select(CorpusNames.IdOf).Distinct().ToList();
        var known = (await db.Corpora.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct)).ToHashSet();
        for (var i = 0; i < names.Count; i++)
            if (!known.Contains(CorpusNames.IdOf(names[i]))) return (i, names[i]);
        return null;
    }

    /// <summary>The submission could not be handed on (the bus would not take the command, or its sources could not be
    /// stored): it failed before anyone took it, and the same content may be submitted again.</summary>
    public async Task SubmissionFailedAsync(Guid id, string reason, CancellationToken ct) =>
        await db.Corpora.Where(c => c.Id == id && c.Stage == CorpusStages.Submitted).ExecuteUpdateAsync(s => s
            .SetProperty(c => c.Stage, CorpusStages.Failed)
            .SetProperty(c => c.Error, Truncate(reason))
            .SetProperty(c => c.FailedStep, SendStep)
            .SetProperty(c => c.UpdatedAt, Now()), ct);

    public async Task StartedAsync(CorpusIngestionStarted e, CancellationToken ct)
    {
        var now = Now();
        if (await InsertAsync(new CorpusView
            {
                Id = e.CorpusId, Name = e.Name, Stage = CorpusStages.Ingesting, SourceCount = e.SourceCount, Generation = e.Generation,
            }, now, ct))
            return;
        await db.Corpora
            .Where(c => c.Id == e.CorpusId && (c.Generation < e.Generation
                || (c.Generation == e.Generation && (c.Stage == CorpusStages.Submitted || c.Stage == CorpusStages.Ingesting))))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Stage, CorpusStages.Ingesting)
                .SetProperty(c => c.Name, e.Name)
                .SetProperty(c => c.SourceCount, e.SourceCount)
                .SetProperty(c => c.Generation, e.Generation)
                .SetProperty(c => c.Error, (string?)null)
                .SetProperty(c => c.FailedStep, (string?)null)
                .SetProperty(c => c.UpdatedAt, now), ct);
    }

    public async Task ShardIngestedAsync(CorpusShardIngested e, CancellationToken ct)
    {
        var now = Now();
        if (await GenerationAsync(e.CorpusId, ct) > e.Generation) return; // a late shard of an earlier run
        var shard = new CorpusShardView
        {
            CorpusId = e.CorpusId, Shard = e.Shard, Key = e.Documents.Key, Sha256 = e.Documents.Sha256,
            Length = e.Documents.Length, DocumentCount = e.DocumentCount, UpdatedAt = now,
        };
        if (!await InsertIfMissingAsync(db.Shards, shard, s => s.CorpusId == e.CorpusId && s.Shard == e.Shard, ct))
        {
            await db.Shards.Where(s => s.CorpusId == e.CorpusId && s.Shard == e.Shard).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Key, e.Documents.Key)
                .SetProperty(x => x.Sha256, e.Documents.Sha256)
                .SetProperty(x => x.Length, e.Documents.Length)
                .SetProperty(x => x.DocumentCount, e.DocumentCount)
                .SetProperty(x => x.UpdatedAt, now), ct);
        }
        // A shard proves the run has started, even if the start event is still on its way.
        await db.Corpora
            .Where(c => c.Id == e.CorpusId && (c.Generation < e.Generation
                || (c.Generation == e.Generation && (c.Stage == CorpusStages.Submitted || c.Stage == CorpusStages.Ingesting))))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Stage, CorpusStages.Ingesting)
                .SetProperty(c => c.Generation, e.Generation)
                .SetProperty(c => c.Error, (string?)null)
                .SetProperty(c => c.FailedStep, (string?)null)
                .SetProperty(c => c.UpdatedAt, now), ct);
    }

    public async Task IngestedAsync(CorpusIngested e, CancellationToken ct)
    {
        var now = Now();
        var rejected = JsonSerializer.Serialize(e.RejectedByReason, Json);
        var languages = JsonSerializer.Serialize(e.Languages, Json);
        var inserted = await InsertAsync(new CorpusView
        {
            Id = e.CorpusId, Name = e.Name, Stage = CorpusStages.Ingested, ShardCount = e.ShardCount, Read = e.Read,
            Accepted = e.Accepted, Rejected = e.Rejected, InvalidUtf8Replaced = e.InvalidUtf8Replaced,
            RejectedByReasonJson = rejected, LanguagesJson = languages, Generation = e.Generation,
        }, now, ct);
        var updated = inserted ? 1 : await db.Corpora
            .Where(c => c.Id == e.CorpusId && (c.Generation < e.Generation || (c.Generation == e.Generation && c.Stage != CorpusStages.Failed)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Stage, CorpusStages.Ingested)
                .SetProperty(c => c.Generation, e.Generation)
                .SetProperty(c => c.Name, e.Name)
                .SetProperty(c => c.ShardCount, e.ShardCount)
                .SetProperty(c => c.Read, e.Read)
                .SetProperty(c => c.Accepted, e.Accepted)
                .SetProperty(c => c.Rejected, e.Rejected)
                .SetProperty(c => c.InvalidUtf8Replaced, e.InvalidUtf8Replaced)
                .SetProperty(c => c.RejectedByReasonJson, rejected)
                .SetProperty(c => c.LanguagesJson, languages)
                .SetProperty(c => c.Error, (string?)null)
                .SetProperty(c => c.FailedStep, (string?)null)
                .SetProperty(c => c.UpdatedAt, now), ct);
        // Shards beyond the final count (and their signals) belong to an earlier, larger run of the same corpus.
        if (updated > 0)
        {
            await db.Shards.Where(s => s.CorpusId == e.CorpusId && s.Shard >= e.ShardCount).ExecuteDeleteAsync(ct);
            await db.SignalShards.Where(s => s.CorpusId == e.CorpusId && s.Shard >= e.ShardCount).ExecuteDeleteAsync(ct);
        }
    }

    /// <summary>The step an ingestion failed at: the event's, or the run's one step when an older publisher named none.</summary>
    public static string StepOf(CorpusIngestionFailed e) => e.Step.Length > 0 ? e.Step : JobProjection.IngestionStep;

    /// <summary>The run, or its request, failed for good at its step.</summary>
    public async Task FailedAsync(CorpusIngestionFailed e, CancellationToken ct)
    {
        var now = Now();
        var reason = Truncate(e.Reason);
        var step = StepOf(e);
        if (step.Length > MaxStepLength) step = step[..MaxStepLength];
        if (await InsertAsync(new CorpusView
            {
                Id = e.CorpusId, Name = e.Name, Stage = CorpusStages.Failed, Error = reason, FailedStep = step, Generation = e.Generation,
            }, now, ct))
            return;
        await db.Corpora
            .Where(c => c.Id == e.CorpusId && (c.Generation < e.Generation
                || (c.Generation == e.Generation && (c.Stage == CorpusStages.Submitted || c.Stage == CorpusStages.Ingesting))))
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Stage, CorpusStages.Failed)
                .SetProperty(c => c.Generation, e.Generation)
                .SetProperty(c => c.Error, reason)
                .SetProperty(c => c.FailedStep, step)
                .SetProperty(c => c.UpdatedAt, now), ct);
    }

    /// <summary>Creates the corpus row as <paramref name="row"/> when there is none; true when this call created it
    /// (then the row already says everything the event says, and no conditional update may follow: the row could
    /// have moved on in between, e.g. to a new submission).</summary>
    private async Task<bool> InsertAsync(CorpusView row, DateTime now, CancellationToken ct)
    {
        row.CreatedAt = row.UpdatedAt = now;
        return await InsertIfMissingAsync(db.Corpora, row, c => c.Id == row.Id, ct);
    }

    /// <summary>Inserts <paramref name="row"/> unless a row with its key exists; true when this call inserted it.
    /// A concurrent insert of the same key by another consumer counts as "exists".</summary>
    private async Task<bool> InsertIfMissingAsync<T>(DbSet<T> set, T row, System.Linq.Expressions.Expression<Func<T, bool>> key,
        CancellationToken ct) where T : class
    {
        if (await set.AsNoTracking().AnyAsync(key, ct)) return false;
        set.Add(row);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            if (await set.AsNoTracking().AnyAsync(key, ct)) return false;
            throw;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The newest generation seen of the corpus; null before its first event.</summary>
    private Task<int?> GenerationAsync(Guid id, CancellationToken ct) =>
        db.Corpora.AsNoTracking().Where(c => c.Id == id).Select(c => (int?)c.Generation).SingleOrDefaultAsync(ct);

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private static string Truncate(string reason) => reason.Length <= MaxErrorLength ? reason : reason[..MaxErrorLength];
}
