using Refinery.Contracts.Ingestion;
using Refinery.Host.Embedded;

namespace Refinery.Host.Demo;

/// <summary>Ingests the sample sources into one corpus and shows, per source, what came out.</summary>
public sealed class IngestSampleStage : IDemoStage
{
    public string Title => "Ingest: read, identify languages, cut shards";

    public async Task RunAsync(DemoContext context, CancellationToken ct)
    {
        context.Platform ??= await EmbeddedPlatform.StartAsync(context.DataDir, quiet: true, ct);
        long documents = 0;
        var (paths, heldOut) = HeldOutSplit.Apply(context.Sources, Path.Combine(context.DataDir, "sources"));
        context.HeldOut = heldOut;
        var result = await context.Platform.IngestAsync(DemoContext.CorpusName, paths,
            new IngestSettings { ShardDocuments = 1_000 },
            e =>
            {
                if (e is CorpusShardIngested shard)
                    context.Progress.Update($"shard {shard.Shard + 1}, {documents += shard.DocumentCount:N0} documents");
            }, ct);
        var table = await ShardSummary.BySourceAsync(context.Platform.Store, DemoContext.CorpusName, ct);

        context.Progress.Note($"read {result.Read:N0}, accepted {result.Accepted:N0}, rejected {result.Rejected:N0}, {result.ShardCount} shards " +
                              $"({heldOut.Count} prose documents held out for the training stage)");
        if (!context.Json)
        {
            context.Output.WriteLine();
            context.Output.WriteLine($"{"source",-16}{"documents",10}{"median chars",14}  languages");
            foreach (var row in table)
                context.Output.WriteLine($"{row.Source,-16}{row.Documents,10:N0}{row.MedianChars,14:N0}  {row.TopLanguages}");
            context.Output.WriteLine();
        }
        context.Results["ingest"] = new
        {
            result.Read, result.Accepted, result.Rejected, result.RejectedByReason, Shards = result.ShardCount,
            result.Languages, BySource = table,
        };
    }
}
