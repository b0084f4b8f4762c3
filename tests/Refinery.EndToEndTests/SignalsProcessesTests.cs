using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Refinery.EndToEndTests;

public sealed partial class SignalsProcessesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TwoSignalsProcesses_ComputeEveryShardOfARealCorpus_OnceEach()
    {
        await using var platform = await SignalsPlatform.StartAsync("signals", signalsProcesses: 2);

        await platform.SubmitCorpusAsync();
        var (shardCount, accepted, signals) = await platform.WaitForAllSignalsAsync(TimeSpan.FromMinutes(5));

        Assert.True(shardCount >= 8, $"only {shardCount} shards");
        Assert.All(signals.Values, events => Assert.Equal("rpv2", events[0].GetProperty("config").GetString()));
        await platform.AssertOneCompleteSignalShardPerDocumentShardAsync(shardCount, accepted);
        // Competing consumers: between them the two processes computed each shard exactly once, and each did some.
        var computed = new List<double>();
        foreach (var process in platform.Signals) computed.Add(await MetricAsync(process, "refinery_signals_shards_total{outcome=\"computed\"}"));
        output.WriteLine($"shards computed per process: {string.Join(" | ", computed)}");
        Assert.Equal(shardCount, computed.Sum());
        Assert.All(computed, n => Assert.True(n > 0, $"a process computed no shard: {string.Join(" | ", computed)}"));
        // The logs agree with the metrics: each process names the shards it finished, and no shard is named twice.
        var finished = platform.Signals.Select(p => Shards(Finished(), p.Output)).ToList();
        Assert.Equal(Enumerable.Range(0, shardCount), finished.SelectMany(f => f).Order());
    }

    [Fact]
    public async Task SignalsProcessKilledMidRun_TheSurvivorCompletesEveryShard_WithNothingLostOrDuplicated()
    {
        await using var platform = await SignalsPlatform.StartAsync("signals-kill", signalsProcesses: 2);
        var victim = platform.Signals[0];

        await platform.SubmitCorpusAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (!victim.Output.Contains("Computing signals for", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, "the victim never started a shard:\n" + platform.Diagnostics);
            await Task.Delay(5);
        }
        await victim.KillAsync();

        var (shardCount, accepted, _) = await platform.WaitForAllSignalsAsync(TimeSpan.FromMinutes(5));

        Assert.True(shardCount >= 8, $"only {shardCount} shards");
        await platform.AssertOneCompleteSignalShardPerDocumentShardAsync(shardCount, accepted);
        // The victim died mid-shard: it had started shards it never finished. Those came back to the queue and the
        // survivor computed them to the end.
        var unfinished = Shards(Started(), victim.Output).Except(Shards(Finished(), victim.Output)).ToList();
        output.WriteLine($"victim started {Shards(Started(), victim.Output).Count} shards, died holding [{string.Join(",", unfinished)}]");
        Assert.True(unfinished.Count > 0, "the victim was not computing a shard when it was killed:\n" + victim.Output);
        var survivorFinished = Shards(Finished(), platform.Signals[1].Output);
        Assert.All(unfinished, shard => Assert.Contains(shard, survivorFinished));
    }

    [GeneratedRegex(@"Computing signals for \S+/(\d+) ")]
    private static partial Regex Started();

    [GeneratedRegex(@"Signals for \S+/(\d+): ")]
    private static partial Regex Finished();

    private static HashSet<int> Shards(Regex pattern, string log) =>
        pattern.Matches(log).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

    private static async Task<double> MetricAsync(RefineryProcess process, string series)
    {
        using var http = new HttpClient { BaseAddress = process.Url };
        var line = (await http.GetStringAsync("/metrics")).Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
