using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Refinery.Contracts.Ingestion;
using Refinery.TestSupport;

namespace Refinery.Host.Tests.Embedded;

/// <summary>Every request the gateway accepts (202) ends: for each reason the Curation service refuses one (a misspelt
/// signal, a recipe nested too deep), its status
/// URL turns failed with a reason naming the problem, and the event stream carries exactly one DatasetVersionFailed
/// for it. The whole embedded platform runs in this process, as `refinery serve` runs it.</summary>
public sealed class RefusedRequestsEndTests() : EmbeddedPlatformTest("refused")
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var documents = Path.Combine(DataDir, "docs.jsonl");
        await File.WriteAllLinesAsync(documents, (await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz")).Take(60)
            .Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text, url = d.Url })));
        await Platform.IngestAsync("small", [documents], new IngestSettings { DetectLanguage = false }, _ => { }, CancellationToken.None);
    }

    [Fact]
    public async Task EachRefusalReason_EndsInAFailedStatus_AndExactlyOneFailedEvent()
    {
        using var events = await Http.GetStreamAsync("/api/events?type=DatasetVersionFailed");
        using var frames = new StreamReader(events);
        Assert.Equal(": connected", await frames.ReadLineAsync());

        var requests = new (string Path, object Body, string Problem)[]
        {
            ("/api/datasets/typo/versions", new { corpora = new[] { "small" }, recipe = "keep doc when rps_doc_wordcount > 50" },
                "unknown signal 'rps_doc_wordcount' (did you mean 'rps_doc_word_count'?)"),
            ("/api/datasets/deep/versions", new { corpora = new[] { "small" }, recipe = "keep doc when " + new string('(', 5000) + "true" + new string(')', 5000) },
                "nest more than"),
        };
        var statusUrls = new List<string>();
        foreach (var (path, body, _) in requests)
        {
            using var accepted = await Http.PostAsJsonAsync(path, body);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            statusUrls.Add(accepted.Headers.Location!.ToString());
        }

        for (var i = 0; i < requests.Length; i++)
        {
            var status = await FinalStatusAsync(statusUrls[i]);
            Assert.Equal("failed", status.GetProperty("stage").GetString());
            Assert.Contains(requests[i].Problem, status.GetProperty("error").GetString());
        }
        // What the gateway can tell at once is refused before acceptance: a corpus nobody submitted (the services would
        // wait for its ingestion), and a mixture of a version it never saw finished.
        using var nowhere = await Http.PostAsJsonAsync("/api/datasets/nowhere/versions", new { corpora = new[] { "small", "no-such-corpus" }, recipe = "none" });
        Assert.Equal(HttpStatusCode.BadRequest, nowhere.StatusCode);
        Assert.Contains("corpora[1]", await nowhere.Content.ReadAsStringAsync());
        Assert.Contains("no corpus 'no-such-corpus' has been submitted", await nowhere.Content.ReadAsStringAsync());
        using var mixture = await Http.PostAsJsonAsync("/api/datasets/blend/mixtures",
            new { components = new[] { new { dataset = "ghost", version = "0123456789ab", weight = 1.0 } }, tokenBudget = 1000 });
        Assert.Equal(HttpStatusCode.BadRequest, mixture.StatusCode);
        Assert.Contains("no finished dataset version ghost@0123456789ab", await mixture.Content.ReadAsStringAsync());

        var failedIds = new List<string>();
        using var enough = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (failedIds.Count < requests.Length && await frames.ReadLineAsync(enough.Token) is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal))
                failedIds.Add(JsonDocument.Parse(line[6..]).RootElement.GetProperty("requestId").GetString()!);
        Assert.Equal(statusUrls.Select(u => u[(u.LastIndexOf('/') + 1)..]).Order(), failedIds.Order());
    }

    [Fact]
    public async Task ADedupOnlyVersion_RequestedBeforeAnyDedup_AsksForIt_AndEndsDone()
    {
        using var accepted = await Http.PostAsJsonAsync("/api/datasets/undeduped/versions", new { corpora = new[] { "small" }, recipe = "dedup-only" });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        var status = await FinalStatusAsync(accepted.Headers.Location!.ToString());

        Assert.Equal("done", status.GetProperty("stage").GetString());
        Assert.NotNull(status.GetProperty("version").GetString());
        // The dedup the version asked for is the one its recipe reads: the default options at RPv2's 0.8.
        var dedup = await Http.GetFromJsonAsync<JsonElement>("/api/corpora/small/dedup/rpv2-0.8");
        Assert.Equal("done", dedup.GetProperty("stage").GetString());
    }

    private async Task<JsonElement> FinalStatusAsync(string url)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var status = await Http.GetFromJsonAsync<JsonElement>(url);
            if (status.GetProperty("stage").GetString() is not ("requested" or "waiting")) return status;
            await Task.Delay(100);
        }
        throw new TimeoutException($"{url} never left 'requested'");
    }
}
