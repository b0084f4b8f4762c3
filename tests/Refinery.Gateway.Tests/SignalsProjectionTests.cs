using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Signals;

namespace Refinery.Gateway.Tests;

/// <summary>The signals of a corpus's shards in its status and in /api/jobs, from ShardSignalsComputed, ShardSignalsFailed
/// and the signals service's JobProgressed on the bus.</summary>
public sealed class SignalsProjectionTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private static ShardSignalsComputed Computed(string corpus, int shard) => new()
    {
        CorpusId = CorpusNames.IdOf(corpus), Corpus = corpus, Shard = shard, Config = "rpv2", DocumentCount = 10 + shard,
        Signals = new ObjectRef { Bucket = "refinery", Key = $"signals/{corpus}/{shard:D5}.rpv2.parquet", Sha256 = new string('b', 64), Length = 1 },
        Resources = new Dictionary<string, string>(),
    };

    private static JobProgressed Progress(string corpus, int done, int total) => new()
    {
        Service = JobServices.Signals, Job = JobIds.Signals(corpus, "rpv2"), CorpusId = CorpusNames.IdOf(corpus), Step = "shards",
        Done = done, Total = total, At = DateTimeOffset.UtcNow,
    };

    private static JsonElement? Job(JsonElement list, string job) =>
        list.EnumerateArray().Where(j => j.GetProperty("job").GetString() == job).Cast<JsonElement?>().FirstOrDefault();

    [Fact]
    public async Task AShardWhoseSignalsFailed_ShowsInTheCorpusStatus_WithItsStepAndReason_AndFailsTheSignalsJob()
    {
        const string name = "signals-half";
        var id = CorpusNames.IdOf(name);
        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = name, SourceCount = 1 });
        await gateway.Bus.Publish(Computed(name, 0));
        await gateway.Bus.Publish(Computed(name, 1));
        await gateway.EventuallyAsync($"/api/corpora/{id}",
            c => c.GetProperty("signals").GetArrayLength() == 1 && c.GetProperty("signals")[0].GetProperty("shardsComputed").GetInt32() == 2);

        await gateway.Bus.Publish(new ShardSignalsFailed
        {
            CorpusId = id, Corpus = name, Shard = 2, Config = "rpv2", Step = "shard 2", Reason = "docs/signals-half/00002.jsonl.zst is not the one announced",
        });

        var corpus = await gateway.EventuallyAsync($"/api/corpora/{id}", c => c.GetProperty("signals")[0].GetProperty("shardsFailed").GetInt32() == 1);
        var signals = corpus.GetProperty("signals")[0];
        Assert.Equal(("rpv2", 2), (signals.GetProperty("config").GetString(), signals.GetProperty("shardsComputed").GetInt32()));
        var failure = Assert.Single(signals.GetProperty("failures").EnumerateArray());
        Assert.Equal((2, "shard 2", "docs/signals-half/00002.jsonl.zst is not the one announced"),
            (failure.GetProperty("shard").GetInt32(), failure.GetProperty("step").GetString(), failure.GetProperty("reason").GetString()));
        var jobs = await gateway.EventuallyAsync("/api/jobs?service=signals&state=failed", l => Job(l, "signals-half/rpv2") is not null);
        Assert.Equal("shard 2", Job(jobs, "signals-half/rpv2")!.Value.GetProperty("progress").GetProperty("step").GetString());
    }

    [Fact]
    public async Task AFailureFromAnOlderPublisher_NamesTheShardAsItsStep()
    {
        const string name = "signals-old-failure";
        var id = CorpusNames.IdOf(name);

        await gateway.Bus.Publish(new ShardSignalsFailed { CorpusId = id, Corpus = name, Shard = 4, Config = "rpv2", Reason = "corrupt zstd frame" });

        // A failure may come before anything else names the corpus: the corpus then has no status yet, its job does.
        var jobs = await gateway.EventuallyAsync("/api/jobs?service=signals", l => Job(l, "signals-old-failure/rpv2") is not null);
        var job = Job(jobs, "signals-old-failure/rpv2")!.Value;
        Assert.Equal(("failed", "shard 4"), (job.GetProperty("state").GetString(), job.GetProperty("progress").GetProperty("step").GetString()));
        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = name, SourceCount = 1, Generation = 0 });
        var corpus = await gateway.EventuallyAsync($"/api/corpora/{id}", c => c.GetProperty("signals").GetArrayLength() == 1);
        Assert.Equal("shard 4", corpus.GetProperty("signals")[0].GetProperty("failures")[0].GetProperty("step").GetString());
    }

    [Fact]
    public async Task SignalsProgress_IsListedInJobs_AndIsDoneOnceEveryShardOfTheEndedRunHasSignals()
    {
        const string name = "signals-progress";

        await gateway.Bus.Publish(Progress(name, 1, 0));

        var running = await gateway.EventuallyAsync("/api/jobs?service=signals", l => Job(l, "signals-progress/rpv2") is not null);
        var job = Job(running, "signals-progress/rpv2")!.Value;
        Assert.Equal(("running", "shards", 1, 0), (job.GetProperty("state").GetString(), job.GetProperty("progress").GetProperty("step").GetString(),
            job.GetProperty("progress").GetProperty("done").GetInt32(), job.GetProperty("progress").GetProperty("total").GetInt32()));
        Assert.Equal(CorpusNames.IdOf(name), job.GetProperty("corpusId").GetGuid());

        await gateway.Bus.Publish(Progress(name, 2, 3));
        await gateway.EventuallyAsync("/api/jobs?service=signals", l => Job(l, "signals-progress/rpv2")!.Value.GetProperty("progress").GetProperty("done").GetInt32() == 2);
        Assert.Null(Job(await gateway.EventuallyAsync("/api/jobs?service=signals&state=done", _ => true), "signals-progress/rpv2"));

        await gateway.Bus.Publish(Progress(name, 3, 3));
        var done = await gateway.EventuallyAsync("/api/jobs?service=signals&state=done", l => Job(l, "signals-progress/rpv2") is not null);
        Assert.Equal(3, Job(done, "signals-progress/rpv2")!.Value.GetProperty("progress").GetProperty("done").GetInt32());
    }

    [Fact]
    public async Task ANewIngestionRun_ReopensTheCorpussEndedSignalsJob()
    {
        const string name = "signals-rerun";
        var id = CorpusNames.IdOf(name);
        await gateway.Bus.Publish(Progress(name, 2, 2));
        await gateway.EventuallyAsync("/api/jobs?service=signals&state=done", l => Job(l, "signals-rerun/rpv2") is not null);

        await gateway.Bus.Publish(new CorpusIngestionStarted { CorpusId = id, Name = name, SourceCount = 1, Generation = 2 });

        var running = await gateway.EventuallyAsync("/api/jobs?service=signals&state=running", l => Job(l, "signals-rerun/rpv2") is not null);
        Assert.Equal((0, 0), (Job(running, "signals-rerun/rpv2")!.Value.GetProperty("progress").GetProperty("done").GetInt32(),
            Job(running, "signals-rerun/rpv2")!.Value.GetProperty("progress").GetProperty("total").GetInt32()));
    }
}
