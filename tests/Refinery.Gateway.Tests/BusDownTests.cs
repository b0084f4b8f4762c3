using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Refinery.Gateway.Tests;

/// <summary>Every write that sends a command answers 503 when the bus will not take it, and its status URL shows the
/// request failed rather than waiting for an answer that cannot come.</summary>
public sealed class BusDownTests(BusDownGateway gateway) : IClassFixture<BusDownGateway>
{
    private async Task<JsonElement> PostAsync(string url, object body)
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync(url, body);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Headers.Location);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task AssertFailedAsync(JsonElement problem)
    {
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        var status = problem.GetProperty("statusUrl").GetString()!;
        var failed = await gateway.EventuallyAsync(status, s => s.GetProperty("stage").GetString() == "failed");
        Assert.Contains("could not be sent", failed.GetProperty("error").GetString());
    }

    [Fact]
    public async Task CorpusSubmission_Is503_AndTheCorpusShowsFailed()
    {
        await gateway.Store.PutAsync("raw/unsent/a.jsonl", new MemoryStream("{\"text\":\"x\"}\n"u8.ToArray()));

        var problem = await PostAsync("/api/corpora", new { name = "unsent", sources = new[] { new { key = "raw/unsent/a.jsonl" } } });

        await AssertFailedAsync(problem);
    }

    [Fact]
    public async Task Upload_Is503_AndLeavesNoSourceNorStagedPart_AndTheCorpusShowsFailed()
    {
        var form = new MultipartFormDataContent { { new StringContent("unsent-upload"), "name" } };
        form.Add(new ByteArrayContent("{\"text\":\"x\"}\n"u8.ToArray()), "files", "a.jsonl");

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora", form);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        await AssertFailedAsync(await response.Content.ReadFromJsonAsync<JsonElement>());
        await foreach (var o in gateway.Store.ListAsync("raw/unsent-upload/")) Assert.Fail($"left {o.Key}");
        await foreach (var o in gateway.Store.ListAsync(Refinery.Contracts.Ingestion.IngestionKeys.UploadStagingRoot)) Assert.Fail($"left {o.Key}");
    }

    [Fact]
    public async Task Dedup_Is503_AndItsStatusShowsFailed()
    {
        // Not "unsent": that name is the corpus submission's, which must find it free.
        await gateway.KnownCorpusAsync("unsent-dedup");
        var problem = await PostAsync("/api/corpora/unsent-dedup/dedup", new { threshold = 0.8 });

        await AssertFailedAsync(problem);
    }

    [Fact]
    public async Task DatasetVersion_Is503_AndItsRequestShowsFailed()
    {
        await gateway.KnownCorpusAsync("web");
        var problem = await PostAsync("/api/datasets/unsent/versions", new { corpora = new[] { "web" }, recipe = "none" });

        await AssertFailedAsync(problem);
    }

    [Fact]
    public async Task DatasetMixture_Is503_AndItsRequestShowsFailed()
    {
        await gateway.AnnounceVersionAsync("web", "0123456789ab", tokens: 1_000);
        var problem = await PostAsync("/api/datasets/unsent/mixtures", new
        {
            components = new[] { new { dataset = "web", version = "0123456789ab", weight = 1.0 } }, tokenBudget = 100,
        });

        await AssertFailedAsync(problem);
    }

    [Fact]
    public async Task TrainingJob_Is503_AndItsStatusShowsFailedAtSend()
    {
        var problem = await PostAsync("/api/training/jobs", TrainingRequest("unsent-training"));

        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        var job = await gateway.EventuallyAsync(problem.GetProperty("statusUrl").GetString()!, s => s.GetProperty("status").GetString() == "failed");
        Assert.Equal("send", job.GetProperty("failure").GetProperty("step").GetString());
        Assert.Contains("could not be sent", job.GetProperty("failure").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task TrainingCancel_Is503_AndLeavesTheJobAsItWas()
    {
        // The gateway cancels only a job it saw: this one, whose submission could not be sent either.
        var submitted = await PostAsync("/api/training/jobs", TrainingRequest("unsent-cancel"));
        var status = submitted.GetProperty("statusUrl").GetString()!;
        await gateway.EventuallyAsync(status, s => s.GetProperty("status").GetString() == "failed");

        var problem = await PostAsync(status + "/cancel", new { });

        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal(status, problem.GetProperty("statusUrl").GetString());
        var job = await gateway.EventuallyAsync(status, _ => true);
        Assert.Equal(("failed", "send"), (job.GetProperty("status").GetString(), job.GetProperty("failure").GetProperty("step").GetString()));
    }

    /// <summary>A valid training request as a client writes it, distinct per model name (the job id is its hash).</summary>
    private static object TrainingRequest(string modelName) => new
    {
        modelName, stages = new[] { new { dataset = "web", version = "0123456789ab", tokens = 100_000 } },
    };
}
