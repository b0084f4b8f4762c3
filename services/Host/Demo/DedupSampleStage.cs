using Refinery.Host.Dedup;
using Refinery.Quality.Rpv2;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Host.Demo;

/// <summary>Finds the exact and near duplicates of the sample corpus with the same code as `refinery dedup` (RPv2's
/// MinHash, LSH at Jaccard 0.8) over the ingested document shards, and prints the counts per source and the largest
/// near-duplicate cluster: the spam sample holds real campaigns sent many times with small changes.</summary>
public sealed class DedupSampleStage : IDemoStage
{
    public const double Threshold = 0.8;

    public string Title => "Dedup: exact and near-duplicate clusters (MinHash LSH, Jaccard 0.8)";

    private sealed record Document(string Id, string Source, string Text);

    public async Task RunAsync(DemoContext context, CancellationToken ct)
    {
        var platform = context.Platform ?? throw new InvalidOperationException("the ingest stage starts the platform");
        var documents = new List<Document>();
        await ShardSummary.ForEachDocumentAsync(platform.Store, DemoContext.CorpusName, doc => documents.Add(new Document(
            doc.GetProperty("id").GetString()!, Path.GetFileNameWithoutExtension(doc.GetProperty("source").GetString()!),
            doc.GetProperty("text").GetString()!)), ct);
        var fingerprinter = new DedupFingerprinter(MinHashPermutations.RpV2, Rpv2SignalComputer.MinHashNGram);
        var entries = documents.Select(d =>
        {
            var f = fingerprinter.Compute(d.Text, withShingles: false);
            return new OfflineDedup.Entry(d.Id, Rpv2SignalComputer.IdInt(d.Id), d.Text.Length, f.NormalizedKey, f.Signature is not null, null, f.Signature);
        }).ToList();

        var exactGroups = entries.Select((e, i) => (e.NormalizedKey, i)).GroupBy(x => x.NormalizedKey).Where(g => g.Count() > 1).ToList();
        var fuzzy = OfflineDedup.Cluster(entries, Threshold, MinHashPermutations.RpV2Count, verify: false, exact: false).Components;
        var fuzzyClusters = Enumerable.Range(0, entries.Count).Where(i => fuzzy.SizeOf(i) > 1).GroupBy(fuzzy.Find).ToList();
        var copies = exactGroups.SelectMany(g => g.Skip(1).Select(m => m.i)).ToHashSet(); // every member but the first
        var bySource = documents.Select((d, i) => (d.Source, i)).GroupBy(x => x.Source).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new
            {
                Source = g.Key,
                Documents = g.Count(),
                ExactDuplicates = g.Count(x => copies.Contains(x.i)),
                InNearDuplicateClusters = g.Count(x => fuzzy.SizeOf(x.i) > 1),
            }).ToArray();
        var largest = fuzzyClusters.OrderByDescending(c => c.Count()).ThenBy(c => fuzzy.MinKeyOf(c.First())).FirstOrDefault();
        var example = largest?.Take(4).Select(i => new { documents[i].Id, documents[i].Source, Start = Snippet(documents[i].Text) }).ToArray();

        context.Progress.Note($"{exactGroups.Count:N0} exact-duplicate groups ({exactGroups.Sum(g => g.Count() - 1):N0} copies); " +
                              $"{fuzzyClusters.Count:N0} near-duplicate clusters of {fuzzyClusters.Sum(c => c.Count()):N0} documents");
        if (!context.Json)
        {
            context.Output.WriteLine();
            context.Output.WriteLine($"{"source",-16}{"docs",7}{"exact copies",14}{"in near-dup clusters",22}");
            foreach (var row in bySource)
                context.Output.WriteLine($"{row.Source,-16}{row.Documents,7:N0}{row.ExactDuplicates,14:N0}{row.InNearDuplicateClusters,22:N0}");
            if (largest is not null)
            {
                context.Output.WriteLine($"largest near-duplicate cluster: {largest.Count()} documents (cluster_id {fuzzy.MinKeyOf(largest.First())}), e.g.");
                foreach (var member in example!) context.Output.WriteLine($"  {member.Source,-10} {member.Start}");
            }
            context.Output.WriteLine("`refinery dedup FILE --threshold 0.8 -o OUT.jsonl` finds the same clusters offline.");
            context.Output.WriteLine();
        }
        context.Results["dedup"] = new
        {
            Threshold,
            ExactGroups = exactGroups.Count,
            ExactCopies = exactGroups.Sum(g => g.Count() - 1),
            NearDuplicateClusters = fuzzyClusters.Count,
            NearDuplicateDocuments = fuzzyClusters.Sum(c => c.Count()),
            BySource = bySource,
            LargestCluster = example,
        };
    }

    private static string Snippet(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 90 ? flat : flat[..90] + "…";
    }
}
