using System.Security.Cryptography;
using System.Text.Json;
using Refinery.TestSupport;

namespace Refinery.EndToEndTests;

/// <summary>`refinery ingest` on the embedded default, as a user runs it.</summary>
public sealed class IngestCliTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "refinery-cli-" + Guid.NewGuid().ToString("N"));
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private Task<CliProcess.Result> IngestAsync(params string[] paths) =>
        CliProcess.RunAsync(Patience, ["ingest", .. paths, "--name", "mixed", "--data-dir", _dataDir, "--shard-documents", "100", "--json"]);

    [Fact]
    public async Task IngestJson_ReportsCountsByReason_AndLanguages()
    {
        var result = await IngestAsync(SharedData.Path("web", "dev_dolma_cc_licensed_pages.jsonl.gz"),
            SharedData.Path("web", "warc", "resiliparse_cc_sample.warc.gz"), SharedData.Path("web", "warc", "ccnet_sample.wet.txt"));

        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        var read = json.GetProperty("read").GetInt64();
        Assert.Equal(read, json.GetProperty("accepted").GetInt64() + json.GetProperty("rejected").GetInt64());
        // 355 JSONL documents (17 more have empty text), 16 WARC pages, 3 WET records.
        Assert.Equal(374, json.GetProperty("accepted").GetInt64());
        Assert.Equal(17, json.GetProperty("rejectedByReason").GetProperty("empty_text").GetInt64());
        Assert.InRange(json.GetProperty("languages").GetProperty("en").GetInt64(), 150, 190);
        Assert.Equal((int)Math.Ceiling(json.GetProperty("accepted").GetInt64() / 100.0), json.GetProperty("shards").GetInt32());
    }

    [Fact]
    public async Task SameIngestTwice_GivesTheSameShardBytes()
    {
        var input = SharedData.Path("web", "dev_dolma_cc_licensed_pages.jsonl.gz");
        var first = await IngestAsync(input);
        var hashesAfterFirst = ShardHashes();
        var second = await IngestAsync(input);

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Stderr + second.Stderr);
        Assert.Equal(4, hashesAfterFirst.Count);
        Assert.Equal(hashesAfterFirst, ShardHashes());
        Assert.Equal(JsonDocument.Parse(first.Stdout).RootElement.GetProperty("accepted").GetInt64(),
            JsonDocument.Parse(second.Stdout).RootElement.GetProperty("accepted").GetInt64());
    }

    [Fact]
    public async Task OtherFilesUnderATakenName_AreRefusedWith409_AndTheShardsStay()
    {
        var first = await IngestAsync(SharedData.Path("web", "warc", "ccnet_sample.wet.txt"));
        var hashesAfterFirst = ShardHashes();

        var other = await IngestAsync(SharedData.Path("web", "dev_dolma_boilerplate_pages.jsonl"));

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal(1, other.ExitCode);
        Assert.Contains("409", other.Stderr);
        Assert.Contains("'mixed'", other.Stderr);
        Assert.Equal(hashesAfterFirst, ShardHashes());
    }

    [Fact]
    public async Task MissingInput_FailsWithAMessageNamingTheFile()
    {
        var result = await IngestAsync("/nonexistent/input.jsonl");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/nonexistent/input.jsonl", result.Stderr);
    }

    private SortedDictionary<string, string> ShardHashes()
    {
        var dir = Path.Combine(_dataDir, "objects", "refinery", "docs", "mixed");
        return new SortedDictionary<string, string>(Directory.EnumerateFiles(dir, "*.jsonl.zst")
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))))!, StringComparer.Ordinal);
    }
}
