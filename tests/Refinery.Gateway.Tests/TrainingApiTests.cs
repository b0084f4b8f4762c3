using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Training;

namespace Refinery.Gateway.Tests;

/// <summary>POST /api/training/jobs, GET /api/training/jobs[/{id}] and POST …/{id}/cancel on the gateway with the
/// in-memory bus: the command the stand-in Training consumer receives, the refusals, and the read model the events make.</summary>
public sealed class TrainingApiTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    /// <summary>A valid two-stage request, distinct per <paramref name="seed"/> (so per test: the job id is the request's hash).</summary>
    private static SubmitTrainingJob Request(long seed) => new()
    {
        Kind = TrainingKind.Pretrain,
        ModelName = "tiny-web",
        Model = new ModelSpec { Preset = ModelPreset.Tiny, Layers = 3 },
        Stages =
        [
            new TrainingStage { Dataset = "web", Version = "0123456789ab", Tokens = 200_000 },
            new TrainingStage { Dataset = "code", Version = "ba9876543210", Tokens = 50_000, LearningRate = 1e-3, Schedule = LearningRateSchedule.Linear },
        ],
        Hyperparameters = new TrainingHyperparameters { LearningRate = 2e-3, MicroBatch = 4, Seed = seed, Threads = 1 },
        Intervals = new TrainingIntervals { ProgressEverySteps = 5 },
    };

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<(HttpResponseMessage Response, JsonElement Body)> SubmitAsync(SubmitTrainingJob request)
    {
        var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/training/jobs", request, TrainingJobJson);
        return (response, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    /// <summary>The contract's JSON, as a client writes it: camelCase, option values as their names.</summary>
    private static readonly JsonSerializerOptions TrainingJobJson = Refinery.Contracts.Options.ContractJson.Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    private static async Task<T> ArrivesAsync<T>(IEnumerable<T> queue, Func<T, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (queue.FirstOrDefault(match) is { } found) return found;
            await Task.Delay(20);
        }
        throw new TimeoutException("the command did not arrive");
    }

    [Fact]
    public async Task Post_Valid_Is202_WithTheRequestsJobId_AndSendsTheCommandWithANewRequestId()
    {
        var request = Request(seed: 101);

        var (response, body) = await SubmitAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var jobId = TrainingRequests.JobId(request);
        Assert.Equal(jobId, body.GetProperty("jobId").GetString());
        Assert.Equal($"/api/training/jobs/{jobId}", response.Headers.Location?.ToString());
        Assert.Equal(response.Headers.Location?.ToString(), body.GetProperty("statusUrl").GetString());
        Assert.False(body.GetProperty("known").GetBoolean());
        Assert.Equal("submitted", body.GetProperty("status").GetString());
        Assert.Contains($"job={jobId}", body.GetProperty("events").GetString());
        var requestId = body.GetProperty("requestId").GetGuid();
        var command = await ArrivesAsync(gateway.Sent.Training, c => c.RequestId == requestId);
        Assert.Equal(jobId, TrainingRequests.JobId(command));
        Assert.Equal(request with { RequestId = requestId }, command with { Stages = request.Stages });
        Assert.Equal(request.Stages, command.Stages);
        Assert.Equal((3, LearningRateSchedule.Linear, 1e-3), (command.Model!.Layers, command.Stages[1].Schedule, command.Stages[1].LearningRate));

        var status = await gateway.EventuallyAsync($"/api/training/jobs/{jobId}", j => j.GetProperty("status").GetString() == "submitted");
        Assert.Equal(("pretrain", "tiny-web", 2), (status.GetProperty("kind").GetString(), status.GetProperty("modelName").GetString(),
            status.GetProperty("stages").GetArrayLength()));
        Assert.Equal("code", status.GetProperty("stages")[1].GetProperty("dataset").GetString());
    }

    [Fact]
    public async Task Post_LeavingOutDefaults_NamesTheSameJobAsSpellingThemOut()
    {
        var spelled = new SubmitTrainingJob { Stages = [new TrainingStage { Dataset = "web", Version = "0123456789ab", Tokens = 777 }] };

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/training/jobs",
            Json("""{"stages":[{"dataset":"web","version":"0123456789ab","tokens":777}],"hyperparameters":null}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(TrainingRequests.JobId(spelled), (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString());
    }

    [Fact]
    public async Task Post_TheSameRequestAgain_NamesTheSameJob_SaysItIsKnown_AndOnceCompletedSaysSo()
    {
        var request = Request(seed: 102);
        var (first, firstBody) = await SubmitAsync(request);
        var (second, secondBody) = await SubmitAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(firstBody.GetProperty("jobId").GetString(), secondBody.GetProperty("jobId").GetString());
        Assert.NotEqual(firstBody.GetProperty("requestId").GetGuid(), secondBody.GetProperty("requestId").GetGuid());
        Assert.True(secondBody.GetProperty("known").GetBoolean());

        var jobId = TrainingRequests.JobId(request);
        await gateway.Bus.Publish(TrainingEvents.Completed(jobId));
        await gateway.EventuallyAsync($"/api/training/jobs/{jobId}", j => j.GetProperty("status").GetString() == "completed");
        var (third, thirdBody) = await SubmitAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
        Assert.Equal((true, "completed"), (thirdBody.GetProperty("known").GetBoolean(), thirdBody.GetProperty("status").GetString()));
        // A finished job is asked again: the service announces its result again.
        var thirdRequest = thirdBody.GetProperty("requestId").GetGuid();
        await ArrivesAsync(gateway.Sent.Training, c => c.RequestId == thirdRequest);
        first.Dispose(); second.Dispose(); third.Dispose();
    }

    [Theory]
    [InlineData("hyperparameters.learningRate", """{"stages":[{"dataset":"web","version":"0123456789ab","tokens":10}],"hyperparameters":{"learningRate":"NaN"}}""")]
    [InlineData("hyperparameters.learningRate", """{"stages":[{"dataset":"web","version":"0123456789ab","tokens":10}],"hyperparameters":{"learningRate":0}}""")]
    [InlineData("stages[0].version", """{"stages":[{"dataset":"web","version":"v1","tokens":10}]}""")]
    [InlineData("stages[1].tokens", """{"stages":[{"dataset":"web","version":"0123456789ab","tokens":10},{"dataset":"web","version":"0123456789ab","tokens":0}]}""")]
    [InlineData("baseModel", """{"kind":"pretrain","baseModel":{"job":"0123456789ab"},"stages":[{"dataset":"web","version":"0123456789ab","tokens":10}]}""")]
    [InlineData("baseModel", """{"kind":"continue","stages":[{"dataset":"web","version":"0123456789ab","tokens":10}]}""")]
    [InlineData("baseModel.folder", """{"kind":"finetune","baseModel":{"folder":"models/llama"},"stages":[{"dataset":"web","version":"0123456789ab","tokens":10}]}""")]
    [InlineData("kind", """{"kind":"distill","stages":[{"dataset":"web","version":"0123456789ab","tokens":10}]}""")]
    [InlineData("stages", """{"stages":[]}""")]
    [InlineData("model.heads", """{"model":{"preset":"tiny","heads":3},"stages":[{"dataset":"web","version":"0123456789ab","tokens":10}]}""")]
    [InlineData("model.preset", """{"model":{"preset":"huge"},"stages":[{"dataset":"web","version":"0123456789ab","tokens":10}]}""")]
    [InlineData("modelName", """{"modelName":"My Model","stages":[{"dataset":"web","version":"0123456789ab","tokens":10}]}""")]
    [InlineData("intervals.keepCheckpoints", """{"stages":[{"dataset":"web","version":"0123456789ab","tokens":10}],"intervals":{"keepCheckpoints":0}}""")]
    [InlineData("stages[0].schedule", """{"stages":[{"dataset":"web","version":"0123456789ab","tokens":10,"schedule":"step"}]}""")]
    public async Task Post_WithABadField_Is400_NamingIt_AndSendsNothing(string field, string json)
    {
        var sent = gateway.Sent.Training.Count;
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/training/jobs", Json(json));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
        Assert.Equal(sent, gateway.Sent.Training.Count);
    }

    [Fact]
    public async Task Post_WithSeveralBadFields_NamesEachOfThem()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/training/jobs", Json(
            """{"kind":"pretrain","baseModel":{"job":"x"},"stages":[{"dataset":"web","version":"bad","tokens":0}],"hyperparameters":{"learningRate":0,"microBatch":0}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["baseModel", "hyperparameters.learningRate", "hyperparameters.microBatch", "stages[0].tokens", "stages[0].version"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(GatewayTestHost.ReaderKey, HttpStatusCode.Forbidden)]
    public async Task Writes_WithoutTheWriterKey_AreRefused_AndSendNothing(string? key, HttpStatusCode expected)
    {
        var jobId = TrainingRequests.JobId(Request(seed: 103));
        var (submits, cancels) = (gateway.Sent.Training.Count, gateway.Sent.Cancels.Count);
        using var client = gateway.Client(key);

        using var submit = await client.PostAsJsonAsync("/api/training/jobs", Request(seed: 103), TrainingJobJson);
        using var cancel = await client.PostAsync($"/api/training/jobs/{jobId}/cancel", null);

        Assert.Equal((expected, expected), (submit.StatusCode, cancel.StatusCode));
        Assert.Equal((submits, cancels), (gateway.Sent.Training.Count, gateway.Sent.Cancels.Count));
        using var status = await gateway.Client().GetAsync($"/api/training/jobs/{jobId}");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    [Fact]
    public async Task Cancel_AJobTheGatewaySaw_Is202_AndSendsCancelTrainingJob()
    {
        var (_, body) = await SubmitAsync(Request(seed: 104));
        var jobId = body.GetProperty("jobId").GetString()!;

        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync($"/api/training/jobs/{jobId}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal($"/api/training/jobs/{jobId}", response.Headers.Location?.ToString());
        var requestId = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetGuid();
        var command = await ArrivesAsync(gateway.Sent.Cancels, c => c.RequestId == requestId);
        Assert.Equal(jobId, command.JobId);
    }

    [Fact]
    public async Task Cancel_AJobTheGatewayNeverSaw_Is404_AndAMalformedId400()
    {
        var cancels = gateway.Sent.Cancels.Count;
        using var client = gateway.Client(GatewayTestHost.WriterKey);

        using var unknown = await client.PostAsync("/api/training/jobs/00000000abcd/cancel", null);
        using var malformed = await client.PostAsync("/api/training/jobs/NOT-AN-ID/cancel", null);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True((await malformed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("id", out _));
        await Task.Delay(200);
        Assert.Equal(cancels, gateway.Sent.Cancels.Count);
    }

    [Theory]
    [InlineData("/api/training/jobs/00000000dcba", HttpStatusCode.NotFound, null)]
    [InlineData("/api/training/jobs/0123", HttpStatusCode.BadRequest, "id")]
    [InlineData("/api/training/jobs/0123456789AB", HttpStatusCode.BadRequest, "id")]
    [InlineData("/api/training/jobs/0123456789ab?points=1", HttpStatusCode.BadRequest, "points")]
    [InlineData("/api/training/jobs?status=paused", HttpStatusCode.BadRequest, "status")]
    [InlineData("/api/training/jobs?limit=0", HttpStatusCode.BadRequest, "limit")]
    [InlineData("/api/training/jobs?offset=-1", HttpStatusCode.BadRequest, "offset")]
    public async Task Reads_OfNoJobOrWithBadParameters_AreProblems(string url, HttpStatusCode expected, string? field)
    {
        using var response = await gateway.Client().GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null) Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Events_OfAJob_ShowItsRun_AndTheCurveDownsampledToThePointsAsked()
    {
        var (_, body) = await SubmitAsync(Request(seed: 105));
        var jobId = body.GetProperty("jobId").GetString()!;
        var start = DateTimeOffset.UtcNow;
        await gateway.Bus.Publish(TrainingEvents.Started(jobId, start));
        for (var step = 5; step <= 100; step += 5)
            await gateway.Bus.Publish(TrainingEvents.Progressed(jobId, step, start.AddSeconds(step), validation: step % 50 == 0 ? 2.0 - step / 100.0 : null));
        var running = await gateway.EventuallyAsync($"/api/training/jobs/{jobId}?points=6",
            j => j.GetProperty("step").GetInt32() == 100 && j.GetProperty("reportedPoints").GetInt32() == 20);

        Assert.Equal("running", running.GetProperty("status").GetString());
        Assert.Equal((100, 409_600L, 0.0), (running.GetProperty("totalSteps").GetInt32(), running.GetProperty("tokens").GetInt64(),
            running.GetProperty("etaSeconds").GetDouble()));
        Assert.Equal(1.0, running.GetProperty("validationLoss").GetDouble());
        var curve = running.GetProperty("curve").EnumerateArray().ToList();
        Assert.Equal(6, curve.Count);
        Assert.Equal((5, 100), (curve[0].GetProperty("step").GetInt32(), curve[^1].GetProperty("step").GetInt32()));
        Assert.Contains(curve, p => p.GetProperty("step").GetInt32() == 50 && p.GetProperty("validationLoss").GetDouble() == 1.5);

        await gateway.Bus.Publish(TrainingEvents.Completed(jobId));
        var done = await gateway.EventuallyAsync($"/api/training/jobs/{jobId}", j => j.GetProperty("status").GetString() == "completed");
        Assert.Equal(TrainingKeys.Model(jobId), done.GetProperty("model").GetProperty("folder").GetString());
        Assert.Equal(TrainingKeys.Lineage(jobId), done.GetProperty("model").GetProperty("lineage").GetProperty("key").GetString());
        Assert.Equal(20, done.GetProperty("curve").GetArrayLength());
        var job = await gateway.EventuallyAsync("/api/jobs?service=training", jobs => jobs.EnumerateArray()
            .Any(j => j.GetProperty("job").GetString() == jobId && j.GetProperty("state").GetString() == "done"));
        Assert.NotEqual(JsonValueKind.Undefined, job.ValueKind);
    }

    [Fact]
    public async Task TheGenericJobList_FollowsTrainingsJobProgressed_AndShowsACancelledJobCancelled()
    {
        var (_, body) = await SubmitAsync(Request(seed: 106));
        var jobId = body.GetProperty("jobId").GetString()!;
        // Started now, as the service stamps it: the cancellation it sends later is of this run.
        var at = DateTimeOffset.UtcNow;
        await gateway.Bus.Publish(TrainingEvents.Started(jobId, at));
        // What the Training service publishes beside TrainingJobProgressed: step "train", done the step, total the steps.
        await gateway.Bus.Publish(new Refinery.Contracts.Jobs.JobProgressed
            { Service = "training", Job = jobId, Step = "train", Done = 30, Total = 100, At = at.AddSeconds(30) });
        await gateway.EventuallyAsync("/api/jobs?service=training&state=running", jobs => jobs.EnumerateArray()
            .Any(j => j.GetProperty("job").GetString() == jobId && j.GetProperty("progress").GetProperty("done").GetInt32() == 30));

        await gateway.Bus.Publish(new TrainingJobCancelled { JobId = jobId, Step = 30 });

        var cancelled = await gateway.EventuallyAsync("/api/jobs?service=training&state=cancelled", jobs => jobs.EnumerateArray()
            .Any(j => j.GetProperty("job").GetString() == jobId));
        var job = cancelled.EnumerateArray().Single(j => j.GetProperty("job").GetString() == jobId);
        Assert.Equal(("train 30", 30, 100), (job.GetProperty("progress").GetProperty("step").GetString(),
            job.GetProperty("progress").GetProperty("done").GetInt32(), job.GetProperty("progress").GetProperty("total").GetInt32()));
        var status = await gateway.EventuallyAsync($"/api/training/jobs/{jobId}", j => j.GetProperty("status").GetString() == "cancelled");
        Assert.Equal(30, status.GetProperty("cancellation").GetProperty("step").GetInt32());
    }

    [Fact]
    public async Task List_IsNewestFirst_Paged_AndFilteredByStatus()
    {
        var ids = new List<string>();
        foreach (var seed in new long[] { 201, 202, 203 })
        {
            var (_, body) = await SubmitAsync(Request(seed));
            ids.Add(body.GetProperty("jobId").GetString()!);
            await Task.Delay(20); // distinct creation times
        }
        await gateway.Bus.Publish(new TrainingJobFailed { JobId = ids[1], Step = "data", Reason = "no dataset version web@0123456789ab" });
        await gateway.EventuallyAsync($"/api/training/jobs/{ids[1]}", j => j.GetProperty("status").GetString() == "failed");

        var page = await gateway.Client().GetFromJsonAsync<JsonElement>("/api/training/jobs?limit=2");
        var failed = await gateway.Client().GetFromJsonAsync<JsonElement>("/api/training/jobs?status=failed");

        var listed = page.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("jobId").GetString()).ToList();
        Assert.Equal([ids[2], ids[1]], listed);
        Assert.True(page.GetProperty("total").GetInt32() >= 3);
        var failure = Assert.Single(failed.GetProperty("items").EnumerateArray(), j => j.GetProperty("jobId").GetString() == ids[1]).GetProperty("failure");
        Assert.Equal(("data", "no dataset version web@0123456789ab"), (failure.GetProperty("step").GetString(), failure.GetProperty("reason").GetString()));
        Assert.DoesNotContain(failed.GetProperty("items").EnumerateArray(), j => j.GetProperty("status").GetString() != "failed");
    }

    [Fact]
    public async Task TrainingEvents_AreOnTheEventStream_FilteredByJob()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        const string jobId = "00000000e7e7";
        using var response = await gateway.Client().GetAsync($"/api/events?job={jobId}", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        var at = DateTimeOffset.UtcNow;
        await gateway.Bus.Publish(TrainingEvents.Progressed("00000000ffff", 5, at, null), timeout.Token); // another job: filtered out
        await gateway.Bus.Publish(TrainingEvents.Started(jobId, at), timeout.Token);
        await gateway.Bus.Publish(TrainingEvents.Progressed(jobId, 5, at, null), timeout.Token);
        await gateway.Bus.Publish(TrainingEvents.Completed(jobId), timeout.Token);
        await gateway.Bus.Publish(new TrainingJobFailed { JobId = jobId, Step = "save", Reason = "r" }, timeout.Token);
        await gateway.Bus.Publish(new TrainingJobCancelled { JobId = jobId, Step = 5 }, timeout.Token);

        var seen = new HashSet<string>();
        while (seen.Count < 5)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
            if (line.StartsWith("event: ", StringComparison.Ordinal)) seen.Add(line[7..]);
            if (line.StartsWith("data: ", StringComparison.Ordinal)) Assert.Contains(jobId, line);
        }
        Assert.Equal([nameof(TrainingJobCancelled), nameof(TrainingJobCompleted), nameof(TrainingJobFailed), nameof(TrainingJobProgressed),
            nameof(TrainingJobStarted)], seen.Order(StringComparer.Ordinal));
    }
}

/// <summary>Training events as the Training service publishes them, for a job of 100 steps.</summary>
internal static class TrainingEvents
{
    public static TrainingJobStarted Started(string jobId, DateTimeOffset at, int resumedFrom = 0) => new()
    {
        JobId = jobId, Kind = TrainingKind.Pretrain, TotalSteps = 100, TotalTokens = 100 * 4096, Parameters = 123_456, At = at,
        ResumedFromStep = resumedFrom,
    };

    public static TrainingJobProgressed Progressed(string jobId, int step, DateTimeOffset at, double? validation, double? loss = null) => new()
    {
        JobId = jobId, Step = step, TotalSteps = 100, Stage = step > 80 ? 1 : 0, Tokens = step * 4096L, Loss = loss ?? 5.0 - step / 50.0,
        BitsPerByte = 2.0 - step / 100.0, LearningRate = 1e-3, GradientNorm = 0.5, TokensPerSecond = 4096, EtaSeconds = (100 - step) * 10,
        ValidationLoss = validation, ValidationBitsPerByte = validation / 2, At = at,
    };

    public static TrainingJobCompleted Completed(string jobId) => new()
    {
        JobId = jobId, Kind = TrainingKind.Pretrain, ModelFolder = TrainingKeys.Model(jobId),
        Weights = new ObjectRef { Bucket = "refinery", Key = TrainingKeys.Model(jobId) + "model.safetensors", Sha256 = new string('b', 64), Length = 1000 },
        Lineage = new ObjectRef { Bucket = "refinery", Key = TrainingKeys.Lineage(jobId), Sha256 = new string('c', 64), Length = 100 },
        Steps = 100, Tokens = 100 * 4096, Parameters = 123_456, Tokenizer = TokenizerKind.Bytes, FinalLoss = 3.0, ValidationLoss = 3.1,
        ValidationBitsPerByte = 1.2, Seconds = 42,
    };
}
