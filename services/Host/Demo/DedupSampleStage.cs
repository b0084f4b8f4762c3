using MassTransit;
using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Host.Embedded;

namespace Refinery.Host.Demo;

/// <summary>Asks the embedded Dedup service for the sample corpus's duplicate clusters (exact copies of the normalised
/// texts, and RPv2's MinHash LSH at Jaccard 0.8 over the bands of its signal shards), reads clusters.parquet back, and
/// prints the counts per source and the largest cluster: the spam sample holds real campaigns sent many times with
/// small changes.</summary>
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

        var (done, clusters) = await ClustersFromServiceAsync(platform, context, ct);
        var index = documents.Select((d, i) => (d.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var row = clusters.ToDictionary(c => index[c.Id]);
        var groups = clusters.GroupBy(c => c.ClusterId).Select(g => g.Select(c => index[c.Id]).ToList()).Where(g => g.Count > 1).ToList();
        var bySource = documents.Select((d, i) => (d.Source, i)).GroupBy(x => x.Source).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new
            {
                Source = g.Key,
                Documents = g.Count(),
                ExactDuplicates = g.Count(x => row.TryGetValue(x.i, out var r) && r.Kind == "exact"),
                NearDuplicates = g.Count(x => row.TryGetValue(x.i, out var r) && r.Kind == "near"),
                Removed = g.Count(x => row.TryGetValue(x.i, out var r) && !r.Keep),
            }).ToArray();
        var largest = groups.OrderByDescending(c => c.Count).ThenBy(c => row[c[0]].ClusterId).FirstOrDefault();
        var example = largest?.Take(4).Select(i => new { documents[i].Id, documents[i].Source, row[i].Kind, Start = Snippet(documents[i].Text) }).ToArray();

        context.Progress.Note($"{done.ExactDuplicates:N0} exact copies; {done.ClusterCount:N0} clusters of {done.ClusteredDocuments:N0} documents; " +
                              $"{done.Removed:N0} removed keeping one per cluster");
        if (!context.Json)
        {
            context.Output.WriteLine();
            context.Output.WriteLine($"{"source",-16}{"docs",7}{"exact",8}{"near",8}{"removed",10}");
            foreach (var r in bySource)
                context.Output.WriteLine($"{r.Source,-16}{r.Documents,7:N0}{r.ExactDuplicates,8:N0}{r.NearDuplicates,8:N0}{r.Removed,10:N0}");
            context.Output.WriteLine("(exact: the same normalised text as another member of the cluster; near: MinHash LSH only)");
            if (largest is not null)
            {
                context.Output.WriteLine($"largest cluster: {largest.Count} documents (cluster_id {row[largest[0]].ClusterId}), e.g.");
                foreach (var member in example!) context.Output.WriteLine($"  {member.Source,-10} {member.Kind,-6} {member.Start}");
            }
            context.Output.WriteLine($"Clusters from the Dedup service: {done.Clusters.Key}. " +
                                     "`refinery dedup FILE --threshold 0.8 --exact -o OUT.jsonl` finds the same offline.");
            context.Output.WriteLine();
        }
        context.Results["dedup"] = new
        {
            Threshold,
            done.ExactDuplicates,
            done.EarlierCorpusDuplicates,
            Clusters = done.ClusterCount,
            done.ClusteredDocuments,
            done.Removed,
            BySource = bySource,
            LargestCluster = example,
        };
    }

    /// <summary>Sends DeduplicateCorpus to the embedded service, waits for its CorpusDeduplicated (published again when
    /// an earlier demo already did the same job) and reads the clusters file it names.</summary>
    private static async Task<(CorpusDeduplicated Done, List<Refinery.Quality.Formats.ClusterRow> Rows)> ClustersFromServiceAsync(EmbeddedPlatform platform, DemoContext context,
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
            return (deduplicated, await Refinery.Quality.Formats.ClustersFile.ReadAsync(buffer, ct));
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
