using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Ingestion;
using Refinery.Hosting.Jobs;
using Refinery.Ingestion.Data;
using Refinery.Ingestion.Domain;
using Refinery.Ingestion.Pipeline;

namespace Refinery.Ingestion.Jobs;

/// <summary>A claimed job: the command to run and the generation it belongs to.</summary>
public sealed record ClaimedJob(Guid CorpusId, int Generation, IngestCorpus Command);

/// <summary>The ingestion job table operations. A job is a corpus row in stage queued (or ingesting with an
/// expired lease: its process died); claiming is one conditional UPDATE, so competing processes never share one.</summary>
public sealed class IngestionJobs(IngestionDbContext db, TimeProvider clock) : ILeasedJobs<ClaimedJob>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Records the command as a queued job unless the same command is already queued, running or done.
    /// Returns the corpus as it stands and whether a new run was queued.</summary>
    public async Task<(Corpus Corpus, bool Queued)> EnqueueAsync(IngestCorpus command, CancellationToken ct)
    {
        var json = CommandJson(command);
        var now = clock.GetUtcNow().UtcDateTime;
        db.ChangeTracker.Clear(); // claims and renewals update rows behind the tracker's back
        var corpus = await db.Corpora.SingleOrDefaultAsync(c => c.Id == command.CorpusId, ct);
        if (corpus is not null && corpus.CommandJson == json && corpus.Stage != CorpusStages.Failed)
            return (corpus, false);
        if (corpus is null)
        {
            corpus = new Corpus { Id = command.CorpusId, Name = command.Name, Stage = CorpusStages.Queued, CommandJson = json, CreatedAt = now };
            db.Corpora.Add(corpus);
        }
        corpus.Stage = CorpusStages.Queued;
        corpus.CommandJson = json;
        corpus.Generation++;
        corpus.Attempts = 0;
        corpus.Error = null;
        corpus.LastFailedStep = null;
        corpus.LastError = null;
        corpus.LeaseOwner = null;
        corpus.LeaseUntil = null;
        corpus.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        return (corpus, true);
    }

    /// <summary>The command as the job row records it (a repeated command is the same job when this is the same).</summary>
    public static string CommandJson(IngestCorpus command) => JsonSerializer.Serialize(command, Json);

    public async Task<ClaimedJob?> TryClaimAsync(string owner, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.Corpora.AsNoTracking()
            .Where(c => c.Stage == CorpusStages.Queued || (c.Stage == CorpusStages.Ingesting && c.LeaseUntil < now))
            .OrderBy(c => c.UpdatedAt)
            .Select(c => new { c.Id, c.Generation, c.CommandJson })
            .Take(4)
            .ToListAsync(ct);
        foreach (var candidate in candidates)
        {
            var claimed = await db.Corpora
                .Where(c => c.Id == candidate.Id && c.Generation == candidate.Generation &&
                            (c.Stage == CorpusStages.Queued || (c.Stage == CorpusStages.Ingesting && c.LeaseUntil < now)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Stage, CorpusStages.Ingesting)
                    .SetProperty(c => c.LeaseOwner, owner)
                    .SetProperty(c => c.LeaseUntil, now + lease)
                    .SetProperty(c => c.Attempts, c => c.Attempts + 1)
                    .SetProperty(c => c.UpdatedAt, now), ct);
            if (claimed == 1)
                return new ClaimedJob(candidate.Id, candidate.Generation,
                    JsonSerializer.Deserialize<IngestCorpus>(candidate.CommandJson, Json)!);
        }
        return null;
    }

    public async Task<LeasedJobAttempts> AttemptsAsync(ClaimedJob job, CancellationToken ct)
    {
        var row = await db.Corpora.Where(c => c.Id == job.CorpusId).Select(c => new { c.Attempts, c.LastFailedStep, c.LastError }).SingleAsync(ct);
        return new LeasedJobAttempts(row.Attempts, row.LastError is null ? null : new FailedStep(row.LastFailedStep ?? LeasedJobAttempts.RunStep, row.LastError));
    }

    public async Task RecordFailureAsync(ClaimedJob job, FailedStep failure, CancellationToken ct) =>
        await db.Corpora.Where(c => c.Id == job.CorpusId && c.Generation == job.Generation)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.LastFailedStep, failure.Step)
                .SetProperty(c => c.LastError, failure.Reason)
                .SetProperty(c => c.UpdatedAt, clock.GetUtcNow().UtcDateTime), ct);

    /// <summary>Extends the lease; false when the job is no longer ours (requeued by a newer command).</summary>
    public async Task<bool> RenewAsync(ClaimedJob job, string owner, TimeSpan lease, CancellationToken ct)
    {
        var until = clock.GetUtcNow().UtcDateTime + lease;
        return await db.Corpora
            .Where(c => c.Id == job.CorpusId && c.Generation == job.Generation && c.LeaseOwner == owner && c.Stage == CorpusStages.Ingesting)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LeaseUntil, until), ct) == 1;
    }

    public async Task RecordShardAsync(Guid corpusId, ShardWritten shard, CancellationToken ct)
    {
        var row = await db.Shards.SingleOrDefaultAsync(s => s.CorpusId == corpusId && s.Shard == shard.Shard, ct);
        if (row is null)
            db.Shards.Add(row = new CorpusShard { CorpusId = corpusId, Shard = shard.Shard, Key = shard.Documents.Key, Sha256 = shard.Documents.Sha256 });
        row.Key = shard.Documents.Key;
        row.Sha256 = shard.Documents.Sha256;
        row.Length = shard.Documents.Length;
        row.DocumentCount = shard.DocumentCount;
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>Stores the result if the job still belongs to this generation; false when it was superseded.</summary>
    public async Task<bool> CompleteAsync(ClaimedJob job, IngestionSummary summary, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var corpus = await db.Corpora.SingleAsync(c => c.Id == job.CorpusId, ct);
        if (corpus.Generation != job.Generation) return false;
        corpus.Stage = CorpusStages.Ingested;
        corpus.Read = summary.Read;
        corpus.Accepted = summary.Accepted;
        corpus.Rejected = summary.Rejected;
        corpus.InvalidUtf8Replaced = summary.InvalidUtf8Replaced;
        corpus.ShardCount = summary.ShardCount;
        corpus.LanguagesJson = JsonSerializer.Serialize(summary.Languages, Json);
        corpus.RejectedByReasonJson = JsonSerializer.Serialize(summary.RejectedByReason, Json);
        corpus.LeaseOwner = null;
        corpus.LeaseUntil = null;
        corpus.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        await db.Shards.Where(s => s.CorpusId == job.CorpusId && s.Shard >= summary.ShardCount).ExecuteDeleteAsync(ct);
        await db.Sources.Where(s => s.CorpusId == job.CorpusId).ExecuteDeleteAsync(ct);
        db.Sources.AddRange(summary.Sources.Select(s => new CorpusSource
        {
            CorpusId = job.CorpusId, Key = s.Key, Name = s.Source, Accepted = s.Accepted, Rejected = s.Rejected,
            InvalidUtf8Replaced = s.InvalidUtf8Replaced,
        }));
        await db.SaveChangesAsync(ct);
        return true;
    }

    public async Task FailAsync(ClaimedJob job, string reason, CancellationToken ct) =>
        await db.Corpora.Where(c => c.Id == job.CorpusId && c.Generation == job.Generation)
            .ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Stage, CorpusStages.Failed)
                .SetProperty(c => c.Error, reason)
                .SetProperty(c => c.LeaseOwner, (string?)null)
                .SetProperty(c => c.LeaseUntil, (DateTime?)null)
                .SetProperty(c => c.UpdatedAt, clock.GetUtcNow().UtcDateTime), ct);

    public static CorpusIngested ToEvent(Corpus corpus) => new()
    {
        CorpusId = corpus.Id,
        Name = corpus.Name,
        ShardCount = corpus.ShardCount,
        Read = corpus.Read,
        Accepted = corpus.Accepted,
        Rejected = corpus.Rejected,
        InvalidUtf8Replaced = corpus.InvalidUtf8Replaced,
        RejectedByReason = JsonSerializer.Deserialize<Dictionary<string, long>>(corpus.RejectedByReasonJson, Json)!,
        Languages = JsonSerializer.Deserialize<Dictionary<string, long>>(corpus.LanguagesJson, Json)!,
        Generation = corpus.Generation,
    };
}
