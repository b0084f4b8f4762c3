using System.Text.Json;
using System.Text.RegularExpressions;
using Refinery.TestSupport;
using Xunit.Abstractions;

namespace Refinery.EndToEndTests;

/// <summary>Dedup on the real RabbitMQ, PostgreSQL and S3: two Dedup processes share a job's shards and partitions,
/// and the clusters they produce (exact and near) equal `refinery dedup --exact` run in one process over the same
/// document shards.</summary>
public sealed partial class DedupProcessesTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task TwoDedupProcesses_ShareThePartitions_AndTheClustersEqualOneProcess()
    {
        await using var platform = await SignalsPlatform.StartAsync("dedup", signalsProcesses: 1, dedupProcesses: 2);
        await platform.SubmitCorpusAsync("dedup", "dev_neardup_docs.jsonl.gz");
        await platform.WaitForAllSignalsAsync(Patience);

        var done = await platform.DeduplicateAsync(0.7, Patience);

        var actual = await ClustersAsync(platform, done);
        Assert.True(actual.Count > 50, $"only {actual.Count} clustered documents");
        Assert.Equal(await OneProcessAsync(platform, "0.7"), actual);
        var linked = platform.Dedup.Select(p => Partitions(Committed(), p.Output)).ToList();
        output.WriteLine($"partitions linked per process: {string.Join(" | ", linked.Select(l => string.Join(",", l.Order())))}");
        // Every partition committed once, by one of the two, and each process committed some.
        Assert.Equal(Enumerable.Range(0, 6), linked.SelectMany(l => l).Order());
        Assert.All(linked, l => Assert.NotEmpty(l));
    }

    [Fact]
    public async Task ADedupProcessKilledWhileLinking_TheSurvivorFinishes_WithTheSameVerifiedClusters()
    {
        await using var platform = await SignalsPlatform.StartAsync("dedup-kill", signalsProcesses: 1, dedupProcesses: 2);
        await platform.SubmitCorpusAsync("dedup", "dev_neardup_docs.jsonl.gz");
        await platform.WaitForAllSignalsAsync(Patience);
        var victim = platform.Dedup[0];

        var dedup = platform.DeduplicateAsync(0.8, Patience, verify: true);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!Linked().IsMatch(victim.Output) && !dedup.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(5);
        await victim.KillAsync();
        var done = await dedup;

        // The victim died mid-link: it had started a partition it never committed. That command came back to the
        // queue, and the survivor linked and committed the partition.
        var unfinished = Partitions(Linked(), victim.Output).Except(Partitions(Committed(), victim.Output)).ToList();
        output.WriteLine($"victim started partitions [{string.Join(",", Partitions(Linked(), victim.Output))}], died holding [{string.Join(",", unfinished)}]");
        Assert.True(unfinished.Count > 0, "the victim was not linking a partition when it was killed:\n" + victim.Output);
        var survivor = platform.Dedup[1];
        Assert.All(unfinished, partition => Assert.Contains(partition, Partitions(Committed(), survivor.Output)));
        Assert.Equal("rpv2-0.8-verify", done.GetProperty("config").GetString());
        Assert.Equal(await OneProcessAsync(platform, "0.8", "--verify"), await ClustersAsync(platform, done));
    }

    [GeneratedRegex(@"Linking partition (\d+) of dedup job")]
    private static partial Regex Linked();

    [GeneratedRegex(@"Dedup job \S+: partition (\d+) linked")]
    private static partial Regex Committed();

    private static List<int> Partitions(Regex pattern, string log) =>
        pattern.Matches(log).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();

    /// <summary>(id, cluster_id, kind, keep) of every clustered document in the service's clusters.parquet, sorted.</summary>
    private static async Task<List<(string, ulong, string, bool)>> ClustersAsync(SignalsPlatform platform, JsonElement done)
    {
        var key = done.GetProperty("clusters").GetProperty("key").GetString()!;
        using var buffer = new MemoryStream();
        await using (var stream = await platform.Store().OpenReadAsync(key)) await stream.CopyToAsync(buffer);
        buffer.Position = 0;
        var rows = (await Refinery.Quality.Formats.ClustersFile.ReadAsync(buffer)).Select(r => (r.Id, r.ClusterId, r.Kind, r.Keep)).ToList();
        return rows.Order().ToList();
    }

    /// <summary>The same clusters computed in one process: the document shards downloaded in shard order, then
    /// `refinery dedup --exact`, which computes the MinHash signatures from the texts itself.</summary>
    private static async Task<List<(string, ulong, string, bool)>> OneProcessAsync(SignalsPlatform platform, string threshold,
        params string[] options)
    {
        var dir = Directory.CreateTempSubdirectory("refinery-dedup-one-").FullName;
        try
        {
            var store = platform.Store();
            var files = new List<string>();
            await foreach (var info in store.ListAsync($"docs/{SignalsPlatform.Corpus}/"))
            {
                var path = System.IO.Path.Combine(dir, System.IO.Path.GetFileName(info.Key));
                await using (var stream = await store.OpenReadAsync(info.Key))
                await using (var file = File.Create(path))
                    await stream.CopyToAsync(file);
                files.Add(path);
            }
            var output = System.IO.Path.Combine(dir, "clusters.jsonl");
            var result = await CliProcess.RunAsync(Patience, ["dedup", .. files.Order(StringComparer.Ordinal), "--exact", "--threshold", threshold,
                .. options, "-o", output, "--json"]);
            Assert.True(result.ExitCode == 0, result.Stderr);
            return File.ReadLines(output).Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("id").GetString()!, e.GetProperty("cluster_id").GetUInt64(), e.GetProperty("kind").GetString()!,
                    e.GetProperty("keep").GetBoolean())).Order().ToList();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
