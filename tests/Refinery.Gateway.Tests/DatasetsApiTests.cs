using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Refinery.Gateway.Tests;

public sealed class DatasetsApiTests(KeyedGateway gateway) : IClassFixture<KeyedGateway>
{
    [Fact]
    public async Task Post_WithWriterKey_Is202_AndSendsCreateDatasetVersionToCuration()
    {
        await gateway.KnownCorpusAsync("web-pages");
        await gateway.KnownCorpusAsync("news");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/datasets/web-gopher/versions",
            new { corpora = new[] { "web-pages", "news" }, recipe = "gopher", tokenizer = "bytes", validationFraction = 0.05 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var requestId = body.GetProperty("requestId").GetGuid();
        Assert.Equal($"/api/datasets/web-gopher/requests/{requestId}", response.Headers.Location?.ToString());
        Assert.Equal(response.Headers.Location?.ToString(), body.GetProperty("statusUrl").GetString());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!gateway.Sent.Datasets.Any(c => c.Dataset == "web-gopher") && DateTime.UtcNow < deadline) await Task.Delay(20);
        var command = Assert.Single(gateway.Sent.Datasets, c => c.Dataset == "web-gopher");
        Assert.Equal(requestId, command.RequestId);
        Assert.Equal(["web-pages", "news"], command.Corpora);
        Assert.Equal(("gopher", Refinery.Contracts.Curation.TokenizerKind.Bytes, 0.05), (command.Recipe, command.Tokenizer, command.ValidationFraction));
        Assert.Equal("bytes", body.GetProperty("tokenizer").GetString());
    }

