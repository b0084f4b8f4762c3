using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Refinery.Contracts.Ingestion;
using Refinery.Host.Demo;
using Refinery.Ingestion.Language;
using Refinery.Ingestion.Options;
using Refinery.Ingestion.Pipeline;
using Refinery.Storage;
using Refinery.Text.Compression;

namespace Refinery.Host.Bench;

/// <summary>Ingestion throughput. Each case runs in its own process (so peak memory is its own): a baseline that
/// only decompresses and splits lines (the I/O floor), then the real ingestion with and without language
/// identification. Figures: documents/s and MB/s of decompressed input, per wall second and per CPU second.</summary>
public static class IngestBenchmark
{
    public sealed record Settings(int SizeMb, string WorkDir, string? Output, string CacheDir, bool Json, string? WebData = null,
        LanguageDetectorKind Detector = LanguageDetectorKind.Fast);

    public sealed record CaseResult(string Input, string Mode, bool Language, long Documents, long InputBytes,
        double WallSeconds, double CpuSeconds, double SetupSeconds, long PeakWorkingSetBytes, string? Detector = null)
    {
        public double DocumentsPerSecond => Documents / WallSeconds;
        public double MegabytesPerSecond => InputBytes / 1e6 / WallSeconds;
        public double MegabytesPerCpuSecond => InputBytes / 1e6 / CpuSeconds;
        public double DocumentsPerCpuSecond => Documents / CpuSeconds;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task RunAsync(Settings settings, CancellationToken ct)
    {
        var (jsonl, warc) = await BenchCorpus.PrepareAsync(settings.WorkDir, settings.SizeMb, settings.CacheDir, settings.WebData, ct);

        var results = new List<CaseResult>();
        foreach (var input in new[] { jsonl, warc })
        foreach (var (mode, lang) in new[] { ("baseline", false), ("read", false), ("ingest", false), ("ingest", true) })
        {
            Console.Error.WriteLine($"case {input.Format} {mode}{(lang ? $" +lang ({settings.Detector})" : "")} ...");
            results.Add(await RunChildAsync(input.Path, mode, lang, settings.Detector, settings.WorkDir, ct));
        }

        var report = new
        {
            benchmark = "ingest",
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            corpus = new[] { jsonl, warc },
            cases = results.Select(r => new
            {
                r.Input, r.Mode, r.Language, r.Detector, r.Documents, r.InputBytes, r.WallSeconds, r.CpuSeconds, r.SetupSeconds,
                peakWorkingSetMb = r.PeakWorkingSetBytes / 1e6,
                documentsPerSecond = r.DocumentsPerSecond,
                megabytesPerSecond = r.MegabytesPerSecond,
                megabytesPerCpuSecond = r.MegabytesPerCpuSecond,
                documentsPerCpuSecond = r.DocumentsPerCpuSecond,
                speedVersusBaseline = r.MegabytesPerSecond /
                    results.First(b => b.Input == r.Input && b.Mode == "baseline").MegabytesPerSecond,
            }).ToArray(),
        };
        var text = JsonSerializer.Serialize(report, Json);
        if (settings.Output is not null) await File.WriteAllTextAsync(settings.Output, text, ct);
        if (settings.Json) { Console.WriteLine(text); return; }

        Console.WriteLine($"{"input",-10}{"case",-14}{"docs/s",10}{"MB/s",9}{"MB/cpu-s",10}{"docs/cpu-s",12}{"peak MB",9}{"vs floor",9}");
        foreach (var r in results)
            Console.WriteLine($"{(r.Input.EndsWith(".zst") ? "jsonl.zst" : "warc.gz"),-10}{r.Mode + (r.Language ? "+lang" : ""),-14}" +
                              $"{r.DocumentsPerSecond,10:N0}{r.MegabytesPerSecond,9:N1}{r.MegabytesPerCpuSecond,10:N1}" +
                              $"{r.DocumentsPerCpuSecond,12:N0}{r.PeakWorkingSetBytes / 1e6,9:N0}" +
                              $"{r.MegabytesPerSecond / results.First(b => b.Input == r.Input && b.Mode == "baseline").MegabytesPerSecond,9:P0}");
    }

    private static async Task<CaseResult> RunChildAsync(string input, string mode, bool lang, LanguageDetectorKind detector,
        string workDir, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(IngestBenchmark).Assembly.Location);
        foreach (var arg in new[] { "bench", "ingest-case", "--input", input, "--mode", mode, "--work-dir", workDir })
            start.ArgumentList.Add(arg);
        if (lang) foreach (var arg in new[] { "--lang", "--detector", detector.ToString() }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0) throw new InvalidOperationException($"benchmark case {mode} on {input} exited with {child.ExitCode}");
        return JsonSerializer.Deserialize<CaseResult>(output, Json)!;
    }

