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
