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
}
