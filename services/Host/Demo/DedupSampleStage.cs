using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Dedup.Pipeline;
using Refinery.Host.Embedded;
using Refinery.Quality.Rpv2;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Host.Demo;

/// <summary>Asks the embedded Dedup service for the sample corpus's near-duplicate clusters (RPv2's MinHash LSH at
/// Jaccard 0.8 over the bands of its signal shards), reads clusters.parquet back, counts exact copies of the normalised
/// texts in process (the service does not find those yet), and prints the counts per source and the largest
/// near-duplicate cluster: the spam sample holds real campaigns sent many times with small changes.</summary>
public sealed class DedupSampleStage : IDemoStage
{
    public const double Threshold = 0.8;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

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
        var keys = documents.Select(d => fingerprinter.NormalizedKey(d.Text)).ToList();
        var exactGroups = keys.Select((key, i) => (key, i)).GroupBy(x => x.key).Where(g => g.Count() > 1).ToList();

        var clusters = await ClustersFromServiceAsync(platform, context, ct);
        var index = documents.Select((d, i) => (d.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var clusterOf = clusters.ToDictionary(c => index[c.Id], c => c.ClusterId);
        var fuzzyClusters = clusters.GroupBy(c => c.ClusterId).Select(g => g.Select(c => index[c.Id]).ToList()).ToList();
        var copies = exactGroups.SelectMany(g => g.Skip(1).Select(m => m.i)).ToHashSet(); // every member but the first
        var bySource = documents.Select((d, i) => (d.Source, i)).GroupBy(x => x.Source).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new
            {
                Source = g.Key,
                Documents = g.Count(),
                ExactDuplicates = g.Count(x => copies.Contains(x.i)),
                InNearDuplicateClusters = g.Count(x => clusterOf.ContainsKey(x.i)),
            }).ToArray();
        var largest = fuzzyClusters.OrderByDescending(c => c.Count).ThenBy(c => clusterOf[c[0]]).FirstOrDefault();
        var example = largest?.Take(4).Select(i => new { documents[i].Id, documents[i].Source, Start = Snippet(documents[i].Text) }).ToArray();

        context.Progress.Note($"{exactGroups.Count:N0} exact-duplicate groups ({exactGroups.Sum(g => g.Count() - 1):N0} copies); " +
                              $"{fuzzyClusters.Count:N0} near-duplicate clusters of {fuzzyClusters.Sum(c => c.Count):N0} documents");
        if (!context.Json)
        {
            context.Output.WriteLine();
            context.Output.WriteLine($"{"source",-16}{"docs",7}{"exact copies",14}{"in near-dup clusters",22}");
            foreach (var row in bySource)
                context.Output.WriteLine($"{row.Source,-16}{row.Documents,7:N0}{row.ExactDuplicates,14:N0}{row.InNearDuplicateClusters,22:N0}");
            if (largest is not null)
            {
                context.Output.WriteLine($"largest near-duplicate cluster: {largest.Count} documents (cluster_id {clusterOf[largest[0]]}), e.g.");
                foreach (var member in example!) context.Output.WriteLine($"  {member.Source,-10} {member.Start}");
            }
            context.Output.WriteLine($"Near-duplicate clusters from the Dedup service: dedup/{DemoContext.CorpusName}/rpv2-0.8/clusters.parquet. " +
                                     "`refinery dedup FILE --threshold 0.8 -o OUT.jsonl` finds the same offline.");
            context.Output.WriteLine();
        }
        context.Results["dedup"] = new
        {
            Threshold,
            ExactGroups = exactGroups.Count,
            ExactCopies = exactGroups.Sum(g => g.Count() - 1),
            NearDuplicateClusters = fuzzyClusters.Count,
            NearDuplicateDocuments = fuzzyClusters.Sum(c => c.Count),
            BySource = bySource,
            LargestCluster = example,
        };
    }

    /// <summary>Sends DeduplicateCorpus to the embedded service, waits for its CorpusDeduplicated (published again when
    /// an earlier demo already did the same job) and reads the clusters file it names.</summary>
    private static async Task<List<ClusterMerger.ClusterRow>> ClustersFromServiceAsync(EmbeddedPlatform platform, DemoContext context,
        CancellationToken ct)
    {
        var corpusId = CorpusNames.IdOf(DemoContext.CorpusName);
        var done = new TaskCompletionSource<CorpusDeduplicated>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = platform.Bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
            e.Handler<CorpusDeduplicated>(c =>
            {
                if (c.Message.CorpusId == corpusId && c.Message.Threshold == Threshold) done.TrySetResult(c.Message);
                return Task.CompletedTask;
            }));
        try
        {
            await handle.Ready.WaitAsync(ct);
            var endpoint = await platform.Bus.GetSendEndpoint(CommandQueues.Uri(CommandQueues.DeduplicateCorpus));
            await endpoint.Send(new DeduplicateCorpus { Corpus = DemoContext.CorpusName, Threshold = Threshold }, ct);
            context.Progress.Update("dedup: waiting for the Dedup service");
            var deduplicated = await done.Task.WaitAsync(Timeout, ct);
            await using var raw = await platform.Store.OpenReadAsync(deduplicated.Clusters.Key, ct);
            var buffer = new MemoryStream();
            await raw.CopyToAsync(buffer, ct); // Parquet needs a seekable stream
            buffer.Position = 0;
            return await ClusterMerger.ReadAsync(buffer, ct);
        }
        finally
        {
            await handle.StopAsync(CancellationToken.None);
        }
    }

    private static string Snippet(string text)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= 90 ? flat : flat[..90] + "…";
    }
}
