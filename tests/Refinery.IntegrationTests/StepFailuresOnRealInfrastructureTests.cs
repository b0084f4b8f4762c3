using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Data;
using Refinery.Gateway.Domain;
using Refinery.Host.Embedded;
using Refinery.Storage;
using Refinery.TestSupport;

namespace Refinery.IntegrationTests;

/// <summary>The one failure path (a step that fails for good becomes its service's …Failed event) over RabbitMQ, where
/// a fault's source address is a RabbitMQ queue, not the in-memory harness's.</summary>
public sealed class StepFailuresOnRealInfrastructureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ADedupRequestThatFailsForGood_OverRabbitMq_IsCorpusDeduplicationFailed_AndTheGatewayShowsItsStep()
    {
        var backends = await RealBackends.CreateAsync("stepfail");
        await using var platform = await PlatformProcess.StartAsync(backends);
        var request = new DeduplicateCorpus { Corpus = "never-ingested", Threshold = 0.8 };
        // Its ingestion ended with every record rejected: no shards, and no event will bring any.
        await CorpusObjects.WriteIngestionAsync(platform.Services.GetRequiredService<IObjectStore>(), new CorpusIngestionState
        {
            CorpusId = CorpusNames.IdOf(request.Corpus), Corpus = request.Corpus, Generation = 1, Stage = CorpusIngestionStage.Ingested,
        }, default);
        await using (var scope = platform.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<DedupProjection>().RequestedAsync(request, default);

        // Only the failed event ends the wait (not the fault of the command), so this proves the event was published.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EventAwaiter.RequestAsync<DeduplicateCorpus, CorpusDeduplicated, CorpusDeduplicationFailed>(platform.Services.GetRequiredService<IBus>(),
                CommandQueues.DeduplicateCorpus, request, _ => false,
                f => f.Corpus == request.Corpus ? $"{f.Step} ({f.Config}): {f.Reason}" : null, Patience, default, faultOf: _ => false));

        Assert.StartsWith("request (rpv2-0.8): ", error.Message);
        Assert.Contains("has no document shards", error.Message);
        var deadline = DateTime.UtcNow + Patience;
        DedupView? view = null;
        while (DateTime.UtcNow < deadline && view?.Stage != DedupStages.Failed)
        {
            await Task.Delay(100);
            await using var scope = platform.Services.CreateAsyncScope();
            view = await scope.ServiceProvider.GetRequiredService<DedupProjection>().FindAsync(CorpusNames.IdOf(request.Corpus), "rpv2-0.8", default);
        }
        Assert.Equal((DedupStages.Failed, "request"), (view?.Stage, view?.FailedStep));
    }

    [Fact]
    public async Task ASignalsShardThatFailsForGood_OverRabbitMq_IsShardSignalsFailed_AndTheGatewayShowsItsStep()
    {
        var backends = await RealBackends.CreateAsync("sigfail");
        await using var platform = await PlatformProcess.StartAsync(backends, "gateway,signals");
        const string corpus = "signals-never-written";
        // Announced, but nothing was written under its key: a permanent failure of the signals consumer.
        var shard = new CorpusShardIngested
        {
            CorpusId = CorpusNames.IdOf(corpus), Corpus = corpus, Shard = 2, DocumentCount = 1, Generation = 1,
            Documents = new ObjectRef { Bucket = platform.Store.Bucket, Key = IngestionKeys.Shard(corpus, 2), Sha256 = new string('a', 64), Length = 10 },
        };

        await platform.Services.GetRequiredService<IBus>().Publish(shard);

        var deadline = DateTime.UtcNow + Patience;
        (CorpusSignalShardView? View, JobView? Job) seen = (null, null);
        while (DateTime.UtcNow < deadline && (seen.View is null || seen.Job is null))
        {
            await Task.Delay(100);
            await using var scope = platform.Services.CreateAsyncScope();
            seen = ((await scope.ServiceProvider.GetRequiredService<SignalsProjection>().OfCorpusAsync(shard.CorpusId, default)).SingleOrDefault(),
                await scope.ServiceProvider.GetRequiredService<JobProjection>().FindAsync("signals", "signals-never-written/rpv2", default));
        }
        Assert.Equal((SignalShardStates.Failed, "shard 2", 2), (seen.View?.State, seen.View?.FailedStep, seen.View?.Shard));
        Assert.Contains("does not exist", seen.View!.Error);
        Assert.Equal((JobStates.Failed, "shard 2"), (seen.Job?.State, seen.Job?.Step));
    }
}
