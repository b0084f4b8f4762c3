using MassTransit;
using MassTransit.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts.Ingestion;
using Refinery.Hosting.Bus;
using Refinery.Hosting.Jobs;
using Refinery.Ingestion.Consumers;
using Refinery.Hosting.Data;
using Refinery.Ingestion.Data;
using Refinery.Ingestion.Data.Migrations;
using Refinery.Ingestion.Domain;
using Refinery.Ingestion.Jobs;

namespace Refinery.Ingestion.Tests.Consumers;

public sealed class IngestCorpusConsumerTests : IAsyncLifetime
{
    private readonly string _db = Path.Combine(Path.GetTempPath(), $"refinery-consumer-{Guid.NewGuid():N}.db");
    private ServiceProvider _services = null!;
    private ITestHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _services = new ServiceCollection()
            .AddDbContext<IngestionDbContext, SqliteIngestionDbContext>(o => o.UseRefinerySqlite($"Data Source={_db};Pooling=False"))
            .AddScoped<IngestionJobs>()
            .AddSingleton<JobSignal<ClaimedJob>>()
            .AddSingleton(TimeProvider.System)
            .AddMassTransitTestHarness(IngestionServiceExtensions.AddConsumers)
            .BuildServiceProvider(true);
        await using (var scope = _services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IngestionDbContext>().Database.MigrateAsync();
        _harness = _services.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _services.DisposeAsync();
        File.Delete(_db);
    }

    private static IngestCorpus Command(string name, string key = "raw/x/a.jsonl") => new()
    {
        CorpusId = CorpusNames.IdOf(name), Name = name, Sources = [new SourceRef { Key = key }],
    };

    private async Task<Corpus?> CorpusAsync(string name)
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IngestionDbContext>().Corpora.AsNoTracking()
            .SingleOrDefaultAsync(c => c.Name == name);
    }

    /// <summary>Waits, at most 10 s, until the consumer has finished <paramref name="expected"/> commands; returns how many it had.
    /// Polls a snapshot: the harness's async enumeration may end early when the bus looks idle between publishes.</summary>
    private async Task<int> ConsumedAsync(int expected)
    {
        var consumer = _harness.GetConsumerHarness<IngestCorpusConsumer>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        int seen;
        while ((seen = consumer.Consumed.Select<IngestCorpus>().Count()) < expected && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        return seen;
    }

    /// <summary>The one CorpusIngestionFailed of the corpus, waited for at most 10 s by polling, as <see cref="ConsumedAsync"/>.</summary>
    private async Task<CorpusIngestionFailed> FailedAsync(string name)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!_harness.Published.Select<CorpusIngestionFailed>().Any(m => m.Context.Message.Name == name) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        return Assert.Single(_harness.Published.Select<CorpusIngestionFailed>(), m => m.Context.Message.Name == name).Context.Message;
    }

    [Fact]
    public async Task ValidCommand_IsRecordedAsAQueuedJob()
    {
        await _harness.Bus.Publish(Command("web"));

        Assert.True(await _harness.GetConsumerHarness<IngestCorpusConsumer>().Consumed.Any<IngestCorpus>());
        var corpus = await CorpusAsync("web");
        Assert.NotNull(corpus);
        Assert.Equal((CorpusStages.Queued, 1), (corpus.Stage, corpus.Generation));
    }

    [Fact]
    public async Task RedeliveredCommand_DoesNotQueueASecondRun()
    {
        await _harness.Bus.Publish(Command("again"));
        await ConsumedAsync(1);
        await _harness.Bus.Publish(Command("again"));

        Assert.Equal(2, await ConsumedAsync(2));
        Assert.Equal(1, (await CorpusAsync("again"))!.Generation);
    }

    [Fact]
    public async Task ChangedSources_QueueANewGeneration()
    {
        await _harness.Bus.Publish(Command("changed", "raw/changed/a.jsonl"));
        await ConsumedAsync(1);
        await _harness.Bus.Publish(Command("changed", "raw/changed/b.jsonl"));

        Assert.Equal(2, await ConsumedAsync(2));
        Assert.Equal(2, (await CorpusAsync("changed"))!.Generation);
    }

    [Fact]
    public async Task UnsafeName_FaultsWithoutRetry_AndRecordsNothing()
    {
        await _harness.Bus.Publish(Command("../etc") with { CorpusId = Guid.NewGuid() });

        Assert.True(await _harness.Published.Any<Fault<IngestCorpus>>());
        var fault = _harness.Published.Select<Fault<IngestCorpus>>().First().Context.Message;
        Assert.Contains(nameof(PermanentFailureException), fault.Exceptions[0].ExceptionType);
        Assert.Null(await CorpusAsync("../etc"));
        // No corpus to fail: a name nobody could have submitted must not become a corpus in anybody's read model.
        Assert.True(await _harness.GetConsumerHarness<StepFaultConsumer<IngestCorpus, IngestionStepFailures, CorpusIngestionFailed>>()
            .Consumed.Any<Fault<IngestCorpus>>());
        Assert.Empty(_harness.Published.Select<CorpusIngestionFailed>());
    }

    [Fact]
    public async Task ACommandTheDatabaseRefuses_FailsForGood_AsCorpusIngestionFailed_AtStepRequest()
    {
        // A real refusal by the database (as a full disk or a broken constraint would refuse), not a stand-in consumer.
        await using (var scope = _services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IngestionDbContext>().Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER refuse_corpora BEFORE INSERT ON corpora BEGIN SELECT RAISE(ABORT, 'the disk is full'); END");

        await _harness.Bus.Publish(Command("refused"));

        var failed = await FailedAsync("refused");
        Assert.Equal((IngestionStepFailures.RequestStep, CorpusNames.IdOf("refused"), 0), (failed.Step, failed.CorpusId, failed.Generation));
        Assert.Contains("the disk is full", failed.Reason);
        Assert.Null(await CorpusAsync("refused"));
    }

    [Fact]
    public async Task ACommandRefusedAfterAnEarlierRun_FailsInThatRunsGeneration()
    {
        await _harness.Bus.Publish(Command("rerun", "raw/rerun/a.jsonl"));
        await ConsumedAsync(1);
        await using (var scope = _services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<IngestionDbContext>().Database.ExecuteSqlRawAsync(
                "CREATE TRIGGER refuse_updates BEFORE UPDATE ON corpora BEGIN SELECT RAISE(ABORT, 'read-only replica'); END");

        await _harness.Bus.Publish(Command("rerun", "raw/rerun/b.jsonl"));

        var failed = await FailedAsync("rerun");
        // The gateway ignores a failure of a run older than the newest it saw, so it must be of generation 1, not 0.
        Assert.Equal((IngestionStepFailures.RequestStep, 1), (failed.Step, failed.Generation));
        Assert.Contains("read-only replica", failed.Reason);
    }

    [Fact]
    public void Endpoint_IsTheIngestCorpusCommandQueue() =>
        Assert.Equal(Refinery.Contracts.CommandQueues.IngestCorpus, ((IConsumerDefinition)new IngestCorpusConsumerDefinition()).GetEndpointName(KebabCaseEndpointNameFormatter.Instance));
}
