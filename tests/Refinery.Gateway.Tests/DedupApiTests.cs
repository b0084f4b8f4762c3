using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;

namespace Refinery.Gateway.Tests;

public sealed class DedupApiTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    [Fact]
    public async Task Post_WithWriterKey_Is202_AndSendsDeduplicateCorpusToTheDedupQueue()
    {
        await gateway.KnownCorpusAsync("web-pages");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora/web-pages/dedup", new { threshold = 0.7 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("rpv2-0.7", "dedup/web-pages/rpv2-0.7/clusters.parquet"),
            (body.GetProperty("config").GetString(), body.GetProperty("clusters").GetString()));
        Assert.Equal("/api/corpora/web-pages/dedup/rpv2-0.7", response.Headers.Location?.ToString());
        Assert.Equal("/api/corpora/web-pages/dedup/rpv2-0.7", body.GetProperty("statusUrl").GetString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!gateway.Sent.Dedup.Any(c => c.Corpus == "web-pages") && DateTime.UtcNow < deadline) await Task.Delay(20);
        var command = Assert.Single(gateway.Sent.Dedup, c => c.Corpus == "web-pages");
        Assert.Equal((0.7, "rpv2"), (command.Threshold, command.SignalsConfig));
    }

    [Fact]
    public async Task TheStatusUrl_ShowsRequested_ThenTheCountsOfCorpusDeduplicated()
    {
        await gateway.KnownCorpusAsync("news-dump");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora/news-dump/dedup", new { threshold = 0.9 });
        var status = response.Headers.Location!.ToString();
        Assert.Equal("requested", (await gateway.EventuallyAsync(status, _ => true)).GetProperty("stage").GetString());

        await gateway.Bus.Publish(new CorpusDeduplicated
        {
            CorpusId = CorpusNames.IdOf("news-dump"), Config = "rpv2-0.9", Threshold = 0.9, Documents = 100, ClusteredDocuments = 12,
            ClusterCount = 5, Removed = 7, ExactDuplicates = 3, EarlierCorpusDuplicates = 2,
            Clusters = new ObjectRef { Bucket = "refinery", Key = "dedup/news-dump/rpv2-0.9/clusters.parquet", Sha256 = new string('c', 64), Length = 999 },
        });

        var done = await gateway.EventuallyAsync(status, s => s.GetProperty("stage").GetString() == "done");
        Assert.Equal((100, 12, 5, 7, 3, 2), (done.GetProperty("documents").GetInt64(), done.GetProperty("clusteredDocuments").GetInt64(),
            done.GetProperty("clusterCount").GetInt64(), done.GetProperty("removed").GetInt64(), done.GetProperty("exactDuplicates").GetInt64(),
            done.GetProperty("earlierCorpusDuplicates").GetInt64()));
        Assert.Equal("dedup/news-dump/rpv2-0.9/clusters.parquet", done.GetProperty("clusters").GetProperty("key").GetString());
        Assert.Equal("news-dump", done.GetProperty("corpus").GetString());
        var list = await gateway.EventuallyAsync("/api/corpora/news-dump/dedup", l => l.GetArrayLength() == 1);
        Assert.Equal("rpv2-0.9", list[0].GetProperty("config").GetString());
    }

    [Fact]
    public async Task ARequestTheServiceRefuses_ShowsFailed_WithTheReason()
    {
        await gateway.KnownCorpusAsync("doomed");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora/doomed/dedup", new { threshold = 0.8 });

        var failed = await gateway.EventuallyAsync(response.Headers.Location!.ToString(), s => s.GetProperty("stage").GetString() == "failed");
        Assert.Contains("has no document shards", failed.GetProperty("error").GetString());
        Assert.Equal("request", failed.GetProperty("failedStep").GetString());
    }

    [Fact]
    public async Task AJobStepThatFailsForGood_ShowsFailed_WithTheStepAndReason()
    {
        await gateway.KnownCorpusAsync("half-linked");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora/half-linked/dedup", new { threshold = 0.8 });
        var status = response.Headers.Location!.ToString();
        Assert.Equal("requested", (await gateway.EventuallyAsync(status, _ => true)).GetProperty("stage").GetString());

        await gateway.Bus.Publish(new CorpusDeduplicationFailed
        {
            CorpusId = CorpusNames.IdOf("half-linked"), Corpus = "half-linked", Config = "rpv2-0.8", Step = "link partition 2",
            Reason = "signals/half-linked/00001.rpv2.parquet is not the object recorded",
        });

        var failed = await gateway.EventuallyAsync(status, s => s.GetProperty("stage").GetString() == "failed");
        Assert.Equal(("link partition 2", "signals/half-linked/00001.rpv2.parquet is not the object recorded"),
            (failed.GetProperty("failedStep").GetString(), failed.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Post_ForACorpusNeverSubmitted_Is400_NamingTheName_AndSendsNothing()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora/never-submitted/dedup", new { threshold = 0.8 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("no corpus 'never-submitted' has been submitted", Assert.Single(errors.GetProperty("name").EnumerateArray()).GetString());
        // Nothing recorded: the corpus's dedup list stays empty. Nothing sent: a command would have been sent before the 400.
        Assert.Equal(0, (await gateway.Client().GetFromJsonAsync<JsonElement>("/api/corpora/never-submitted/dedup")).GetArrayLength());
        Assert.DoesNotContain(gateway.Sent.Dedup, c => c.Corpus == "never-submitted");
    }

    [Fact]
    public async Task AnUnknownRequest_Is404()
    {
        using var response = await gateway.Client().GetAsync("/api/corpora/never-asked/dedup/rpv2-0.8");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_WithExactAndKeepOptions_NamesTheirOutput_AndSendsThem()
    {
        await gateway.KnownCorpusAsync("mail-spam");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/corpora/mail-spam/dedup",
            new { threshold = 0.9, exact = "bloom", falsePositiveRate = 0.01, keep = "max:rps_doc_word_count" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rpv2-0.9-bloom0.01-keep-max-rps_doc_word_count", body.GetProperty("config").GetString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!gateway.Sent.Dedup.Any(c => c.Corpus == "mail-spam") && DateTime.UtcNow < deadline) await Task.Delay(20);
        var command = Assert.Single(gateway.Sent.Dedup, c => c.Corpus == "mail-spam");
        Assert.Equal((ExactMode.Bloom, 0.01, new KeepPolicy(KeepKind.Max, "rps_doc_word_count")), (command.Exact, command.FalsePositiveRate, command.Keep));
    }

    [Theory]
    [InlineData("exact", "{\"exact\":\"fuzzy\"}", "'fuzzy' is not one of set, bloom, none")]
    [InlineData("exact", "{\"exact\":\"Set\"}", "'Set' is not one of set, bloom, none")]
    [InlineData("exact", "{\"exact\":0}", "a JSON number is not one of set, bloom, none")]
    [InlineData("exactKey", "{\"exactKey\":\"text\"}", "'text' is not one of normalized, raw, url")]
    [InlineData("keep", "{\"keep\":\"best\"}", "'best' is not first, longest, max:SIGNAL or min:SIGNAL")]
    [InlineData("keep", "{\"keep\":\"max:Bad Name\"}", "'max:Bad Name' is not first, longest, max:SIGNAL or min:SIGNAL")]
    [InlineData("keep", "{\"keep\":\"longest:x\"}", "'longest:x' is not first, longest, max:SIGNAL or min:SIGNAL")]
    public async Task Post_WithAnUnknownOptionValue_Is400_NamingTheFieldAndItsValues(string field, string json, string message)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora/unknown-option/dedup", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(message, Assert.Single(errors.GetProperty(field).EnumerateArray()).GetString());
        Assert.DoesNotContain(gateway.Sent.Dedup, c => c.Corpus == "unknown-option");
    }

    [Fact]
    public async Task OpenApi_ShowsTheOptionValuesAsStrings()
    {
        var document = await gateway.Client().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var enums = EnumsIn(document).Select(e => string.Join(",", e.EnumerateArray().Select(v => v.GetString()))).ToHashSet();
        Assert.Contains("set,bloom,none", enums);
        Assert.Contains("normalized,raw,url", enums);
        Assert.Contains("gpt2,bytes", enums);
        // The keep policy is one string on the wire, not the kind and signal it is in code.
        Assert.Contains("^(first|longest|(max|min):[a-z][a-z0-9_]*)$", PatternsIn(document));
    }

    private static IEnumerable<string> PatternsIn(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            p.Name == "pattern" && p.Value.ValueKind == JsonValueKind.String ? [p.Value.GetString()!] : PatternsIn(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(PatternsIn),
        _ => [],
    };

    private static IEnumerable<JsonElement> EnumsIn(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => p.Name == "enum" && p.Value.ValueKind == JsonValueKind.Array ? [p.Value] : EnumsIn(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(EnumsIn),
        _ => [],
    };

    [Theory]
    [InlineData("exact", "{\"exact\":\"fuzzy\"}")]
    [InlineData("keep", "{\"keep\":\"best\"}")]
    [InlineData("keep", "{\"keep\":\"max:Bad Name\"}")]
    [InlineData("falsePositiveRate", "{\"exact\":\"bloom\",\"falsePositiveRate\":1.5}")]
    public async Task Post_WithABadOption_Is400_NamingTheOption(string field, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/corpora/web-pages/dedup", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }

    [Theory]
    [InlineData("web-pages", 0.75)]
    [InlineData("a..b", 0.8)]
    [InlineData("Bad Name", 0.8)]
    public async Task Post_WithAnInvalidNameOrThreshold_Is400_NamingTheField(string name, double threshold)
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync($"/api/corpora/{Uri.EscapeDataString(name)}/dedup", new { threshold });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(threshold == 0.75 ? "threshold" : "name", out _), errors.ToString());
    }

    [Fact]
    public async Task Post_WithReaderKey_Is403()
    {
        using var response = await gateway.Client(GatewayTestHost.ReaderKey).PostAsJsonAsync("/api/corpora/web-pages/dedup", new { threshold = 0.8 });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
