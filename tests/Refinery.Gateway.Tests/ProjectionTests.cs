using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;

namespace Refinery.Gateway.Tests;

public sealed class ProjectionTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private static CorpusShardIngested Shard(Guid id, string name, int shard, int documents) => new()
    {
        CorpusId = id,
        Shard = shard,
        DocumentCount = documents,
        Documents = new ObjectRef { Bucket = "refinery", Key = $"docs/{name}/{shard:D5}.jsonl.zst", Sha256 = new string('a', 64), Length = 100 + shard },
    };

    private static CorpusIngested Ingested(Guid id, string name) => new()
    {
        CorpusId = id,
        Name = name,
        ShardCount = 2,
        Read = 10,
        Accepted = 7,
        Rejected = 3,
        InvalidUtf8Replaced = 1,
        RejectedByReason = new Dictionary<string, long> { ["empty text"] = 2, ["invalid json"] = 1 },
        Languages = new Dictionary<string, long> { ["en"] = 5, ["de"] = 2 },
    };

    private static string Stage(JsonElement corpus) => corpus.GetProperty("stage").GetString()!;

    [Fact]
    public async Task Events_StartedShardsIngested_ShowAsIngestedWithCountsAndShards()
    {
        const string name = "projected";
        var id = CorpusNames.IdOf(name);

        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = name, SourceCount = 2 });
        await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "ingesting");
        await gateway.Bus.Publish(Shard(id, name, 0, 4));
        await gateway.Bus.Publish(Shard(id, name, 1, 3));
        await gateway.EventuallyAsync($"/api/corpora/{id}", c => c.GetProperty("shards").GetArrayLength() == 2);
        await gateway.Bus.Publish(Ingested(id, name));

        var corpus = await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "ingested");
        Assert.Equal(name, corpus.GetProperty("name").GetString());
        Assert.Equal(2, corpus.GetProperty("sourceCount").GetInt32());
        Assert.Equal(2, corpus.GetProperty("shardCount").GetInt32());
        Assert.Equal(10, corpus.GetProperty("read").GetInt64());
        Assert.Equal(7, corpus.GetProperty("accepted").GetInt64());
        Assert.Equal(3, corpus.GetProperty("rejected").GetInt64());
        Assert.Equal(2, corpus.GetProperty("rejectedByReason").GetProperty("empty text").GetInt64());
        Assert.Equal(5, corpus.GetProperty("languages").GetProperty("en").GetInt64());
        var shards = corpus.GetProperty("shards").EnumerateArray().ToArray();
        Assert.Equal([0, 1], shards.Select(s => s.GetProperty("shard").GetInt32()));
        Assert.Equal([4, 3], shards.Select(s => s.GetProperty("documentCount").GetInt32()));
        Assert.Equal("docs/projected/00001.jsonl.zst", shards[1].GetProperty("key").GetString());
    }

    [Fact]
    public async Task RedeliveredOlderEvents_AfterIngested_DoNotMoveTheStageBack()
    {
        const string name = "redelivered";
        var id = CorpusNames.IdOf(name);
        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = name, SourceCount = 1 });
        await gateway.Bus.Publish(Shard(id, name, 0, 4));
        await gateway.Bus.Publish(Ingested(id, name));
        await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "ingested");

        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = name, SourceCount = 1 });
        await gateway.Bus.Publish(Shard(id, name, 0, 4));
        await gateway.Bus.Publish(new CorpusIngestionFailed { CorpusId = id, Name = name, Reason = "stale failure" });
        await gateway.Bus.Publish(Ingested(id, name));
        // The projection consumers work on separate queues: wait until the last of them has surely run,
        // proven by a marker corpus published after the replays on every one of those queues.
        var marker = CorpusNames.IdOf("redelivered-marker");
        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = marker, Name = "redelivered-marker", SourceCount = 1 });
        await gateway.Bus.Publish(Shard(marker, "redelivered-marker", 0, 1));
        await gateway.Bus.Publish(new CorpusIngestionFailed { CorpusId = marker, Name = "redelivered-marker", Reason = "marker" });
        await gateway.EventuallyAsync($"/api/corpora/{marker}", c => Stage(c) == "failed" && c.GetProperty("shards").GetArrayLength() == 1);

        var corpus = await gateway.EventuallyAsync($"/api/corpora/{id}", _ => true);
        Assert.Equal("ingested", Stage(corpus));
        Assert.Equal(JsonValueKind.Null, corpus.GetProperty("error").ValueKind);
        Assert.Equal(7, corpus.GetProperty("accepted").GetInt64());
        Assert.Single(corpus.GetProperty("shards").EnumerateArray());
    }

    [Fact]
    public async Task Failed_IsFinal_UntilTheSameContentIsSubmittedAgain()
    {
        const string name = "fails-then-resubmitted";
        var id = CorpusNames.IdOf(name);
        MultipartFormDataContent Form() => new() { { new StringContent(name), "name" }, { new ByteArrayContent("{}"u8.ToArray()), "files", "a.jsonl" } };
        using (var first = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", Form()))
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await gateway.Bus.Publish(new CorpusIngestionFailed { CorpusId = id, Name = name, Reason = "no such object raw/x" });
        var failed = await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "failed");
        Assert.Equal("no such object raw/x", failed.GetProperty("error").GetString());

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", Form());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var submitted = await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "submitted");
        Assert.Equal(JsonValueKind.Null, submitted.GetProperty("error").ValueKind);

        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = name, SourceCount = 1 });
        await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "ingesting");
    }

    [Fact]
    public async Task ARequestThatFailedForGood_ShowsFailed_WithTheStepAndReason_InTheCorpusAndItsJob()
    {
        const string name = "refused-request";
        var id = CorpusNames.IdOf(name);
        MultipartFormDataContent Form() => new() { { new StringContent(name), "name" }, { new ByteArrayContent("{}"u8.ToArray()), "files", "a.jsonl" } };
        using (var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", Form()))
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        await gateway.Bus.Publish(new CorpusIngestionFailed { CorpusId = id, Name = name, Step = "request", Reason = "the disk is full" });

        var failed = await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "failed");
        Assert.Equal(("request", "the disk is full"), (failed.GetProperty("failedStep").GetString(), failed.GetProperty("error").GetString()));
        var listed = (await gateway.EventuallyAsync("/api/corpora?limit=500", _ => true)).GetProperty("items").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == name);
        Assert.Equal("request", listed.GetProperty("failedStep").GetString());
        var jobs = await gateway.EventuallyAsync("/api/jobs?service=ingestion&state=failed",
            l => l.EnumerateArray().Any(j => j.GetProperty("job").GetString() == name));
        Assert.Equal("request", jobs.EnumerateArray().Single(j => j.GetProperty("job").GetString() == name).GetProperty("progress").GetProperty("step").GetString());

        // Submitted again, the corpus is under way with no failure left over.
        using (var again = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", Form()))
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var submitted = await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "submitted");
        Assert.Equal(JsonValueKind.Null, submitted.GetProperty("failedStep").ValueKind);
    }

    [Fact]
    public async Task AFailureFromAnOlderPublisher_NamesTheRunsStep()
    {
        const string name = "failed-old-publisher";
        var id = CorpusNames.IdOf(name);
        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = name, SourceCount = 1 });
        await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "ingesting");

        await gateway.Bus.Publish(new CorpusIngestionFailed { CorpusId = id, Name = name, Reason = "gave up after 3 attempts" });

        var failed = await gateway.EventuallyAsync($"/api/corpora/{id}", c => Stage(c) == "failed");
        Assert.Equal("read sources", failed.GetProperty("failedStep").GetString());
    }

    [Fact]
    public async Task List_IsNewestFirst_AndPaged()
    {
        foreach (var name in new[] { "list-a", "list-b", "list-c" })
        {
            await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = CorpusNames.IdOf(name), Name = name, SourceCount = 1 });
            await gateway.EventuallyAsync($"/api/corpora/{CorpusNames.IdOf(name)}", _ => true);
        }

        var page = await gateway.Client().GetFromJsonAsync<JsonElement>("/api/corpora?limit=2&offset=0");
        var names = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["list-c", "list-b"], names);
        Assert.Equal(2, page.GetProperty("limit").GetInt32());
        Assert.True(page.GetProperty("total").GetInt32() >= 3);
        var next = await gateway.Client().GetFromJsonAsync<JsonElement>("/api/corpora?limit=1&offset=2");
        Assert.Equal("list-a", next.GetProperty("items")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task List_WithBadLimit_Is400NamingLimit()
    {
        using var response = await gateway.Client().GetAsync("/api/corpora?limit=0");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("limit", out _));
    }

    [Fact]
    public async Task Get_UnknownCorpus_Is404Problem()
    {
        using var response = await gateway.Client().GetAsync($"/api/corpora/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
