using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Data;
using Refinery.Gateway.Domain;

namespace Refinery.Gateway.Tests;

/// <summary>The projection's ordering rules applied in a known order, without the bus in between.</summary>
public sealed class ProjectionDirectTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private async Task ApplyAsync(Func<CorpusProjection, Task> change)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        await change(scope.ServiceProvider.GetRequiredService<CorpusProjection>());
    }

    private async Task<ClaimOutcome> ClaimAsync(Guid id, string name, string fingerprint)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CorpusClaims>().ClaimAsync(id, name, 1, fingerprint, TimeSpan.FromMinutes(2), default);
    }

    private async Task<CorpusView> CorpusAsync(Guid id)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Corpora.AsNoTracking().SingleAsync(c => c.Id == id);
    }

    private static CorpusIngested Ingested(Guid id, string name, long accepted) => new()
    {
        CorpusId = id, Name = name, ShardCount = 1, Read = accepted, Accepted = accepted, Rejected = 0, InvalidUtf8Replaced = 0,
        RejectedByReason = new Dictionary<string, long>(), Languages = new Dictionary<string, long> { ["en"] = accepted },
    };

    [Fact]
    public async Task OlderStartedShardAndFailed_AfterIngested_ChangeNothing()
    {
        var id = CorpusNames.IdOf("direct-final");
        await ApplyAsync(p => p.StartedAsync(new CorpusIngestionStarted { CorpusId = id, Name = "direct-final", SourceCount = 1 }, default));
        await ApplyAsync(p => p.IngestedAsync(Ingested(id, "direct-final", 5), default));
        var before = await CorpusAsync(id);

        await ApplyAsync(p => p.StartedAsync(new CorpusIngestionStarted { CorpusId = id, Name = "direct-final", SourceCount = 1 }, default));
        await ApplyAsync(p => p.ShardIngestedAsync(new CorpusShardIngested
        {
            CorpusId = id, Shard = 0, DocumentCount = 5,
            Documents = new ObjectRef { Bucket = "b", Key = "docs/direct-final/00000.jsonl.zst", Sha256 = "00", Length = 1 },
        }, default));
        await ApplyAsync(p => p.FailedAsync(new CorpusIngestionFailed { CorpusId = id, Name = "direct-final", Reason = "late" }, default));

        var after = await CorpusAsync(id);
        Assert.Equal(CorpusStages.Ingested, after.Stage);
        Assert.Null(after.Error);
        Assert.Equal(before.Accepted, after.Accepted);
    }

    private async Task<List<CorpusShardView>> ShardsAsync(Guid id)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GatewayDbContext>().Shards.AsNoTracking().Where(s => s.CorpusId == id).ToListAsync();
    }

    private static CorpusShardIngested Shard(Guid id, string name, int generation, string sha256) => new()
    {
        CorpusId = id, Corpus = name, Shard = 0, DocumentCount = 5, Generation = generation,
        Documents = new ObjectRef { Bucket = "b", Key = IngestionKeys.Shard(name, 0), Sha256 = sha256, Length = 1 },
    };

    [Fact]
    public async Task LateShardAndIngestedOfGeneration1_AfterGeneration2Started_LeaveGeneration2sView()
    {
        var id = CorpusNames.IdOf("direct-generations");
        await ApplyAsync(p => p.StartedAsync(new CorpusIngestionStarted { CorpusId = id, Name = "direct-generations", SourceCount = 1, Generation = 1 }, default));
        await ApplyAsync(p => p.StartedAsync(new CorpusIngestionStarted { CorpusId = id, Name = "direct-generations", SourceCount = 2, Generation = 2 }, default));
        await ApplyAsync(p => p.ShardIngestedAsync(Shard(id, "direct-generations", 2, "22"), default));

        await ApplyAsync(p => p.ShardIngestedAsync(Shard(id, "direct-generations", 1, "11"), default));
        await ApplyAsync(p => p.IngestedAsync(Ingested(id, "direct-generations", 5) with { Generation = 1 }, default));
        await ApplyAsync(p => p.FailedAsync(new CorpusIngestionFailed { CorpusId = id, Name = "direct-generations", Reason = "late", Generation = 1 }, default));

        var after = await CorpusAsync(id);
        Assert.Equal((CorpusStages.Ingesting, 2, 2, 0L, (string?)null), (after.Stage, after.Generation, after.SourceCount, after.Accepted, after.Error));
        Assert.Equal("22", Assert.Single(await ShardsAsync(id)).Sha256);
    }

    [Fact]
    public async Task ANewerGenerationStarting_AfterAnEarlierRunFinished_StartsTheNewRun()
    {
        var id = CorpusNames.IdOf("direct-rerun");
        await ApplyAsync(p => p.IngestedAsync(Ingested(id, "direct-rerun", 5) with { Generation = 1 }, default));

        await ApplyAsync(p => p.StartedAsync(new CorpusIngestionStarted { CorpusId = id, Name = "direct-rerun", SourceCount = 3, Generation = 2 }, default));
        var started = await CorpusAsync(id);
        await ApplyAsync(p => p.IngestedAsync(Ingested(id, "direct-rerun", 8) with { Generation = 2 }, default));

        Assert.Equal((CorpusStages.Ingesting, 2, 3), (started.Stage, started.Generation, started.SourceCount));
        var done = await CorpusAsync(id);
        Assert.Equal((CorpusStages.Ingested, 2, 8L), (done.Stage, done.Generation, done.Accepted));
    }

    [Fact]
    public async Task RedeliveredIngested_ChangesNothing()
    {
        var id = CorpusNames.IdOf("direct-twice");
        await ApplyAsync(p => p.IngestedAsync(Ingested(id, "direct-twice", 9), default));
        var first = await CorpusAsync(id);

        await ApplyAsync(p => p.IngestedAsync(Ingested(id, "direct-twice", 9), default));

        var second = await CorpusAsync(id);
        Assert.Equal(CorpusStages.Ingested, second.Stage);
        Assert.Equal((first.Read, first.Accepted, first.LanguagesJson), (second.Read, second.Accepted, second.LanguagesJson));
        Assert.Equal(first.CreatedAt, second.CreatedAt);
    }

    [Fact]
    public async Task Ingested_AfterFailed_DoesNotReviveIt_ButASubmissionOfTheSameContentDoes()
    {
        var id = CorpusNames.IdOf("direct-failed");
        Assert.Equal(ClaimOutcome.Claimed, await ClaimAsync(id, "direct-failed", "same"));
        await ApplyAsync(p => p.FailedAsync(new CorpusIngestionFailed { CorpusId = id, Name = "direct-failed", Reason = "broken" }, default));
        await ApplyAsync(p => p.IngestedAsync(Ingested(id, "direct-failed", 3), default));
        Assert.Equal(CorpusStages.Failed, (await CorpusAsync(id)).Stage);

        Assert.Equal(ClaimOutcome.Conflict, await ClaimAsync(id, "direct-failed", "other"));
        Assert.Equal(ClaimOutcome.Retried, await ClaimAsync(id, "direct-failed", "same"));
        await ApplyAsync(p => p.IngestedAsync(Ingested(id, "direct-failed", 3), default));

        var corpus = await CorpusAsync(id);
        Assert.Equal(CorpusStages.Ingested, corpus.Stage);
        Assert.Equal(3, corpus.Accepted);
    }

    [Fact]
    public async Task Claim_OfANameWhoseCorpusHasNoFingerprint_IsRefusedAsUnknown()
    {
        var id = CorpusNames.IdOf("direct-unknown");
        await ApplyAsync(p => p.IngestedAsync(Ingested(id, "direct-unknown", 2), default));

        Assert.Equal(ClaimOutcome.Unknown, await ClaimAsync(id, "direct-unknown", "any"));
        Assert.Null((await CorpusAsync(id)).Fingerprint);
    }

    [Fact]
    public async Task Shard_BeforeAnyNamedEvent_IsKept_AndShownOnceTheCorpusIsKnown()
    {
        var id = CorpusNames.IdOf("direct-early-shard");
        await ApplyAsync(p => p.ShardIngestedAsync(new CorpusShardIngested
        {
            CorpusId = id, Shard = 0, DocumentCount = 2,
            Documents = new ObjectRef { Bucket = "b", Key = "docs/direct-early-shard/00000.jsonl.zst", Sha256 = "00", Length = 1 },
        }, default));
        await ApplyAsync(p => p.StartedAsync(new CorpusIngestionStarted { CorpusId = id, Name = "direct-early-shard", SourceCount = 1 }, default));

        var corpus = await gateway.EventuallyAsync($"/api/corpora/{id}", _ => true);
        Assert.Equal("ingesting", corpus.GetProperty("stage").GetString());
        Assert.Equal(2, corpus.GetProperty("shards")[0].GetProperty("documentCount").GetInt32());
    }
}
