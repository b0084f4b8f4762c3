using Refinery.Contracts.Training;
using Refinery.Host.Cli;

namespace Refinery.Gateway.Tests;

/// <summary>The CLI's side of `refinery train` against the gateway: it submits the job, follows its events on the stream
/// it opened first, and ends with the job's status once the gateway shows it ended.</summary>
public sealed class TrainingClientTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private static SubmitTrainingJob Request(long seed) => new()
    {
        Stages = [new TrainingStage { Dataset = "web", Version = "0123456789ab", Tokens = 4096 }],
        Hyperparameters = new TrainingHyperparameters { Seed = seed },
    };

    private async Task<SubmitTrainingJob> SentAsync(string jobId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (gateway.Sent.Training.FirstOrDefault(c => TrainingRequests.JobId(c) == jobId) is { } sent) return sent;
            await Task.Delay(20);
        }
        throw new TimeoutException("the command did not arrive");
    }

    [Fact]
    public async Task Run_FollowsTheJobsProgress_UntilItCompletes_AndReturnsItsStatus()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var request = Request(seed: 301);
        var jobId = TrainingRequests.JobId(request);
        using var client = new TrainingClient(gateway.Client(GatewayTestHost.WriterKey));
        var seen = new List<object>();

        var run = client.RunAsync(request, e => { lock (seen) seen.Add(e); }, timeout.Token);
        var sent = await SentAsync(jobId);
        var at = DateTimeOffset.UtcNow;
        await gateway.Bus.Publish(TrainingEvents.Started(jobId, at) with { RequestId = sent.RequestId }, timeout.Token);
        await gateway.Bus.Publish(TrainingEvents.Progressed(jobId, 50, at.AddSeconds(1), validation: null), timeout.Token);
        // The bus may deliver two events out of order; waiting for these before the end lets their order be checked.
        while (seen.Count < 2) await Task.Delay(20, timeout.Token);
        await gateway.Bus.Publish(TrainingEvents.Completed(jobId) with { RequestId = sent.RequestId }, timeout.Token);
        var job = await run;

        Assert.Equal("completed", job.GetProperty("status").GetString());
        Assert.Equal(TrainingKeys.Model(jobId), job.GetProperty("model").GetProperty("folder").GetString());
        Assert.IsType<TrainingJobStarted>(seen[0]);
        Assert.Equal(50, Assert.IsType<TrainingJobProgressed>(seen[1]).Step);
        Assert.Contains("model: " + TrainingKeys.Model(jobId), TrainingReport.Summary(job));
    }

    [Fact]
    public async Task Run_OfAJobThatFails_ReturnsItsFailure()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var request = Request(seed: 302);
        var jobId = TrainingRequests.JobId(request);
        using var client = new TrainingClient(gateway.Client(GatewayTestHost.WriterKey));

        var run = client.RunAsync(request, _ => { }, timeout.Token);
        await SentAsync(jobId);
        await gateway.Bus.Publish(new TrainingJobFailed { JobId = jobId, Step = "data", Reason = "tokenizer gpt2 does not match the model's bytes" }, timeout.Token);
        var job = await run;

        Assert.Equal("failed", job.GetProperty("status").GetString());
        Assert.Equal($"job {jobId} failed at data: tokenizer gpt2 does not match the model's bytes", Assert.Single(TrainingReport.Summary(job)));
    }

    [Fact]
    public async Task Submit_RefusedByTheGateway_ThrowsWithTheFieldsNamed()
    {
        using var client = new TrainingClient(gateway.Client(GatewayTestHost.WriterKey));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SubmitAsync(
            Request(seed: 303) with { Stages = [new TrainingStage { Dataset = "web", Version = "nope", Tokens = 1 }] }, CancellationToken.None));

        Assert.Contains("(400)", error.Message);
        Assert.Contains("stages[0].version", error.Message);
    }
}
