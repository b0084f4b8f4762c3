using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;

namespace Refinery.Gateway.Tests;

/// <summary>GET /api/jobs and the progress in the dedup and dataset request statuses, from events on the bus.</summary>
public sealed class JobsApiTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    private static JobProgressed Progress(string service, string job, string step, int done, int total) => new()
    {
        Service = service, Job = job, Step = step, Done = done, Total = total, At = DateTimeOffset.UtcNow,
    };

    private static IEnumerable<(string Service, string Job)> Keys(JsonElement list) =>
        list.EnumerateArray().Select(j => (j.GetProperty("service").GetString()!, j.GetProperty("job").GetString()!));

    [Fact]
    public async Task Jobs_OfEveryService_AreListedNewestFirst_AndAFinishedOneIsDone()
    {
        await gateway.Bus.Publish(Progress(JobServices.Ingestion, "listed-web", "read sources", 4, 0));
        await gateway.EventuallyAsync("/api/jobs?service=ingestion", l => Keys(l).Contains(("ingestion", "listed-web")));
        await gateway.Bus.Publish(Progress(JobServices.Curation, "listed@0123456789ab", "parts", 1, 2));

        var list = await gateway.EventuallyAsync("/api/jobs", l => Keys(l).Contains(("curation", "listed@0123456789ab")));
        var keys = Keys(list).ToList();
        Assert.True(keys.IndexOf(("curation", "listed@0123456789ab")) < keys.IndexOf(("ingestion", "listed-web")));
        var version = list.EnumerateArray().Single(j => j.GetProperty("job").GetString() == "listed@0123456789ab");
        Assert.Equal(("running", "parts", 1, 2), (version.GetProperty("state").GetString(), version.GetProperty("progress").GetProperty("step").GetString(),
            version.GetProperty("progress").GetProperty("done").GetInt32(), version.GetProperty("progress").GetProperty("total").GetInt32()));

        await gateway.Bus.Publish(new CorpusIngested
        {
            CorpusId = CorpusNames.IdOf("listed-web"), Name = "listed-web", ShardCount = 4, Read = 9, Accepted = 9, Rejected = 0,
            InvalidUtf8Replaced = 0, RejectedByReason = new Dictionary<string, long>(), Languages = new Dictionary<string, long>(),
        });

        var done = await gateway.EventuallyAsync("/api/jobs?service=ingestion&state=done", l => Keys(l).Contains(("ingestion", "listed-web")));
        var ingestion = done.EnumerateArray().Single(j => j.GetProperty("job").GetString() == "listed-web");
        Assert.Equal(4, ingestion.GetProperty("progress").GetProperty("done").GetInt32());
        Assert.DoesNotContain(("curation", "listed@0123456789ab"), Keys(done));
    }

    [Theory]
    [InlineData("service=search", "service")]
    [InlineData("state=paused", "state")]
    [InlineData("state=Running", "state")]
    [InlineData("service=1", "service")]
    [InlineData("limit=0", "limit")]
    public async Task Jobs_WithABadFilter_Is400_NamingIt(string query, string field)
    {
        using var response = await gateway.Client(GatewayTestHost.ReaderKey).GetAsync($"/api/jobs?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task ADedupRequestsStatus_ShowsItsJobsProgress()
    {
        await gateway.KnownCorpusAsync("progress-web");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora/progress-web/dedup", new { threshold = 0.8 });
        var status = response.Headers.Location!.ToString();
        var requested = await gateway.EventuallyAsync(status, _ => true);
        Assert.Equal("requested", requested.GetProperty("progress").GetProperty("step").GetString());

        await gateway.Bus.Publish(Progress(JobServices.Dedup, JobIds.Dedup("progress-web", "rpv2-0.8"), "link partitions", 2, 3) with
        {
            CorpusId = CorpusNames.IdOf("progress-web"),
        });

        var linking = await gateway.EventuallyAsync(status, s => s.GetProperty("progress").GetProperty("step").GetString() == "link partitions");
        Assert.Equal((2, 3), (linking.GetProperty("progress").GetProperty("done").GetInt32(), linking.GetProperty("progress").GetProperty("total").GetInt32()));
        var list = await gateway.EventuallyAsync("/api/corpora/progress-web/dedup", l => l.GetArrayLength() == 1);
        Assert.Equal(2, list[0].GetProperty("progress").GetProperty("done").GetInt32());
    }

    [Fact]
    public async Task ADatasetRequestsStatus_ShowsTheProgressOfTheVersionThatNamesIt()
    {
        await gateway.KnownCorpusAsync("web");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/datasets/progress-news/versions",
            new { corpora = new[] { "web" }, recipe = "gopher" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var (status, requestId) = (body.GetProperty("statusUrl").GetString()!, body.GetProperty("requestId").GetGuid());
        Assert.Equal(JsonValueKind.Null, (await gateway.EventuallyAsync(status, _ => true)).GetProperty("progress").ValueKind);

        await gateway.Bus.Publish(Progress(JobServices.Curation, JobIds.DatasetVersion("progress-news", "0123456789ab"), "ranking round 1", 1, 4) with
        {
            RequestId = requestId,
        });

        var ranking = await gateway.EventuallyAsync(status, s => s.GetProperty("progress").ValueKind == JsonValueKind.Object);
        Assert.Equal(("ranking round 1", 1, 4), (ranking.GetProperty("progress").GetProperty("step").GetString(),
            ranking.GetProperty("progress").GetProperty("done").GetInt32(), ranking.GetProperty("progress").GetProperty("total").GetInt32()));
    }
}
