using Microsoft.Extensions.Logging.Abstractions;
using Refinery.Hosting.Storage;
using Refinery.Storage;

namespace Refinery.Hosting.Tests;

/// <summary>The shared sweep on a folder store: prefixes, grace, dry run, and that a rule can never make it delete
/// anything outside its own prefixes.</summary>
public sealed class ObjectSweepTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"refinery-sweep-{Guid.NewGuid():N}");
    private readonly FileSystemObjectStore _store;
    private readonly ObjectSweep _sweep;

    public ObjectSweepTests()
    {
        _store = new FileSystemObjectStore(_root);
        _sweep = new ObjectSweep(_store, TimeProvider.System, NullLogger<ObjectSweep>.Instance);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    /// <summary>Releases every key it is shown, and some it makes up.</summary>
    private sealed class GreedyRule(params string[] prefixes) : IStorageSweepRule
    {
        public string Service => "greedy";
        public IReadOnlyList<string> Prefixes => prefixes;
        public List<string> Shown { get; } = [];
        public string[] MadeUp { get; init; } = [];

        public Task<IReadOnlySet<string>> ReleasedAsync(IReadOnlyCollection<string> keys, CancellationToken ct)
        {
            Shown.AddRange(keys);
            return Task.FromResult<IReadOnlySet<string>>(keys.Concat(MadeUp).ToHashSet());
        }
    }

    private async Task PutAsync(string key, int bytes = 10) => await _store.PutAsync(key, new MemoryStream(new byte[bytes]));

    private async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        await foreach (var info in _store.ListAsync("")) keys.Add(info.Key);
        return keys;
    }

    [Fact]
    public async Task A_sweep_deletes_only_under_its_own_prefixes_even_when_its_rule_releases_other_keys()
    {
        string[] outside = ["docs/c/00000.jsonl.zst", "signals/c/00000.rpv2.parquet", "dedupe/lookalike.bin", "dedup.bin", "datasets/d/v/ranks/0.0/00000.f64"];
        foreach (var key in outside) await PutAsync(key);
        await PutAsync("dedup/c/cfg/keys/00000.bin", 7);
        await PutAsync("dedup/index/normalized/00/0000000001-0123456789abcdef0123456789abcdef.bin", 5);
        await Task.Delay(1100); // the folder store stamps puts anywhere within the current second
        var rule = new GreedyRule("dedup/") { MadeUp = [.. outside, "../escape", "dedup/never-listed.bin"] };

        var result = await _sweep.RunAsync(rule, new SweepSettings(TimeSpan.Zero, DryRun: false), CancellationToken.None);

        Assert.All(rule.Shown, k => Assert.StartsWith("dedup/", k));
        Assert.Equal(["dedup/c/cfg/keys/00000.bin", "dedup/index/normalized/00/0000000001-0123456789abcdef0123456789abcdef.bin"],
            result.Swept.Select(s => s.Key));
        Assert.Equal(12, result.Bytes);
        Assert.Equal(outside.Order(StringComparer.Ordinal), (await KeysAsync()).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("dedup")]
    [InlineData("../dedup/")]
    [InlineData("dedup//")]
    [InlineData("/dedup/")]
    public async Task A_prefix_that_is_not_a_folder_key_is_refused_before_anything_is_listed(string prefix)
    {
        await PutAsync("dedup/a.bin");
        var rule = new GreedyRule(prefix);

        await Assert.ThrowsAsync<ArgumentException>(() => _sweep.RunAsync(rule, new SweepSettings(TimeSpan.Zero, false), CancellationToken.None));

        Assert.Empty(rule.Shown);
        Assert.Equal(["dedup/a.bin"], await KeysAsync());
    }

    [Fact]
    public async Task Objects_younger_than_the_grace_are_neither_shown_to_the_rule_nor_deleted()
    {
        await PutAsync("area/young.bin");
        var rule = new GreedyRule("area/");

        var result = await _sweep.RunAsync(rule, new SweepSettings(TimeSpan.FromMinutes(10), false), CancellationToken.None);

        Assert.Equal(1, result.Listed);
        Assert.Empty(rule.Shown);
        Assert.Equal(0, result.Count);
        Assert.Equal(["area/young.bin"], await KeysAsync());
    }

    [Fact]
    public async Task A_dry_run_reports_what_it_would_delete_and_deletes_nothing()
    {
        await PutAsync("area/a.bin", 3);
        await PutAsync("area/b/c.bin", 4);
        await Task.Delay(1100); // the folder store stamps puts anywhere within the current second

        var result = await _sweep.RunAsync(new GreedyRule("area/"), new SweepSettings(TimeSpan.Zero, DryRun: true), CancellationToken.None);

        Assert.True(result.DryRun);
        Assert.Equal((2, 7L), (result.Count, result.Bytes));
        Assert.Equal(["area/a.bin", "area/b/c.bin"], await KeysAsync());
    }

    [Fact]
    public async Task Two_sweeps_at_once_delete_each_object_once_between_them()
    {
        for (var i = 0; i < 40; i++) await PutAsync($"area/{i:D3}.bin", 2);
        await Task.Delay(1100);

        var results = await Task.WhenAll(
            _sweep.RunAsync(new GreedyRule("area/"), new SweepSettings(TimeSpan.Zero, false), CancellationToken.None),
            _sweep.RunAsync(new GreedyRule("area/"), new SweepSettings(TimeSpan.Zero, false), CancellationToken.None));

        Assert.Equal(40, results.Sum(r => r.Count));
        Assert.Equal(40, results.SelectMany(r => r.Swept).Select(s => s.Key).Distinct().Count());
        Assert.Empty(await KeysAsync());
    }
}
