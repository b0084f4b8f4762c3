using Microsoft.Extensions.DependencyInjection;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Gc;
using Refinery.Curation.Pipeline;
using Refinery.Hosting.Storage;
using Refinery.Storage;
using Refinery.TestSupport;
using Xunit.Abstractions;

namespace Refinery.Curation.Tests;

/// <summary>The curation service's storage sweep: ranking files of a finished version go, the version itself stays
/// readable, and a sweep running while a version is cut changes nothing in it.</summary>
public sealed class CurationSweepTests(ITestOutputHelper output)
{
    private const string Corpus = "golden-dev";

    // Two ranking rounds (the second ranks among what the first kept), so the cut writes ranking files twice.
    private const string RecipeText = """
        rule long_enough: keep doc when rps_doc_word_count >= 50
        rule varied: keep doc when top 40% by rps_doc_frac_unique_words or bottom 10% by rps_doc_mean_word_length
        rule longest_half: keep doc when top 50% by rps_doc_word_count
        """;

    private static CreateDatasetVersion Request(string dataset) =>
        new() { Dataset = dataset, Corpora = [Corpus], Recipe = RecipeText, Tokenizer = TokenizerKind.Bytes };

    private static async Task<ServiceTestHost> StartWithCorpusAsync()
    {
        var host = await CurationTestHost.StartAsync();
        await CorpusShards.PutAsync(host.Store, Corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);
        return host;
    }

    private static Task<SweepResult> SweepAsync(ServiceTestHost host, TimeSpan grace, bool dryRun = false) =>
        host.SweepAsync<CurationSweepRule>(grace, dryRun);

