using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Dedup.Data;
using Refinery.Dedup.Domain;
using Refinery.Hosting.Jobs;
using Refinery.TestSupport;

namespace Refinery.IntegrationTests;

/// <summary>A request waiting for another service's event over RabbitMQ, PostgreSQL and S3: its wait is a row in the
/// service's PostgreSQL schema, and the event sent over RabbitMQ releases it.</summary>
public sealed class WaitsOnRealInfrastructureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ADedupRequestedBeforeTheLastSignals_WaitsInPostgres_AndRunsWhenShardSignalsComputedComesOverRabbitMq()
    {
        const string corpus = "waits-golden";
        var backends = await RealBackends.CreateAsync("waits");
        await using var platform = await PlatformProcess.StartAsync(backends, "dedup");
        await CorpusShards.PutAsync(platform.Store, corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);
        var last = SignalsKeys.Signals(corpus, 2, "rpv2");
        var held = new MemoryStream();
        await using (var file = await platform.Store.OpenReadAsync(last)) await file.CopyToAsync(held);
        await platform.Store.DeleteAsync(last);
        var bus = platform.Services.GetRequiredService<IBus>();

        await (await bus.GetSendEndpoint(CommandQueues.Uri(CommandQueues.DeduplicateCorpus))).Send(new DeduplicateCorpus { Corpus = corpus, Threshold = 0.8 });

        var wait = await UntilAsync(platform, async db => await db.Set<JobWaitRow>().AsNoTracking().SingleOrDefaultAsync());
        Assert.Equal(JobWaitKeys.Signals(CorpusNames.IdOf(corpus), "rpv2"), wait.Key);
        Assert.Equal(DateTimeKind.Utc, wait.Since.Kind);

        held.Position = 0;
        var stored = await platform.Store.PutAsync(last, held);
        await bus.Publish(new ShardSignalsComputed
        {
            CorpusId = CorpusNames.IdOf(corpus), Corpus = corpus, Shard = 2, Config = "rpv2", Signals = stored, DocumentCount = 463,
            Resources = new Dictionary<string, string>(),
        });

        var job = await UntilAsync(platform, db => db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Status == DedupJobStatus.Done));
        Assert.Equal(1390, job.Documents);
        await UntilAsync(platform, async db => await db.Set<JobWaitRow>().AnyAsync() ? null : "no wait left");
    }

    /// <summary>Polls the dedup schema until <paramref name="probe"/> finds something, at most <see cref="Patience"/>.</summary>
    private static async Task<T> UntilAsync<T>(PlatformProcess platform, Func<DedupDbContext, Task<T?>> probe) where T : class
    {
        for (var deadline = DateTime.UtcNow + Patience; DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            await using var scope = platform.Services.CreateAsyncScope();
            if (await probe(scope.ServiceProvider.GetRequiredService<DedupDbContext>()) is { } found) return found;
        }
        throw new TimeoutException("the awaited state never came");
    }
}
