using System.IO.Compression;
using System.Text.Json;
using Refinery.Host.Dedup;
using Refinery.Text.Dedup;

namespace Refinery.Host.Bench;

/// <summary>`refinery bench dedup-quality`: pairwise precision, recall and F1 of the LSH clusters against labelled
/// near-duplicate pairs, at RPv2's four thresholds, with and without verification; and the recall of the pairs whose
/// true 13-gram shingle Jaccard reaches the threshold (what MinHash LSH estimates). Precision is over the labelled
/// pairs only: every same-cluster pair, the hard negatives and a random sample of negatives.</summary>
public static class DedupQualityBenchmark
{
    public static readonly double[] Thresholds = [0.7, 0.8, 0.9, 1.0];

    public sealed record Settings(string Docs, string Pairs, string? Output, bool Json);

    public sealed record Row(double Threshold, bool Verify, int Bands, int Rows, long TruePositives, long FalsePositives,
        long FalseNegatives, double Precision, double Recall, double F1, long PairsAboveThreshold, double RecallAboveThreshold,
        long Clusters, long ComparedPairs);

    private sealed record Pair(string A, string B, bool Same);

    public static async Task RunAsync(Settings settings, CancellationToken ct)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"refinery-dedup-quality-{Guid.NewGuid():N}.rejected.jsonl");
        var (entries, _) = await OfflineDedup.ReadAsync(new OfflineDedup.Settings([settings.Docs], "", 0.8, Verify: true,
            Threads: Environment.ProcessorCount), scratch, _ => { }, ct);
        var index = new Dictionary<string, int>();
        for (var i = 0; i < entries.Count; i++) index.TryAdd(entries[i].Id, i);
        var pairs = ReadPairs(settings.Pairs).Where(p => index.ContainsKey(p.A) && index.ContainsKey(p.B)).ToList();
        // The true Jaccard of each pair's shingle sets; a document under 13 words has no shingles and no signature.
        var trueJaccard = pairs.Select(p => entries[index[p.A]].Shingles is { } a && entries[index[p.B]].Shingles is { } b
            ? ShingleSet.Jaccard(a, b) : double.NaN).ToArray();

        var rows = new List<Row>();
        foreach (var threshold in Thresholds)
        foreach (var verify in new[] { false, true })
        {
            var clustering = OfflineDedup.Cluster(entries, threshold, 128, verify, exact: false);
            var c = clustering.Components;
            long tp = 0, fp = 0, fn = 0, above = 0, aboveFound = 0;
            for (var k = 0; k < pairs.Count; k++)
            {
                var together = c.Connected(index[pairs[k].A], index[pairs[k].B]);
                if (together && pairs[k].Same) tp++;
                else if (together) fp++;
                else if (pairs[k].Same) fn++;
                if (trueJaccard[k] >= threshold)
                {
                    above++;
                    if (together) aboveFound++;
                }
            }
            var precision = tp + fp == 0 ? 1.0 : (double)tp / (tp + fp);
            var recall = tp + fn == 0 ? 1.0 : (double)tp / (tp + fn);
            var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            var clusters = Enumerable.Range(0, entries.Count).Where(i => c.SizeOf(i) > 1).Select(c.Find).Distinct().Count();
            rows.Add(new Row(threshold, verify, clustering.Bands, clustering.Rows, tp, fp, fn, precision, recall, f1, above,
                above == 0 ? double.NaN : (double)aboveFound / above, clusters, clustering.ComparedPairs));
        }

        var report = new { benchmark = "dedup-quality", documents = entries.Count, pairs = pairs.Count,
            positives = pairs.Count(p => p.Same), rows };
        var text = JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web)
            { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals });
        if (settings.Output is not null) await File.WriteAllTextAsync(settings.Output, text, ct);
        if (settings.Json) { Console.WriteLine(text); return; }
        Console.WriteLine($"{entries.Count:N0} documents, {pairs.Count:N0} labelled pairs ({report.positives:N0} same-cluster)");
        Console.WriteLine($"{"threshold",9} {"verify",6} {"b×r",7} {"precision",9} {"recall",7} {"F1",6} {"TP",5} {"FP",5} {"FN",5} {"clusters",8} {"J≥t pairs",9} {"recall J≥t",10}");
        foreach (var r in rows)
            Console.WriteLine($"{r.Threshold,9:0.0} {(r.Verify ? "yes" : "no"),6} {$"{r.Bands}×{r.Rows}",7} {r.Precision,9:0.000} {r.Recall,7:0.000} " +
                              $"{r.F1,6:0.000} {r.TruePositives,5} {r.FalsePositives,5} {r.FalseNegatives,5} {r.Clusters,8} {r.PairsAboveThreshold,9} {r.RecallAboveThreshold,10:0.000}");
    }

    private static List<Pair> ReadPairs(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new StreamReader(path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream);
        var pairs = new List<Pair>();
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var e = JsonDocument.Parse(line).RootElement;
                pairs.Add(new Pair(e.GetProperty("id1").GetString()!, e.GetProperty("id2").GetString()!, e.GetProperty("same_cluster").GetBoolean()));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}:{number}: not a pair with id1, id2 and same_cluster ({ex.Message})", ex);
            }
        }
        return pairs;
    }
}
