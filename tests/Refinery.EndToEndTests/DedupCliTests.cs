using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using Refinery.TestSupport;

namespace Refinery.EndToEndTests;

/// <summary>`refinery dedup` as a user runs it: the stable offline contract.</summary>
public sealed class DedupCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "refinery-dedup-cli-" + Guid.NewGuid().ToString("N"));
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public DedupCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("1.0", 1, 128)]
    [InlineData("0.9", 5, 25)]
    [InlineData("0.8", 9, 13)]
    [InlineData("0.7", 14, 9)]
    public async Task GoldenDocuments_GiveRpv2sLshClusters_AtEveryThreshold(string threshold, int bands, int rows)
    {
        var output = Path.Combine(_dir, $"clusters-{threshold}.jsonl");

        var result = await CliProcess.RunAsync(Patience, "dedup", SharedData.Path("golden", "signals_dev_docs.jsonl.gz"),
            "--threshold", threshold, "-o", output, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var summary = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal((1390L, bands, rows), (summary.GetProperty("documents").GetInt64(), summary.GetProperty("bands").GetInt32(),
            summary.GetProperty("rows").GetInt32()));
        var expected = File.ReadLines(SharedData.Path("golden", "lsh_dev_expected.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("similarity").GetDouble() == double.Parse(threshold, CultureInfo.InvariantCulture))
            .Select(e => (e.GetProperty("id").GetString(), e.GetProperty("cluster_id").GetUInt64()))
            .Order().ToList();
        Assert.NotEmpty(expected);
        var actual = File.ReadLines(output).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("id").GetString(), e.GetProperty("cluster_id").GetUInt64())).Order().ToList();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task ExplicitBandsAndRows_OverrideTheThresholdsLayout()
    {
        var output = Path.Combine(_dir, "clusters-1x128.jsonl");

        // RPv2's 1.0 layout asked for at threshold 0.7: the clusters are the golden ones of 1.0, not of 0.7.
        var result = await CliProcess.RunAsync(Patience, "dedup", SharedData.Path("golden", "signals_dev_docs.jsonl.gz"),
            "--threshold", "0.7", "--bands", "1", "--rows", "128", "-o", output, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var summary = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal((1, 128), (summary.GetProperty("bands").GetInt32(), summary.GetProperty("rows").GetInt32()));
        var golden = File.ReadLines(SharedData.Path("golden", "lsh_dev_expected.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("similarity").GetDouble() == 1.0)
            .Select(e => (e.GetProperty("id").GetString(), e.GetProperty("cluster_id").GetUInt64())).Order().ToList();
        Assert.Equal(golden, File.ReadLines(output).Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("id").GetString(), e.GetProperty("cluster_id").GetUInt64())).Order().ToList());
        var tooMany = await CliProcess.RunAsync(Patience, "dedup", SharedData.Path("golden", "signals_dev_docs.jsonl.gz"),
            "--threshold", "0.7", "--bands", "20", "--rows", "9", "-o", output);
        Assert.NotEqual(0, tooMany.ExitCode);
        Assert.Contains("at most --perms (128)", tooMany.Stderr);
    }

    [Fact]
    public async Task StoredSignatures_InRpv2sMinhashLayout_GiveTheSameClustersAsTheTexts()
    {
        var docs = SharedData.Path("golden", "signals_dev_docs.jsonl.gz");
        var shard = Path.Combine(_dir, "signals.parquet");
        var signals = await CliProcess.RunAsync(Patience, "signals", docs, "--format", "parquet", "-o", shard, "--json");
        Assert.True(signals.ExitCode == 0, signals.Stderr);

        foreach (var threshold in new[] { "1.0", "0.9", "0.8", "0.7" })
        {
            var fromTexts = Path.Combine(_dir, $"texts-{threshold}.jsonl");
            var fromBands = Path.Combine(_dir, $"bands-{threshold}.jsonl");
            var a = await CliProcess.RunAsync(Patience, "dedup", docs, "--threshold", threshold, "-o", fromTexts, "--json");
            var b = await CliProcess.RunAsync(Patience, "dedup", shard, "--minhash", "--threshold", threshold, "-o", fromBands, "--json");

            Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Stderr + b.Stderr);
            Assert.NotEmpty(File.ReadAllLines(fromBands));
            Assert.Equal(await File.ReadAllTextAsync(fromTexts), await File.ReadAllTextAsync(fromBands));
        }
    }

    [Fact]
    public async Task LabelledNearDuplicates_Cluster_AndEachClusterKeepsExactlyOne()
    {
        var output = Path.Combine(_dir, "neardup.jsonl");
        var docs = SharedData.Path("dedup", "dev_neardup_docs.jsonl.gz");

        var result = await CliProcess.RunAsync(Patience, "dedup", docs, "--threshold", "0.8", "--exact", "--verify", "-o", output, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = File.ReadLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(lines.GroupBy(l => l.GetProperty("cluster_id").GetUInt64()),
            cluster => Assert.Equal(1, cluster.Count(l => l.GetProperty("keep").GetBoolean())));
        // Every "exact" variant of the benchmark is found as an exact duplicate of its source.
        var labels = ReadLabels(docs);
        var byId = lines.ToDictionary(l => l.GetProperty("id").GetString()!);
        var exactVariants = labels.Where(l => l.Transform == "exact").ToList();
        Assert.NotEmpty(exactVariants);
        Assert.All(exactVariants, v =>
        {
            Assert.True(byId.TryGetValue(v.Id, out var line), $"{v.Id} is not in a cluster");
            Assert.Equal("exact", line.GetProperty("kind").GetString());
            Assert.Equal(line.GetProperty("cluster_id").GetUInt64(), byId[v.SourceId!].GetProperty("cluster_id").GetUInt64());
        });
    }

    [Fact]
    public async Task QualityBench_ReportsEveryThreshold_AndLshFindsMostPairsAboveTheThreshold()
    {
        var result = await CliProcess.RunAsync(Patience, "bench", "dedup-quality", "--docs", SharedData.Path("dedup", "dev_neardup_docs.jsonl.gz"),
            "--pairs", SharedData.Path("dedup", "dev_neardup_pairs.jsonl.gz"), "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(8, rows.Count);
        foreach (var row in rows)
        {
            // LSH at RPv2's settings: few false links between labelled clusters, and most pairs whose true Jaccard
            // reaches the threshold found (the S-curve misses some just above it).
            Assert.True(row.GetProperty("precision").GetDouble() >= 0.95, row.ToString());
            Assert.True(row.GetProperty("recallAboveThreshold").GetDouble() >= 0.85, row.ToString());
        }
    }

    [Fact]
    public async Task AnExactIndex_MarksTextsOfAnEarlierRun_AndARerunGivesTheSameOutput()
    {
        var lines = ReadLines(SharedData.Path("dedup", "dev_neardup_docs.jsonl.gz"));
        var first = Path.Combine(_dir, "first.jsonl");
        var second = Path.Combine(_dir, "second.jsonl");
        await File.WriteAllLinesAsync(first, lines.Take(400));
        // The second corpus repeats 100 documents of the first under new ids.
        await File.WriteAllLinesAsync(second, lines.Skip(300).Take(100).Select(l => l.Replace("\"id\": \"dev-", "\"id\": \"again-"))
            .Concat(lines.Skip(400)));
        var index = Path.Combine(_dir, "index");

        async Task<JsonElement> DedupAsync(string input, string output)
        {
            var result = await CliProcess.RunAsync(Patience, "dedup", input, "--threshold", "0.8", "--exact", "--index", index, "-o", output, "--json");
            Assert.True(result.ExitCode == 0, result.Stderr);
            return JsonDocument.Parse(result.Stdout).RootElement;
        }

        var run1 = await DedupAsync(first, Path.Combine(_dir, "out1.jsonl"));
        var rerun = await DedupAsync(first, Path.Combine(_dir, "out1-again.jsonl"));
        var run2 = await DedupAsync(second, Path.Combine(_dir, "out2.jsonl"));

        Assert.Equal(0, run1.GetProperty("seen_in_earlier_corpora").GetInt64());
        Assert.Equal((0L, 0L), (rerun.GetProperty("seen_in_earlier_corpora").GetInt64(), rerun.GetProperty("added_to_index").GetInt64()));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(_dir, "out1.jsonl")), await File.ReadAllTextAsync(Path.Combine(_dir, "out1-again.jsonl")));
        var repeated = File.ReadLines(Path.Combine(_dir, "out2.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("id").GetString()!.StartsWith("again-", StringComparison.Ordinal)).ToList();
        Assert.Equal(100, repeated.Count);
        Assert.All(repeated, e =>
        {
            Assert.False(e.GetProperty("keep").GetBoolean());
            Assert.True(e.TryGetProperty("earlier_id_int", out _));
        });
    }

    [Fact]
    public async Task BloomMode_FindsTheExactCopies_ThatTheExactSetFinds()
    {
        var docs = SharedData.Path("dedup", "dev_neardup_docs.jsonl.gz");
        var set = Path.Combine(_dir, "set.jsonl");
        var bloom = Path.Combine(_dir, "bloom.jsonl");

        var a = await CliProcess.RunAsync(Patience, "dedup", docs, "--threshold", "0.8", "--exact", "-o", set, "--json");
        var b = await CliProcess.RunAsync(Patience, "dedup", docs, "--threshold", "0.8", "--exact", "--exact-mode", "bloom", "--fp-rate", "0.0001", "-o", bloom, "--json");

        Assert.True(a.ExitCode == 0 && b.ExitCode == 0, a.Stderr + b.Stderr);
        static HashSet<string> Copies(string path) => File.ReadLines(path).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("kind").GetString() == "exact" && !e.GetProperty("keep").GetBoolean())
            .Select(e => e.GetProperty("id").GetString()!).ToHashSet();
        var exactCopies = Copies(set);
        Assert.NotEmpty(exactCopies);
        Assert.Superset(exactCopies, Copies(bloom));
    }

    [Fact]
    public async Task TheExactKey_DecidesWhichCopiesAreExact_NormalisedRawOrUrl()
    {
        // Real pages: the first as it is, again in upper case (the same normalised text), again with a different URL,
        // and a second page that shares the first one's URL.
        var pages = ReadLines(SharedData.Path("dedup", "dev_neardup_docs.jsonl.gz")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("transform").GetString() == "original").Take(2).Select(e => e.GetProperty("text").GetString()!).ToList();
        var input = Path.Combine(_dir, "keys.jsonl");
        File.WriteAllLines(input,
        [
            JsonSerializer.Serialize(new { id = "page", text = pages[0], url = "https://example.org/a" }),
            JsonSerializer.Serialize(new { id = "shouting", text = pages[0].ToUpperInvariant(), url = "https://example.org/b" }),
            JsonSerializer.Serialize(new { id = "mirror", text = pages[0], url = "https://mirror.example.org/a" }),
            JsonSerializer.Serialize(new { id = "other", text = pages[1], url = "https://example.org/a" }),
        ]);
        async Task<Dictionary<string, string>> KindsAsync(string key)
        {
            var output = Path.Combine(_dir, $"keys-{key}.jsonl");
            var r = await CliProcess.RunAsync(Patience, "dedup", input, "--threshold", "0.8", "--exact", "--exact-key", key, "-o", output, "--json");
            Assert.True(r.ExitCode == 0, r.Stderr);
            return File.ReadLines(output).Select(l => JsonDocument.Parse(l).RootElement)
                .ToDictionary(e => e.GetProperty("id").GetString()!, e => e.GetProperty("kind").GetString()!);
        }

        Assert.Equal(new Dictionary<string, string> { ["page"] = "exact", ["shouting"] = "exact", ["mirror"] = "exact" }, await KindsAsync("normalized"));
        Assert.Equal(new Dictionary<string, string> { ["page"] = "exact", ["shouting"] = "near", ["mirror"] = "exact" }, await KindsAsync("raw"));
        Assert.Equal(new Dictionary<string, string> { ["page"] = "exact", ["shouting"] = "near", ["mirror"] = "near", ["other"] = "exact" },
            await KindsAsync("url"));
    }

    [Fact]
    public async Task KeepBySignal_KeepsTheClusterMemberWithTheMostWords()
    {
        var docs = SharedData.Path("dedup", "dev_neardup_docs.jsonl.gz");
        var signals = Path.Combine(_dir, "signals.jsonl");
        var output = Path.Combine(_dir, "keep.jsonl");
        var s = await CliProcess.RunAsync(Patience, "signals", docs, "-o", signals, "--json");
        Assert.True(s.ExitCode == 0, s.Stderr);

        var d = await CliProcess.RunAsync(Patience, "dedup", docs, "--threshold", "0.7", "--keep", "max:rps_doc_word_count", "--signals", signals, "-o", output, "--json");

        Assert.True(d.ExitCode == 0, d.Stderr);
        var words = File.ReadLines(signals).Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(
            e => e.GetProperty("id").GetString()!, e => e.GetProperty("quality_signals").GetProperty("rps_doc_word_count")[0][2].GetDouble());
        var clusters = File.ReadLines(output).Select(l => JsonDocument.Parse(l).RootElement).GroupBy(e => e.GetProperty("cluster_id").GetUInt64()).ToList();
        Assert.NotEmpty(clusters);
        Assert.All(clusters, cluster =>
        {
            var kept = Assert.Single(cluster, e => e.GetProperty("keep").GetBoolean());
            Assert.Equal(cluster.Max(e => words[e.GetProperty("id").GetString()!]), words[kept.GetProperty("id").GetString()!]);
        });
    }

    private static List<string> ReadLines(string gz)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gz), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    private sealed record Label(string Id, string? SourceId, string Transform);

    private static List<Label> ReadLabels(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var labels = new List<Label>();
        while (reader.ReadLine() is { } line)
        {
            var e = JsonDocument.Parse(line).RootElement;
            labels.Add(new Label(e.GetProperty("id").GetString()!,
                e.GetProperty("source_id").ValueKind == JsonValueKind.String ? e.GetProperty("source_id").GetString() : null,
                e.GetProperty("transform").GetString()!));
        }
        return labels;
    }
}
