using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Host.Embedded;
using Refinery.Ingestion.Data;
using Refinery.Storage;
using Refinery.TestSupport;

namespace Refinery.IntegrationTests;

public sealed class IngestionOnRealInfrastructureTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task IngestCorpus_OverRabbitMq_WritesShardsToS3_AndCatalogToPostgres()
    {
        var backends = await RealBackends.CreateAsync("ingest");
        await using var platform = await PlatformProcess.StartAsync(backends);
        var sources = await RawUploads.UploadAsync(platform.Store, "cc",
            [SharedData.Path("web", "dev_dolma_cc_licensed_pages.jsonl.gz"), SharedData.Path("web", "dev_dolma_boilerplate_pages.jsonl")], default);
        var bus = platform.Services.GetRequiredService<IBus>();
        var shardEvents = new List<CorpusShardIngested>();
        await using var watch = await CorpusEventWatch.StartAsync(bus, CorpusNames.IdOf("cc"),
            e => { if (e is CorpusShardIngested s) lock (shardEvents) shardEvents.Add(s); }, default);
        var progress = new List<JobProgressed>();
        var progressWatch = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
            e.Handler<JobProgressed>(c =>
            {
                // The Signals service, in the same platform, reports its own progress on the corpus's shards.
                if (c.Message.CorpusId == CorpusNames.IdOf("cc") && c.Message.Service == JobServices.Ingestion) lock (progress) progress.Add(c.Message);
                return Task.CompletedTask;
            }));
        await progressWatch.Ready;

        var endpoint = await bus.GetSendEndpoint(CommandQueues.Uri(CommandQueues.IngestCorpus));
        await endpoint.Send(new IngestCorpus
        {
            CorpusId = CorpusNames.IdOf("cc"), Name = "cc", Sources = sources, Settings = new IngestSettings { ShardDocuments = 150 },
        });
        var done = await watch.Completion.WaitAsync(Patience);

        Assert.Equal(365, done.Accepted);        // 372 + 10 records; 17 have empty text
        Assert.Equal(17, done.RejectedByReason["empty_text"]);
        Assert.Equal(382, done.Read);
        Assert.Equal(3, done.ShardCount);
        Assert.Equal([0, 1, 2], shardEvents.Select(s => s.Shard).Order());
        Assert.True(done.Generation > 0);
        Assert.All(shardEvents, s => Assert.Equal(("cc", done.Generation), (s.Corpus, s.Generation)));
        // Its progress, one event per shard alongside the shard events, on a queue of its own: it may trail CorpusIngested.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && progress.Count < 3) await Task.Delay(50);
        await progressWatch.StopAsync();
        Assert.Equal([1, 2, 3], progress.Select(p => p.Done).Order());
        Assert.All(progress, p => Assert.Equal((JobServices.Ingestion, "cc", "read sources", 0), (p.Service, p.Job, p.Step, p.Total)));
        var s3 = S3ObjectStore.Create(new S3Options
        {
            Endpoint = TestInfrastructure.S3Endpoint, AccessKey = TestInfrastructure.S3AccessKey,
            SecretKey = TestInfrastructure.S3SecretKey, Bucket = backends.Bucket,
        });
        var keys = new List<ObjectInfo>();
        await foreach (var o in s3.ListAsync("docs/cc/")) keys.Add(o);
        Assert.Equal(["docs/cc/00000.jsonl.zst", "docs/cc/00001.jsonl.zst", "docs/cc/00002.jsonl.zst"], keys.Select(k => k.Key));
        // The ingestion's word that these shards are the whole corpus, written before CorpusIngested.
        var state = await CorpusObjects.IngestionAsync(s3, "cc", default);
        Assert.Equal((CorpusIngestionStage.Ingested, 3, done.Generation), (state!.Stage, state.ShardCount, state.Generation));
        Assert.Equal(shardEvents.OrderBy(s => s.Shard).Select(s => s.Documents.Sha256),
            await Task.WhenAll(keys.Select(async k => (await s3.StatAsync(k.Key))!.Sha256)));

        await using var db = new IngestionDbContext(new DbContextOptionsBuilder<IngestionDbContext>().UseNpgsql(backends.Postgres).Options);
        var corpus = await db.Corpora.SingleAsync();
        Assert.Equal(("cc", "ingested", 365L, done.Generation), (corpus.Name, corpus.Stage, corpus.Accepted, corpus.Generation));
        Assert.Equal(3, await db.Shards.CountAsync());
        Assert.Equal([150, 150, 65], await db.Shards.OrderBy(s => s.Shard).Select(s => s.DocumentCount).ToListAsync());
    }

    [Fact]
    public async Task SameCommandTwice_RepublishesTheResult_WithoutDuplicateRows()
    {
        var backends = await RealBackends.CreateAsync("twice");
        await using var platform = await PlatformProcess.StartAsync(backends);
        var sources = await RawUploads.UploadAsync(platform.Store, "boiler", [SharedData.Path("web", "dev_dolma_boilerplate_pages.jsonl")], default);
        var bus = platform.Services.GetRequiredService<IBus>();
        var command = new IngestCorpus { CorpusId = CorpusNames.IdOf("boiler"), Name = "boiler", Sources = sources };

        var first = await SendAndWaitAsync(bus, command);
        var second = await SendAndWaitAsync(bus, command);

        Assert.Equal((10L, 10L, 1), (first.Read, first.Accepted, first.ShardCount));
        Assert.Equal((first.Read, first.Accepted, first.ShardCount), (second.Read, second.Accepted, second.ShardCount));
        Assert.Equal(first.Languages, second.Languages);
        Assert.Equal(first.Generation, second.Generation); // the same command again is the same run, announced again
        await using var db = new IngestionDbContext(new DbContextOptionsBuilder<IngestionDbContext>().UseNpgsql(backends.Postgres).Options);
        Assert.Equal(1, await db.Corpora.CountAsync());
        Assert.Equal(1, await db.Shards.CountAsync());
        Assert.Equal(1, await db.Sources.CountAsync());
    }

    private static async Task<CorpusIngested> SendAndWaitAsync(IBus bus, IngestCorpus command)
    {
        await using var watch = await CorpusEventWatch.StartAsync(bus, command.CorpusId, _ => { }, default);
        var endpoint = await bus.GetSendEndpoint(CommandQueues.Uri(CommandQueues.IngestCorpus));
        await endpoint.Send(command);
        return await watch.Completion.WaitAsync(Patience);
    }
}