    /// <summary>One case, in this process; prints its result as JSON on stdout.</summary>
    public static async Task RunCaseAsync(string input, bool lang, LanguageDetectorKind detector, string mode, string workDir,
        CancellationToken ct)
    {
        var setup = Stopwatch.StartNew();
        var meta = JsonSerializer.Deserialize<BenchInput[]>(
            await File.ReadAllTextAsync(Path.Combine(Path.GetDirectoryName(input)!, Path.GetFileName(input).Split('.')[0] + ".meta.json"), ct))!
            .Single(i => i.Path == input);
        var run = mode switch
        {
            "baseline" => null,
            "read" => () => ReadOnlyAsync(input, ct),
            _ => await PrepareIngestAsync(input, lang, detector, workDir, ct),
        };
        setup.Stop();

        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long documents;
        if (run is not null) documents = await run();
        else
        {
            // The floor counts lines, not documents; it is compared by bytes, so it reports the corpus's documents.
            await DecompressAndSplitAsync(input, ct);
            documents = meta.Documents;
        }
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(JsonSerializer.Serialize(new CaseResult(input, mode, lang, documents, meta.UncompressedBytes,
            clock.Elapsed.TotalSeconds, cpu.TotalSeconds, setup.Elapsed.TotalSeconds, self.PeakWorkingSet64,
            lang ? detector.ToString().ToLowerInvariant() : null), Json));
    }

    private static async Task<Func<Task<long>>> PrepareIngestAsync(string input, bool lang, LanguageDetectorKind detector,
        string workDir, CancellationToken ct)
    {
        var storeDir = Path.Combine(workDir, "store-" + Guid.NewGuid().ToString("N"));
        var store = new FileSystemObjectStore(storeDir);
        var key = IngestionKeys.Raw("bench", Path.GetFileName(input));
        await using (var file = File.OpenRead(input)) await store.PutAsync(key, file, ct);
        var options = Microsoft.Extensions.Options.Options.Create(new IngestionOptions { LanguageDetector = detector });
        var identifier = new Lazy<LanguageIdentifier>(() => new LanguageIdentifier(options.Value.Languages, options.Value.LanguageSampleChars, options.Value.LanguageDetector));
        if (lang) identifier.Value.Identify("Warm up the language models before the clock starts.");
        var ingestor = new CorpusIngestor(store, identifier, options, NullLogger<CorpusIngestor>.Instance);
        var command = new IngestCorpus
        {
            CorpusId = CorpusNames.IdOf("bench"), Name = "bench", Sources = [new SourceRef { Key = key }],
            Settings = new IngestSettings { DetectLanguage = lang, ShardDocuments = 10_000 },
        };
        return async () =>
        {
            try
            {
                var summary = await ingestor.RunAsync(command, _ => Task.CompletedTask, ct);
                if (summary.Rejected > 0)
                    Console.Error.WriteLine($"warning: {summary.Rejected} records rejected: {string.Join(", ", summary.RejectedByReason)}");
                return summary.Accepted;
            }
            finally
            {
                Directory.Delete(storeDir, recursive: true);
            }
        };
    }

    /// <summary>The readers alone: decompress, parse and extract text, no language, ids or shards.</summary>
    private static async Task<long> ReadOnlyAsync(string input, CancellationToken ct)
    {
        await using var file = File.OpenRead(input);
        long documents = 0;
        await foreach (var item in Refinery.Ingestion.Readers.SourceReader.ReadAsync(file, Path.GetFileName(input), null,
                           new Refinery.Ingestion.Readers.ReaderOptions(), ct))
            if (item.Document is not null) documents++;
        return documents;
    }

    /// <summary>The floor: decompress (with the decoder the readers use) and find line ends, nothing else.</summary>
    private static async Task<long> DecompressAndSplitAsync(string input, CancellationToken ct)
    {
        await using var file = File.OpenRead(input);
        await using Stream decompressed = input.EndsWith(".zst", StringComparison.Ordinal)
            ? ZstdDecompression.Open(file, leaveOpen: false)
            : new GZipStream(file, CompressionMode.Decompress);
        var buffer = new byte[1 << 20];
        long lines = 0;
        int read;
        while ((read = await decompressed.ReadAsync(buffer, ct)) > 0) lines += buffer.AsSpan(0, read).Count((byte)'\n');
        return lines;
    }
}