    private static async Task<DatasetVersionCreated> CutAsync(ServiceTestHost host, string dataset)
    {
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion), Request(dataset));
        return (await host.PublishedAsync<DatasetVersionCreated>(1)).Single(c => c.Dataset == dataset);
    }

    private static async Task<List<ObjectInfo>> ListAsync(IObjectStore store, string prefix)
    {
        var all = new List<ObjectInfo>();
        await foreach (var info in store.ListAsync(prefix)) all.Add(info);
        return all;
    }

    /// <summary>Every file of the version with its sha256, ranking files aside: what a reader of the version gets. The
    /// manifest holds the time the version was requested, so it stands for its list of files instead.</summary>
    private static async Task<List<(string Path, string? Sha256)>> OutputsAsync(IObjectStore store, DatasetVersionCreated created)
    {
        var manifest = await ManifestReader.ReadVerifiedAsync(store, created.Manifest, CancellationToken.None);
        var files = new List<(string, string?)>();
        foreach (var info in await ListAsync(store, manifest.Prefix))
        {
            var path = info.Key[manifest.Prefix.Length..];
            if (path.StartsWith("ranks/", StringComparison.Ordinal)) continue;
            files.Add(path == "manifest.json"
                ? (path, manifest.Root.GetProperty("files").GetRawText())
                : (path, (await store.StatAsync(info.Key))!.Sha256));
        }
        return files;
    }

    [Fact]
    public async Task RankingFilesOfAFinishedVersion_AreSwept_AndTheVersionStillReadsBack()
    {
        await using var host = await StartWithCorpusAsync();
        var created = await CutAsync(host, "swept");
        var root = $"datasets/swept/{created.Version}/";
        var ranks = await ListAsync(host.Store, root + "ranks/");
        var before = await OutputsAsync(host.Store, created);
        await Task.Delay(1100); // the folder store stamps puts anywhere within the current second

        var result = await SweepAsync(host, TimeSpan.Zero);

        // Round 0 ranks two conditions and round 1 one, each over the corpus's three parts.
        Assert.Equal(9, ranks.Count);
        Assert.Equal(ranks.Select(r => r.Key), result.Swept.Select(s => s.Key));
        Assert.Equal(ranks.Sum(r => r.Length), result.Bytes);
        Assert.Empty(await ListAsync(host.Store, root + "ranks/"));
        Assert.Equal(before, await OutputsAsync(host.Store, created));
        var manifest = await ManifestReader.ReadVerifiedAsync(host.Store, created.Manifest, CancellationToken.None);
        Assert.NotEmpty(manifest.Files);
        Assert.Equal(0, (await SweepAsync(host, TimeSpan.Zero)).Count);
        output.WriteLine($"swept {result.Count} ranking files, {result.Bytes} bytes, of {result.Listed} objects under datasets/");
    }

    [Fact]
    public async Task TheScheduledSweep_RemovesRankingFilesOfAFinishedVersion_OnItsOwn()
    {
        await using var host = await ServiceTestHost.StartAsync("curation",
            new Dictionary<string, string?>
            {
                ["Refinery:Curation:MaxConcurrency"] = "2", ["Refinery:Gc:Interval"] = "00:00:00.5", ["Refinery:Gc:Grace"] = "00:00:00",
            },
            b => b.AddCurationService(), CurationServiceExtensions.AddConsumers);
        await CorpusShards.PutAsync(host.Store, Corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);
        var created = await CutAsync(host, "scheduled");

        var ranks = $"datasets/scheduled/{created.Version}/ranks/";
        for (var wait = 0; wait < 200 && (await ListAsync(host.Store, ranks)).Count > 0; wait++) await Task.Delay(50);

        Assert.Empty(await ListAsync(host.Store, ranks));
        Assert.NotEmpty((await ManifestReader.ReadVerifiedAsync(host.Store, created.Manifest, CancellationToken.None)).Files);
    }

    [Fact]
    public async Task ADryRun_ReportsTheRankingFiles_AndDeletesNothing()
    {
        await using var host = await StartWithCorpusAsync();
        var created = await CutAsync(host, "dry");
        await Task.Delay(1100);
        var before = await ListAsync(host.Store, "datasets/");

        var result = await SweepAsync(host, TimeSpan.Zero, dryRun: true);

        Assert.Equal(9, result.Count);
        Assert.All(result.Swept, s => Assert.StartsWith($"datasets/dry/{created.Version}/ranks/", s.Key));
        Assert.Equal(before.Select(b => b.Key), (await ListAsync(host.Store, "datasets/")).Select(b => b.Key));
    }

    [Fact]
    public async Task RankingFilesOfAVersionTheCatalogDoesNotHaveAsDone_AreKept_EvenAtGraceZero()
    {
        await using var host = await StartWithCorpusAsync();
        await CutAsync(host, "done");
        // A ranking file of a version with no done row (another writer's, or one whose row is not there) must stay.
        var working = await ListAsync(host.Store, "datasets/done/");
        var rank = working.First(w => w.Key.Contains("/ranks/", StringComparison.Ordinal));
        var unknownVersionRank = "datasets/done/000000000000/ranks/0.0/00000.f64";
        await host.Store.CopyAsync(rank.Key, unknownVersionRank);
        await Task.Delay(1100);

        var result = await SweepAsync(host, TimeSpan.Zero);

        Assert.DoesNotContain(unknownVersionRank, result.Swept.Select(s => s.Key));
        Assert.NotNull(await host.Store.StatAsync(unknownVersionRank));
    }

    [Fact]
    public async Task ASweepAtGraceZero_WhileAVersionIsCut_LeavesTheVersionIdentical_ToACutWithoutSweeps()
    {
        List<(string, string?)> expected;
        string expectedVersion;
        await using (var quiet = await StartWithCorpusAsync())
        {
            var created = await CutAsync(quiet, "concurrent");
            (expected, expectedVersion) = (await OutputsAsync(quiet.Store, created), created.Version);
        }

        await using var host = await StartWithCorpusAsync();
        using var stop = new CancellationTokenSource();
        var sweeps = host.SweepUntilAsync<CurationSweepRule>(stop.Token);
        var swept = await CutAsync(host, "concurrent");
        await stop.CancelAsync();
        var results = await sweeps;

        Assert.Equal(expectedVersion, swept.Version);
        Assert.Equal(expected, await OutputsAsync(host.Store, swept));
        Assert.True(results.Count >= 3, $"only {results.Count} sweeps ran during the cut");
        Assert.Empty(host.Harness.Published.Select<DatasetVersionFailed>());
        output.WriteLine($"{results.Count} sweeps during the cut deleted {results.Sum(r => r.Count)} objects");
    }
}
