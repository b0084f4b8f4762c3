using System.Text.Json;
using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Curation;
using Refinery.Curation.Pipeline;
using Refinery.Storage;
using Refinery.TestSupport;
using static Refinery.Curation.Tests.GoldenSignals;

namespace Refinery.Curation.Tests;

/// <summary>Quantile rules in dataset versions: each rule's threshold is ranked over every part of the corpus, among
/// the documents that earlier rules (quantile rules included) kept. Expected decisions are computed here from the raw
/// golden JSON, by sorting each rule's values on their own.</summary>
public sealed class QuantileVersionTests
{
    private const string Corpus = "golden-dev";

    private const string RecipeText = """
        rule long_enough: keep doc when rps_doc_word_count >= 50
        rule varied: keep doc when top 40% by rps_doc_frac_unique_words or bottom 10% by rps_doc_mean_word_length
        rule few_ellipses: drop doc when rps_doc_frac_lines_end_with_ellipsis > 0.2
        rule longest_half: keep doc when top 50% by rps_doc_word_count
        """;

    private static async Task PutCorpusAsync(IObjectStore store) =>
        await CorpusShards.PutAsync(store, Corpus, await CorpusShards.ReadAsync("golden", "signals_dev_docs.jsonl.gz"), shards: 3);

    /// <summary>The value at rank ⌈p·n⌉ from the top (or bottom) of the non-null values.</summary>
    private static double Cut(IEnumerable<JsonElement> reaching, string signal, double percent, bool top)
    {
        var values = reaching.Select(r => Doc(r, signal)).Where(v => !double.IsNaN(v)).ToList();
        var ordered = top ? values.OrderByDescending(v => v).ToList() : values.OrderBy(v => v).ToList();
        return ordered[Math.Max(1, (int)Math.Ceiling(percent / 100 * values.Count)) - 1];
    }

    private static (List<string> Ids, double[] Thresholds) Expected()
    {
        var reaching = Records.Where(r => Doc(r, "rps_doc_word_count") >= 50).ToList();
        var varied = Cut(reaching, "rps_doc_frac_unique_words", 40, top: true);
        var plain = Cut(reaching, "rps_doc_mean_word_length", 10, top: false);
        reaching = reaching.Where(r => Doc(r, "rps_doc_frac_unique_words") >= varied || Doc(r, "rps_doc_mean_word_length") <= plain)
            .Where(r => !(Doc(r, "rps_doc_frac_lines_end_with_ellipsis") > 0.2)).ToList();
        var longest = Cut(reaching, "rps_doc_word_count", 50, top: true);
        var kept = reaching.Where(r => Doc(r, "rps_doc_word_count") >= longest).Select(r => r.GetProperty("id").GetString()!).ToList();
        return (kept, [varied, plain, longest]);
    }

    [Fact]
    public async Task QuantileRules_RankAcrossEveryPart_InRuleOrder_AndTheManifestNamesEachThreshold()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);

        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion),
            new CreateDatasetVersion { Dataset = "ranked", Corpora = [Corpus], Recipe = RecipeText, Tokenizer = TokenizerKind.Bytes });
        var created = (await host.PublishedAsync<DatasetVersionCreated>(1))[0];

        var (expectedIds, thresholds) = Expected();
        var manifest = await ManifestReader.ReadVerifiedAsync(host.Store, created.Manifest, CancellationToken.None);
        var ids = new List<string>();
        await foreach (var document in VersionReader.DocumentsAsync(host.Store, manifest)) ids.Add(document.GetProperty("id").GetString()!);
        Assert.Equal(expectedIds, ids);
        Assert.InRange(ids.Count, 50, 600); // each rule removed something, and something is left

        var quantiles = manifest.Root.GetProperty("recipe").GetProperty("quantiles").EnumerateArray().ToList();
        Assert.Equal(["varied", "varied", "longest_half"], quantiles.Select(q => q.GetProperty("rule").GetString()!));
        Assert.Equal("top 40% by rps_doc_frac_unique_words", quantiles[0].GetProperty("condition").GetString());
        Assert.Equal(thresholds, quantiles.Select(q => q.GetProperty("threshold").GetDouble()));
        // Two rounds, each collected from the three parts.
        Assert.Equal([0, 0, 0, 1, 1, 1], host.Harness.Consumed.Select<RankDatasetPart>().Select(c => c.Context.Message.Round).Order());
    }

    [Fact]
    public async Task AVersion_PublishesItsProgress_ForEachRankingRoundItsMergeThePartsAndTheFinish()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var requestId = Guid.NewGuid();

        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion),
            new CreateDatasetVersion { Dataset = "ranked-progress", Corpora = [Corpus], Recipe = RecipeText, Tokenizer = TokenizerKind.Bytes, RequestId = requestId });
        var created = (await host.PublishedAsync<DatasetVersionCreated>(1))[0];
        await host.QuiescentAsync();

        var trail = JobProgressTrail.Of(host.Harness, Contracts.Jobs.JobServices.Curation, $"ranked-progress@{created.Version}");
        JobProgressTrail.AssertSteps(trail,
            ["ranking round 1", "merge ranking round 1", "ranking round 2", "merge ranking round 2", "parts", "finish"],
            fannedOut: ["ranking round 1", "ranking round 2", "parts"]);
        Assert.Equal(3, trail.Last(p => p.Step == "parts").Total);
        Assert.All(trail, p => Assert.Equal(requestId, p.RequestId));
    }

    [Fact]
    public async Task ARankingRoundFinishedTwice_RecordsItsThresholdsOnce_AndTheVersionIsAnnouncedOnce()
    {
        await using var host = await CurationTestHost.StartAsync();
        await PutCorpusAsync(host.Store);
        var request = new CreateDatasetVersion { Dataset = "ranked", Corpora = [Corpus], Recipe = RecipeText, Tokenizer = TokenizerKind.Bytes };
        await host.SendAsync(CommandQueues.Uri(CommandQueues.CreateDatasetVersion), request);
        var created = (await host.PublishedAsync<DatasetVersionCreated>(1))[0];
        var jobId = host.Harness.Consumed.Select<RankDatasetPart>().First().Context.Message.JobId;

        // A late duplicate of the first round's merge, as a second process would send it.
        await host.SendAsync(CommandQueues.Uri(CommandQueues.FinishDatasetRanking), new FinishDatasetRanking { JobId = jobId, Round = 0 });
        int FirstRoundMerges() => host.Harness.Consumed.Select<FinishDatasetRanking>().Count(c => c.Context.Message.Round == 0);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); FirstRoundMerges() < 2 && DateTime.UtcNow < deadline;) await Task.Delay(25);
        Assert.Equal(2, FirstRoundMerges());

        Assert.Single(await host.PublishedAsync<DatasetVersionCreated>(1));
        Assert.Equal(6, host.Harness.Consumed.Select<RankDatasetPart>().Count());
        Assert.Equal(3, host.Harness.Consumed.Select<CurateDatasetPart>().Count());
        var manifest = await ManifestReader.ReadVerifiedAsync(host.Store, created.Manifest, CancellationToken.None);
        Assert.Equal(3, manifest.Root.GetProperty("recipe").GetProperty("quantiles").GetArrayLength());
    }
}
