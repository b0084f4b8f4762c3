using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ZstdSharp;

namespace Refinery.Host.Bench;

/// <summary>`refinery bench dedup-scale --documents 1000000`: generates a seeded synthetic corpus with planted exact and
/// near duplicates, runs `refinery dedup` on it in a child process (so its time and peak memory are its own) and
/// reports them with the share of planted duplicates found in their source's cluster.</summary>
public static class DedupScaleBenchmark
{
    public sealed record Settings(int Documents, string WorkDir, string? Output, bool Json);

    /// <summary>Planted duplicates: 1 % exact copies and 1 % copies with one word replaced, of a random earlier document.</summary>
    private const double ExactShare = 0.01, NearShare = 0.01;

    public static async Task RunAsync(Settings settings, CancellationToken ct)
    {
        Directory.CreateDirectory(settings.WorkDir);
        var input = Path.Combine(settings.WorkDir, $"synthetic-{settings.Documents}.jsonl.zst");
        var plantedPath = input + ".planted.tsv";
        if (!File.Exists(input) || !File.Exists(plantedPath))
        {
            Console.Error.WriteLine($"generating {settings.Documents:N0} synthetic documents in {input} ...");
            await GenerateAsync(settings.Documents, input, plantedPath, ct);
        }
        var output = Path.Combine(settings.WorkDir, $"synthetic-{settings.Documents}.clusters.jsonl");
        Console.Error.WriteLine("refinery dedup --threshold 0.8 --exact ...");
        var summary = await RunDedupAsync(input, output, settings.WorkDir, ct);

        var cluster = new Dictionary<string, ulong>();
        foreach (var line in File.ReadLines(output))
        {
            var e = JsonDocument.Parse(line).RootElement;
            cluster[e.GetProperty("id").GetString()!] = e.GetProperty("cluster_id").GetUInt64();
        }
        var planted = new Dictionary<string, (int Planted, int Found)> { ["exact"] = (0, 0), ["near"] = (0, 0) };
        foreach (var line in File.ReadLines(plantedPath))
        {
            var parts = line.Split('\t');
            var (count, found) = planted[parts[2]];
            var together = cluster.TryGetValue(parts[0], out var a) && cluster.TryGetValue(parts[1], out var b) && a == b;
            planted[parts[2]] = (count + 1, found + (together ? 1 : 0));
        }
        var report = new
        {
            benchmark = "dedup-scale",
            documents = summary.GetProperty("documents").GetInt64(),
            input_bytes = new FileInfo(input).Length,
            seconds = summary.GetProperty("seconds").GetDouble(),
            documents_per_second = summary.GetProperty("documents").GetInt64() / summary.GetProperty("seconds").GetDouble(),
            peak_memory_mb = summary.GetProperty("peak_memory_mb").GetDouble(),
            clusters = summary.GetProperty("clusters").GetInt64(),
            clustered_documents = summary.GetProperty("clustered_documents").GetInt64(),
            planted_exact = planted["exact"].Planted,
            planted_exact_found = planted["exact"].Found,
            planted_near = planted["near"].Planted,
            planted_near_found = planted["near"].Found,
        };
        var text = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
        if (settings.Output is not null) await File.WriteAllTextAsync(settings.Output, text, ct);
        if (settings.Json) { Console.WriteLine(text); return; }
        Console.WriteLine($"{report.documents:N0} documents ({report.input_bytes / 1e6:N0} MB zstd) deduplicated in {report.seconds:N1} s " +
                          $"({report.documents_per_second:N0} documents/s), peak memory {report.peak_memory_mb:N0} MB");
        Console.WriteLine($"{report.clusters:N0} clusters of {report.clustered_documents:N0} documents; planted exact copies found: " +
                          $"{report.planted_exact_found:N0} of {report.planted_exact:N0}; copies with one word replaced: {report.planted_near_found:N0} of " +
                          $"{report.planted_near:N0} (in a 60-word document one replaced word leaves a 13-gram Jaccard near 0.57, below 0.8)");
    }

    private static async Task<JsonElement> RunDedupAsync(string input, string output, string workDir, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(DedupScaleBenchmark).Assembly.Location);
        foreach (var arg in new[] { "dedup", input, "--threshold", "0.8", "--exact", "-o", output, "--work-dir", workDir, "--json" })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var stdout = await child.StandardOutput.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0) throw new InvalidOperationException($"refinery dedup exited with {child.ExitCode}");
        return JsonDocument.Parse(stdout).RootElement.Clone();
    }

    /// <summary>Documents of 60–200 words drawn from a Zipf-like vocabulary of 50,000 made-up words, seeded.</summary>
    private static async Task GenerateAsync(int documents, string path, string plantedPath, CancellationToken ct)
    {
        var random = new Random(20261126);
        var vocabulary = Enumerable.Range(0, 50_000).Select(i => Word(i * 7919L % 1_000_003)).ToArray();
        // Earlier documents kept as word-index arrays, for copying (a reservoir, so memory stays bounded).
        var reservoir = new (string Id, int[] Words)[10_000];
        var kept = 0;
        await using var file = File.Create(path + ".partial");
        await using (var zstd = new CompressionStream(file, 3))
        await using (var writer = new StreamWriter(zstd, new UTF8Encoding(false), 1 << 16))
        await using (var planted = new StreamWriter(plantedPath, append: false, new UTF8Encoding(false)))
        {
            var text = new StringBuilder();
            for (var d = 0; d < documents; d++)
            {
                var id = $"syn-{d:D7}";
                int[] words;
                var roll = random.NextDouble();
                if (kept > 0 && roll < ExactShare + NearShare)
                {
                    var source = reservoir[random.Next(Math.Min(kept, reservoir.Length))];
                    words = (int[])source.Words.Clone();
                    var near = roll >= ExactShare;
                    if (near) words[random.Next(words.Length)] = random.Next(vocabulary.Length);
                    await planted.WriteLineAsync($"{id}\t{source.Id}\t{(near ? "near" : "exact")}");
                }
                else
                {
                    words = new int[random.Next(60, 201)];
                    for (var w = 0; w < words.Length; w++) words[w] = (int)(vocabulary.Length * Math.Pow(random.NextDouble(), 3));
                }
                if (kept < reservoir.Length) reservoir[kept++] = (id, words);
                else if (random.Next(d) < reservoir.Length) reservoir[random.Next(reservoir.Length)] = (id, words);
                text.Clear();
                for (var w = 0; w < words.Length; w++)
                {
                    if (w > 0) text.Append(w % 17 == 0 ? ". " : " ");
                    text.Append(vocabulary[words[w]]);
                }
                await writer.WriteLineAsync(JsonSerializer.Serialize(new { id, text = text.ToString() }));
                if (d % 100_000 == 0) ct.ThrowIfCancellationRequested();
            }
        }
        File.Move(path + ".partial", path, overwrite: true);
    }

    /// <summary>A made-up lowercase word for a number (its base-26 digits as letters).</summary>
    private static string Word(long n)
    {
        var letters = new StringBuilder();
        do
        {
            letters.Append((char)('a' + n % 26));
            n /= 26;
        } while (n > 0);
        return letters.ToString();
    }
}