    [Theory]
    [InlineData("name", "a..b", "{\"corpora\":[\"web\"],\"recipe\":\"none\"}")]
    [InlineData("corpora", "ds", "{\"corpora\":[],\"recipe\":\"none\"}")]
    [InlineData("corpora[0]", "ds", "{\"corpora\":[\"Bad Name\"],\"recipe\":\"none\"}")]
    [InlineData("recipe", "ds", "{\"corpora\":[\"web\"]}")]
    [InlineData("tokenizer", "ds", "{\"corpora\":[\"web\"],\"recipe\":\"none\",\"tokenizer\":\"llama\"}")]
    [InlineData("validationFraction", "ds", "{\"corpora\":[\"web\"],\"recipe\":\"none\",\"validationFraction\":1.5}")]
    [InlineData("recipeName", "ds", "{\"corpora\":[\"web\"],\"recipe\":\"keep doc when true\",\"recipeName\":\"my recipe!\"}")]
    public async Task Post_WithABadField_Is400_NamingIt(string field, string name, string json)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync($"/api/datasets/{Uri.EscapeDataString(name)}/versions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }

    [Fact]
    public async Task Post_WhoseSecondCorpusWasNeverSubmitted_Is400_NamingIt_AndSendsNothing()
    {
        await gateway.KnownCorpusAsync("web");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/datasets/half-known/versions",
            new { corpora = new[] { "web", "never-submitted" }, recipe = "none" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal(["corpora[1]"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Contains("no corpus 'never-submitted' has been submitted", Assert.Single(errors.GetProperty("corpora[1]").EnumerateArray()).GetString());
        // A 202 sends its command before answering, so a refusal that sent one would show it already.
        Assert.DoesNotContain(gateway.Sent.Datasets, c => c.Dataset == "half-known");
    }

    [Fact]
    public async Task Post_WithAnUnknownTokenizer_Is400_ListingTheTokenizers()
    {
        using var content = new StringContent("{\"corpora\":[\"web\"],\"recipe\":\"none\",\"tokenizer\":\"llama\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/datasets/ds/versions", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("'llama' is not one of gpt2, bytes", Assert.Single(errors.GetProperty("tokenizer").EnumerateArray()).GetString());
        Assert.DoesNotContain(gateway.Sent.Datasets, c => c.Dataset == "ds");
    }

    [Fact]
    public async Task PostMixture_Is202_AndSendsTheComponentsWeightsAndBudget()
    {
        await gateway.AnnounceVersionAsync("web", "0123456789ab", tokens: 1_000_000);
        await gateway.AnnounceVersionAsync("code", "ba9876543210", tokens: 1_000_000);
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/datasets/blend/mixtures", new
        {
            components = new[] { new { dataset = "web", version = "0123456789ab", weight = 0.7 }, new { dataset = "code", version = "ba9876543210", weight = 0.3 } },
            tokenBudget = 1_000_000, seed = 5,
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!gateway.Sent.Mixtures.Any(c => c.Dataset == "blend") && DateTime.UtcNow < deadline) await Task.Delay(20);
        var command = Assert.Single(gateway.Sent.Mixtures, c => c.Dataset == "blend");
        Assert.Equal($"/api/datasets/blend/requests/{command.RequestId}", response.Headers.Location?.ToString());
        Assert.Equal([new("web", "0123456789ab", 0.7), new Refinery.Contracts.Curation.MixtureComponent("code", "ba9876543210", 0.3)], command.Components);
        Assert.Equal((1_000_000L, 5), (command.TokenBudget, command.Seed));
    }

    [Theory]
    [InlineData("{\"components\":[{\"dataset\":\"web\",\"version\":\"0123456789ab\",\"weight\":0}],\"tokenBudget\":10}", "components[0].weight")]
    [InlineData("{\"components\":[{\"dataset\":\"web\",\"version\":\"latest\",\"weight\":1}],\"tokenBudget\":10}", "components[0].version")]
    [InlineData("{\"components\":[{\"dataset\":\"web\",\"version\":\"0123456789ab\",\"weight\":1}]}", "tokenBudget")]
    public async Task PostMixture_WithABadField_Is400_NamingIt(string json, string field)
    {
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsync("/api/datasets/blend/mixtures", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), errors.ToString());
    }

    [Fact]
    public async Task AMixtureOfAVersionNotSeenFinished_Is400_NamingIt_AndNothingIsSent()
    {
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/datasets/unseen/mixtures", new
        {
            components = new[] { new { dataset = "ghost", version = "00000000abcd", weight = 1.0 } }, tokenBudget = 100,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("no finished dataset version ghost@00000000abcd", errors.GetProperty("components")[0].GetString());
        Assert.DoesNotContain(gateway.Sent.Mixtures, c => c.Dataset == "unseen");
    }

    [Fact]
    public async Task AMixtureBudgetPastTheEpochLimit_Is400_NamingTheLargestThatFits()
    {
        await gateway.AnnounceVersionAsync("tiny", "0000000000f1", tokens: 93_000);
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/datasets/huge/mixtures", new
        {
            components = new[] { new { dataset = "tiny", version = "0000000000f1", weight = 1.0 } }, tokenBudget = 1_000_000_000_000,
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("tokenBudget")[0].GetString();
        Assert.Contains("more than 16 epochs of its 93,000 training tokens", problem);
        Assert.EndsWith("(at most 1,488,000 tokens)", problem);
        Assert.DoesNotContain(gateway.Sent.Mixtures, c => c.Dataset == "huge");
    }

    [Fact]
    public async Task Post_WithAReaderKey_Is403()
    {
        using var response = await gateway.Client(GatewayTestHost.ReaderKey).PostAsJsonAsync("/api/datasets/ds/versions",
            new { corpora = new[] { "web" }, recipe = "none" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task AnnouncedVersions_AreListed_WithTheirCounts_AndADoneVersionServesItsManifestAndDatasheet()
    {
        const string root = "datasets/web-clean/0123456789ab/";
        var manifest = await gateway.Store.PutAsync(root + "manifest.json", new MemoryStream("{\"version\":\"0123456789ab\"}"u8.ToArray()));
        await gateway.Store.PutAsync(root + "datasheet.md", new MemoryStream("# Datasheet: web-clean"u8.ToArray()));

        await gateway.Bus.Publish(new Refinery.Contracts.Curation.DatasetVersionCreated
        {
            Dataset = "web-clean", Version = "0123456789ab", Manifest = manifest, Documents = 100, KeptDocuments = 40, Tokens = 9000, ValidationTokens = 90,
        });
        await gateway.Bus.Publish(new Refinery.Contracts.Curation.DatasetVersionFailed
            { Dataset = "web-clean", Version = "ba9876543210", Reason = "part 1: signals/web/00001.rpv2.parquet holds x where docs/web/00001.jsonl.zst has y" });

        var list = await gateway.EventuallyAsync("/api/datasets/web-clean/versions", l => l.GetArrayLength() == 2);
        var done = list.EnumerateArray().Single(v => v.GetProperty("version").GetString() == "0123456789ab");
        Assert.Equal(("done", 100L, 40L, 9000L), (done.GetProperty("stage").GetString(), done.GetProperty("documents").GetInt64(),
            done.GetProperty("keptDocuments").GetInt64(), done.GetProperty("tokens").GetInt64()));
        Assert.Equal(manifest.Sha256, done.GetProperty("manifest").GetProperty("sha256").GetString());
        var failed = await gateway.EventuallyAsync("/api/datasets/web-clean/versions/ba9876543210", _ => true);
        Assert.Equal("failed", failed.GetProperty("stage").GetString());
        Assert.StartsWith("part 1: signals/web/00001.rpv2.parquet", failed.GetProperty("error").GetString());

        using var client = gateway.Client();
        Assert.Equal("{\"version\":\"0123456789ab\"}", await client.GetStringAsync("/api/datasets/web-clean/versions/0123456789ab/manifest"));
        Assert.Equal("# Datasheet: web-clean", await client.GetStringAsync("/api/datasets/web-clean/versions/0123456789ab/datasheet"));
        using var notDone = await client.GetAsync("/api/datasets/web-clean/versions/ba9876543210/manifest");
        Assert.Equal(HttpStatusCode.NotFound, notDone.StatusCode);
        using var badVersion = await client.GetAsync("/api/datasets/web-clean/versions/latest");
        Assert.Equal(HttpStatusCode.BadRequest, badVersion.StatusCode);
    }

    [Fact]
    public async Task AFailureAfterAVersionIsDone_LeavesItDone()
    {
        var manifest = new Refinery.Contracts.ObjectRef { Bucket = "refinery", Key = "datasets/kept/00000000000a/manifest.json", Sha256 = new string('a', 64), Length = 10 };
        await gateway.Bus.Publish(new Refinery.Contracts.Curation.DatasetVersionCreated
            { Dataset = "kept", Version = "00000000000a", Manifest = manifest, Documents = 1, KeptDocuments = 1, Tokens = 1, ValidationTokens = 0 });
        await gateway.EventuallyAsync("/api/datasets/kept/versions/00000000000a", v => v.GetProperty("stage").GetString() == "done");

        await gateway.Bus.Publish(new Refinery.Contracts.Curation.DatasetVersionFailed { Dataset = "kept", Version = "00000000000a", Reason = "late" });
        await gateway.Bus.Publish(new Refinery.Contracts.Curation.DatasetVersionFailed { Dataset = "kept", Version = "00000000000b", Reason = "other" });
        await gateway.EventuallyAsync("/api/datasets/kept/versions", l => l.GetArrayLength() == 2);

        var status = await gateway.EventuallyAsync("/api/datasets/kept/versions/00000000000a", _ => true);
        Assert.Equal("done", status.GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.Null, status.GetProperty("error").ValueKind);
    }

    private async Task<(string Status, Guid RequestId)> RequestVersionAsync(string dataset)
    {
        await gateway.KnownCorpusAsync("web");
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync($"/api/datasets/{dataset}/versions",
            new { corpora = new[] { "web" }, recipe = "none", tokenizer = "bytes" });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (response.Headers.Location!.ToString(), body.GetProperty("requestId").GetGuid());
    }

    [Fact]
    public async Task TheRequestUrl_ShowsRequested_ThenTheVersionAndManifestOfTheEventNamingIt()
    {
        var (status, requestId) = await RequestVersionAsync("answered");
        Assert.Equal("requested", (await gateway.EventuallyAsync(status, _ => true)).GetProperty("stage").GetString());

        // Another request's answer for the same dataset leaves this one waiting.
        var manifest = new Refinery.Contracts.ObjectRef { Bucket = "refinery", Key = "datasets/answered/0123456789ab/manifest.json", Sha256 = new string('d', 64), Length = 42 };
        await gateway.Bus.Publish(new Refinery.Contracts.Curation.DatasetVersionCreated
        {
            Dataset = "answered", Version = "ba9876543210", Manifest = manifest with { Key = "datasets/answered/ba9876543210/manifest.json" },
            Documents = 1, KeptDocuments = 1, Tokens = 1, ValidationTokens = 0, RequestId = Guid.NewGuid(),
        });
        await gateway.EventuallyAsync("/api/datasets/answered/versions/ba9876543210", _ => true);
        Assert.Equal("requested", (await gateway.EventuallyAsync(status, _ => true)).GetProperty("stage").GetString());

        await gateway.Bus.Publish(new Refinery.Contracts.Curation.DatasetVersionCreated
        {
            Dataset = "answered", Version = "0123456789ab", Manifest = manifest, Documents = 10, KeptDocuments = 4, Tokens = 90, ValidationTokens = 1,
            RequestId = requestId,
        });

        var done = await gateway.EventuallyAsync(status, s => s.GetProperty("stage").GetString() == "done");
        Assert.Equal(("0123456789ab", "version", requestId), (done.GetProperty("version").GetString(), done.GetProperty("kind").GetString(),
            done.GetProperty("id").GetGuid()));
        Assert.Equal((manifest.Key, manifest.Sha256), (done.GetProperty("manifest").GetProperty("key").GetString(),
            done.GetProperty("manifest").GetProperty("sha256").GetString()));
    }

    [Fact]
    public async Task ARequestWhoseVersionFails_ShowsFailed_WithTheVersionAndReason()
    {
        var (status, requestId) = await RequestVersionAsync("broken");

        await gateway.Bus.Publish(new Refinery.Contracts.Curation.DatasetVersionFailed
            { Dataset = "broken", Version = "00000000000c", Reason = "part 2: the store went away", RequestId = requestId });

        var failed = await gateway.EventuallyAsync(status, s => s.GetProperty("stage").GetString() == "failed");
        Assert.Equal(("00000000000c", "part 2: the store went away"), (failed.GetProperty("version").GetString(), failed.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task ARequestTheServiceRefuses_ShowsFailed_WithTheReason()
    {
        var (status, _) = await RequestVersionAsync("doomed");

        var failed = await gateway.EventuallyAsync(status, s => s.GetProperty("stage").GetString() == "failed");
        Assert.Contains("has no document shards", failed.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, failed.GetProperty("version").ValueKind);
        // A request refused before naming a version leaves no version behind.
        Assert.Equal(0, (await gateway.Client().GetFromJsonAsync<JsonElement>("/api/datasets/doomed/versions")).GetArrayLength());
    }

    [Fact]
    public async Task AMixtureTheServiceRefuses_ShowsFailed_WithTheReason()
    {
        await gateway.AnnounceVersionAsync("web", "0123456789ab", tokens: 1_000_000);
        using var response = await gateway.Client(GatewayTestHost.WriterKey).PostAsJsonAsync("/api/datasets/doomed/mixtures", new
        {
            components = new[] { new { dataset = "web", version = "0123456789ab", weight = 1.0 } }, tokenBudget = 100,
        });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        var failed = await gateway.EventuallyAsync(response.Headers.Location!.ToString(), s => s.GetProperty("stage").GetString() == "failed");
        Assert.Equal(("mixture", "request: the components were tokenized differently (gpt2, bytes)"), (failed.GetProperty("kind").GetString(), failed.GetProperty("error").GetString()));
    }

    [Theory]
    [InlineData("/api/datasets/answered/requests/00000000-0000-0000-0000-000000000001", HttpStatusCode.NotFound)]
    [InlineData("/api/datasets/Bad%20Name/requests/00000000-0000-0000-0000-000000000001", HttpStatusCode.BadRequest)]
    public async Task GetRequest_UnknownOrInvalid_IsAProblem(string url, HttpStatusCode expected)
    {
        using var response = await gateway.Client().GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ARequest_IsNotFoundUnderAnotherDataset()
    {
        var (_, requestId) = await RequestVersionAsync("owner");

        using var response = await gateway.Client().GetAsync($"/api/datasets/other/requests/{requestId}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
