using Microsoft.EntityFrameworkCore;
using Refinery.Contracts.Ingestion;
using Refinery.Hosting.Data;
using Refinery.Ingestion.Data;
using Refinery.Ingestion.Data.Migrations;
using Refinery.Ingestion.Domain;
using Refinery.Ingestion.Jobs;

namespace Refinery.Ingestion.Tests.Jobs;

/// <summary>The lease protocol that lets competing ingestion processes share the job table.</summary>
public sealed class IngestionJobsTests : IDisposable
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"refinery-jobs-{Guid.NewGuid():N}.db");
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private IngestionJobs Jobs(out IngestionDbContext db)
    {
        var options = new DbContextOptionsBuilder<SqliteIngestionDbContext>();
        options.UseRefinerySqlite($"Data Source={_db};Pooling=False");
        db = new SqliteIngestionDbContext(options.Options);
        db.Database.Migrate();
        return new IngestionJobs(db, _clock);
    }

    private static IngestCorpus Command(string name) =>
        new() { CorpusId = CorpusNames.IdOf(name), Name = name, Sources = [new SourceRef { Key = $"raw/{name}/a.jsonl" }] };

    public void Dispose() => File.Delete(_db);

    [Fact]
    public async Task QueuedJob_IsClaimedByExactlyOneWorker()
    {
        var jobs = Jobs(out var db1);
        await jobs.EnqueueAsync(Command("one"), default);
        var other = Jobs(out var db2);

        var first = await jobs.TryClaimAsync("worker-a", TimeSpan.FromMinutes(1), default);
        var second = await other.TryClaimAsync("worker-b", TimeSpan.FromMinutes(1), default);

        Assert.NotNull(first);
        Assert.Null(second);
        await db1.DisposeAsync();
        await db2.DisposeAsync();
    }

    [Fact]
    public async Task ExpiredLease_OfADeadWorker_IsTakenOver()
    {
        var jobs = Jobs(out var db);
        await jobs.EnqueueAsync(Command("dead"), default);
        await jobs.TryClaimAsync("dead-worker", TimeSpan.FromMinutes(1), default);

        _clock.Now += TimeSpan.FromMinutes(2);
        var job = await jobs.TryClaimAsync("live-worker", TimeSpan.FromMinutes(1), default);

        Assert.NotNull(job);
        Assert.Equal(2, (await jobs.AttemptsAsync(job, default)).Count);
        Assert.False(await jobs.RenewAsync(job, "dead-worker", TimeSpan.FromMinutes(1), default));
        Assert.True(await jobs.RenewAsync(job, "live-worker", TimeSpan.FromMinutes(1), default));
        await db.DisposeAsync();
    }

    [Fact]
    public async Task LiveLease_IsNotTakenOver()
    {
        var jobs = Jobs(out var db);
        await jobs.EnqueueAsync(Command("live"), default);
        await jobs.TryClaimAsync("worker-a", TimeSpan.FromMinutes(1), default);

        _clock.Now += TimeSpan.FromSeconds(30);

        Assert.Null(await jobs.TryClaimAsync("worker-b", TimeSpan.FromMinutes(1), default));
        await db.DisposeAsync();
    }

    [Fact]
    public async Task ResultOfASupersededGeneration_IsNotRecorded()
    {
        var jobs = Jobs(out var db);
        await jobs.EnqueueAsync(Command("moved"), default);
        var job = (await jobs.TryClaimAsync("worker-a", TimeSpan.FromMinutes(1), default))!;
        await jobs.EnqueueAsync(Command("moved") with { Sources = [new SourceRef { Key = "raw/moved/b.jsonl" }] }, default);

        var recorded = await jobs.CompleteAsync(job, new Refinery.Ingestion.Pipeline.IngestionSummary { Accepted = 5 }, default);

        Assert.False(recorded);
        db.ChangeTracker.Clear();
        Assert.Equal(CorpusStages.Queued, (await db.Corpora.SingleAsync()).Stage);
        await db.DisposeAsync();
    }
}
