using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Refinery.TestSupport;

namespace Refinery.Host.Tests.Embedded;

/// <summary>A corpus, its dedup and a dataset version posted one right after the other, as a script would: all three
/// are accepted, end done, and the dedup and the version count every document the ingestion accepted. (In one process
/// the ingestion usually outruns the signals, so whether a reader would have read a half-written corpus is shown
/// deterministically by the Dedup and Curation wait tests, which hold the corpus at "ingesting".) The whole embedded
/// platform runs in this process, as `refinery serve` runs it.</summary>
public sealed class PostedAtOnceTests() : EmbeddedPlatformTest("at-once")
{
    [Fact]
    public async Task IngestDedupAndVersion_PostedAtOnce_ReadTheWholeCorpus()
    {
        var documents = await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz");
        var lines = string.Join("\n", documents.Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text, url = d.Url }))) + "\n";
        using var upload = new MultipartFormDataContent
        {
            { new StringContent("at-once"), "name" },
            // Many small shards, so a reader that did not wait would see only the first few.
            { new StringContent("50"), "shardDocuments" },
            { new StringContent("false"), "detectLanguage" },
            { new ByteArrayContent(Encoding.UTF8.GetBytes(lines)), "files", "docs.jsonl" },
        };

        using var corpus = await Http.PostAsync("/api/corpora", upload);
        using var dedup = await Http.PostAsJsonAsync("/api/corpora/at-once/dedup", new { threshold = 0.8 });
        using var version = await Http.PostAsJsonAsync("/api/datasets/at-once/versions", new { corpora = new[] { "at-once" }, recipe = "dedup-only" });
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.Accepted), (corpus.StatusCode, dedup.StatusCode, version.StatusCode));

        var ingested = await FinalAsync(corpus.Headers.Location!.ToString(), "ingested");
        var deduplicated = await FinalAsync(dedup.Headers.Location!.ToString(), "done");
        var request = await FinalAsync(version.Headers.Location!.ToString(), "done");
        var cut = await Http.GetFromJsonAsync<JsonElement>($"/api/datasets/at-once/versions/{request.GetProperty("version").GetString()}");

        var accepted = ingested.GetProperty("accepted").GetInt64();
        Assert.Equal(documents.Count, ingested.GetProperty("read").GetInt64());
        Assert.True(ingested.GetProperty("shardCount").GetInt32() >= 20);
        Assert.Equal(accepted, deduplicated.GetProperty("documents").GetInt64());
        Assert.Equal(accepted, cut.GetProperty("documents").GetInt64());
        Assert.Equal(accepted - deduplicated.GetProperty("removed").GetInt64(), cut.GetProperty("keptDocuments").GetInt64());
    }

    /// <summary>Polls a status URL, at most 3 minutes, until its stage is <paramref name="stage"/> (failing at once on "failed").</summary>
    private async Task<JsonElement> FinalAsync(string url, string stage)
    {
        for (var deadline = DateTime.UtcNow.AddMinutes(3); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            var status = await Http.GetFromJsonAsync<JsonElement>(url);
            var now = status.GetProperty("stage").GetString();
            Assert.True(now != "failed", $"{url} failed: {status}");
            if (now == stage) return status;
        }
        throw new TimeoutException($"{url} never reached '{stage}'");
    }
}
