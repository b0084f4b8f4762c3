using System.Text.Json;
using Refinery.Contracts.Ingestion;

namespace Refinery.Host.Cli;

/// <summary>Prints an ingestion outcome for people (a table) or machines (--json).</summary>
public static class IngestReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static void Write(TextWriter output, CorpusIngested result, bool json, TimeSpan elapsed)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(new
            {
                corpus = result.Name,
                corpusId = result.CorpusId,
                read = result.Read,
                accepted = result.Accepted,
                rejected = result.Rejected,
                rejectedByReason = result.RejectedByReason,
                invalidUtf8Replaced = result.InvalidUtf8Replaced,
                shards = result.ShardCount,
                languages = result.Languages,
                elapsedSeconds = Math.Round(elapsed.TotalSeconds, 3),
            }, Json));
            return;
        }
        output.WriteLine($"Corpus {result.Name} ({result.CorpusId})");
        output.WriteLine($"  read      {result.Read,12:N0}");
        output.WriteLine($"  accepted  {result.Accepted,12:N0}");
        output.WriteLine($"  rejected  {result.Rejected,12:N0}");
        foreach (var (reason, count) in result.RejectedByReason.OrderByDescending(r => r.Value))
            output.WriteLine($"    {reason,-22}{count,10:N0}");
        if (result.InvalidUtf8Replaced > 0)
            output.WriteLine($"  invalid UTF-8 sequences replaced {result.InvalidUtf8Replaced:N0}");
        output.WriteLine($"  shards    {result.ShardCount,12:N0}");
        output.WriteLine("  languages " + string.Join(", ",
            result.Languages.OrderByDescending(l => l.Value).Select(l => $"{l.Key} {l.Value:N0}")));
        output.WriteLine($"  in {elapsed.TotalSeconds:F1} s");
    }
}
