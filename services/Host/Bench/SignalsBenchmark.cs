using System.Diagnostics;
using System.Text.Json;
using Refinery.Host.Demo;
using Refinery.Quality.Formats;
using Refinery.Quality.Models;
using Refinery.Quality.Resources;
using Refinery.Quality.Rpv2;
using Refinery.Text.Hashing;
using Refinery.Text.MinHash;

namespace Refinery.Host.Bench;

/// <summary>Signal throughput on a generated web-like corpus. Each case runs in its own process, so its peak memory is
/// its own: reading and parsing only (the floor); (a) the 29 exact signals plus MinHash and (b) everything, adding the
/// model-based signals of the sample models, each on one thread and on every core.
/// Then the two hand-vectorised hot paths against their scalar references, on the same shingles.</summary>
public static class SignalsBenchmark
{
    /// <summary>RPv2's Python pipeline on these machines: about 150 CommonCrawl pages, 0.5 MB, per second per core.</summary>
    public const double ReferencePagesPerCoreSecond = 150, ReferenceMegabytesPerCoreSecond = 0.5;

    public sealed record Settings(int SizeMb, string WorkDir, string? Output, string CacheDir, bool Json, string? WebData = null);

    public sealed record CaseResult(string Mode, int Threads, long Documents, long TextBytes, double WallSeconds, double CpuSeconds,
        long PeakWorkingSetBytes)
    {
        public double DocumentsPerSecond => Documents / WallSeconds;
        public double MegabytesPerSecond => TextBytes / 1e6 / WallSeconds;
        public double DocumentsPerCpuSecond => Documents / CpuSeconds;
        public double MegabytesPerCpuSecond => TextBytes / 1e6 / CpuSeconds;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private const int WarmUpDocuments = 1_000;

    public static async Task RunAsync(Settings settings, CancellationToken ct)
    {
        var sources = await SampleCorpus.BuildAsync(settings.CacheDir, _ => { }, ct);
        await Rpv2WordLists.LoadAsync(settings.CacheDir, line => Console.Error.WriteLine(line), ct);
        SampleModels.Ensure(settings.CacheDir, sources, line => Console.Error.WriteLine(line));
        var (jsonl, _) = await BenchCorpus.PrepareAsync(settings.WorkDir, settings.SizeMb, settings.CacheDir, settings.WebData, ct);

        var results = new List<CaseResult>();
        foreach (var (mode, threads) in new[]
                 { ("read", 1), ("exact", 1), ("exact", Environment.ProcessorCount), ("all", 1), ("all", Environment.ProcessorCount) })
        {
            Console.Error.WriteLine($"case {mode} on {threads} thread(s) ...");
            results.Add(await RunChildAsync(jsonl.Path, mode, threads, settings.CacheDir, ct));
        }
        Console.Error.WriteLine("hot paths against their scalar references ...");
        var kernels = await KernelsAsync(jsonl.Path, ct);

        var floor = results[0];
        var report = new
        {
            benchmark = "signals",
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            corpus = jsonl,
            reference = new { pagesPerCoreSecond = ReferencePagesPerCoreSecond, megabytesPerCoreSecond = ReferenceMegabytesPerCoreSecond },
            cases = results.Select(r => new
            {
                r.Mode, r.Threads, r.Documents, r.TextBytes, r.WallSeconds, r.CpuSeconds,
                peakWorkingSetMb = r.PeakWorkingSetBytes / 1e6,
                documentsPerSecond = r.DocumentsPerSecond,
                megabytesPerSecond = r.MegabytesPerSecond,
                documentsPerCpuSecond = r.DocumentsPerCpuSecond,
                megabytesPerCpuSecond = r.MegabytesPerCpuSecond,
                timesReferencePerCore = r.Mode == "read" ? (double?)null : r.MegabytesPerCpuSecond / ReferenceMegabytesPerCoreSecond,
                // The same, with the floor's CPU time (decompressing and parsing the same input) taken out.
                computeMegabytesPerCpuSecond = r.Mode == "read" ? (double?)null : ComputeMegabytesPerCpuSecond(r, floor),
                shareOfFloor = r.MegabytesPerSecond / floor.MegabytesPerSecond,
            }).ToArray(),
            kernels,
        };
        var text = JsonSerializer.Serialize(report, Json);
        if (settings.Output is not null) await File.WriteAllTextAsync(settings.Output, text, ct);
        if (settings.Json) { Console.WriteLine(text); return; }

        Console.WriteLine($"corpus: {jsonl.Documents:N0} documents, {jsonl.TextBytes / 1e6:N0} MB of text");
        Console.WriteLine($"{"case",-10}{"threads",8}{"docs/s",10}{"MB/s",8}{"docs/cpu-s",12}{"MB/cpu-s",10}{"× RPv2/core",13}{"compute only",14}{"peak MB",9}");
        foreach (var r in results)
            Console.WriteLine($"{r.Mode,-10}{r.Threads,8}{r.DocumentsPerSecond,10:N0}{r.MegabytesPerSecond,8:N1}{r.DocumentsPerCpuSecond,12:N0}" +
                              $"{r.MegabytesPerCpuSecond,10:N2}{(r.Mode == "read" ? "" : (r.MegabytesPerCpuSecond / ReferenceMegabytesPerCoreSecond).ToString("N1")),13}" +
                              $"{(r.Mode == "read" ? "" : (ComputeMegabytesPerCpuSecond(r, floor) / ReferenceMegabytesPerCoreSecond).ToString("N1")),14}" +
                              $"{r.PeakWorkingSetBytes / 1e6,9:N0}");
        foreach (var k in kernels)
            Console.WriteLine($"{k.Name}: {k.FastNanoseconds:N0} ns vs scalar {k.ScalarNanoseconds:N0} ns per item ({k.Speedup:N1}×)");
    }

    private static double ComputeMegabytesPerCpuSecond(CaseResult result, CaseResult floor) =>
        result.TextBytes / 1e6 / Math.Max(1e-9, result.CpuSeconds - floor.CpuSeconds);

    private static async Task<CaseResult> RunChildAsync(string input, string mode, int threads, string cacheDir, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(SignalsBenchmark).Assembly.Location);
        foreach (var arg in new[] { "bench", "signals-case", "--input", input, "--mode", mode, "--threads", threads.ToString(), "--cache", cacheDir })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0) throw new InvalidOperationException($"benchmark case {mode} exited with {child.ExitCode}");
        return JsonSerializer.Deserialize<CaseResult>(output, Json)!;
    }

    /// <summary>One case, in this process; prints its result as JSON on stdout.</summary>
    public static async Task RunCaseAsync(string input, string mode, int threads, string cacheDir, CancellationToken ct)
    {
        var resources = await Rpv2WordLists.LoadAsync(cacheDir, _ => { }, ct);
        // "all" adds the model-based signals, with the sample models `bench signals` built before the cases.
        var models = mode == "all" ? new ModelSignalSet(SignalModelRepository.LoadLatestFromDirectory(SampleModels.Directory(cacheDir))) : null;
        var parallel = new ParallelSignals(resources, threads, models);
        // Steady state, as a long-running service sees it: tiered compilation starts every method unoptimised and
        // recompiles hot ones on a background thread, so the same read-and-compute path first runs over the start of
        // the corpus until the JIT has nothing left to do; then the clock measures the whole corpus.
        for (var round = 0; round < 3; round++) await ReadAndComputeAsync(input, mode, parallel, WarmUpDocuments, ct);
        await WaitForJitToSettleAsync(ct);

        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var (documents, bytes) = await ReadAndComputeAsync(input, mode, parallel, long.MaxValue, ct);
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(JsonSerializer.Serialize(new CaseResult(mode, threads, documents, bytes, clock.Elapsed.TotalSeconds,
            cpu.TotalSeconds, self.PeakWorkingSet64), Json));
    }

    /// <summary>Reads up to <paramref name="limit"/> documents and, unless the mode is "read", computes their signals
    /// with reading overlapping computing; returns the documents and UTF-8 bytes of text.</summary>
    private static async Task<(long Documents, long Bytes)> ReadAndComputeAsync(string input, string mode, ParallelSignals parallel,
        long limit, CancellationToken ct)
    {
        long documents = 0, bytes = 0;
        var pipeline = new SignalBatchPipeline(parallel, (_, results) =>
        {
            foreach (var result in results)
                if (result.Error is not null) throw result.Error;
            return Task.CompletedTask;
        });
        var batch = new List<SignalDocument>(1024);
        await foreach (var item in SignalInputReader.ReadAsync(input, "en", ct))
        {
            if (item.Document is not { } document) continue;
            if (documents == limit) break;
            batch.Add(document);
            documents++;
            bytes += System.Text.Encoding.UTF8.GetByteCount(document.Text);
            if (batch.Count < batch.Capacity) continue;
            if (mode != "read") await pipeline.SubmitAsync(batch);
            batch = new List<SignalDocument>(1024);
        }
        if (mode != "read") await pipeline.SubmitAsync(batch);
        await pipeline.CompleteAsync();
        return (documents, bytes);
    }

    /// <summary>Waits (at most 10 s) until no method has been compiled for half a second.</summary>
    internal static async Task WaitForJitToSettleAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var count = System.Runtime.JitInfo.GetCompiledMethodCount();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(500, ct);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now == count) return;
            count = now;
        }
    }

    public sealed record KernelResult(string Name, long Items, double FastNanoseconds, double ScalarNanoseconds)
    {
        public double Speedup => ScalarNanoseconds / FastNanoseconds;
    }

    /// <summary>SHA-1 of shingles (multi-buffer against one at a time) and the permuted-hash minimum (AVX2 against
    /// scalar), on the 13-gram shingles of the corpus's first documents. Each timed three times; the median counts.</summary>
    private static async Task<KernelResult[]> KernelsAsync(string input, CancellationToken ct)
    {
        var utf8 = new List<byte>();
        var starts = new List<int>();
        var ends = new List<int>();
        var normalizer = new Refinery.Text.Rpv2Normalizer();
        await foreach (var item in SignalInputReader.ReadAsync(input, "en", ct))
        {
            if (item.Document is not { } document) continue;
            var words = normalizer.Run(document.Text).ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i + 13 <= words.Length; i++)
            {
                var shingle = System.Text.Encoding.UTF8.GetBytes(string.Join(' ', words, i, 13));
                starts.Add(utf8.Count);
                utf8.AddRange(shingle);
                ends.Add(utf8.Count);
            }
            if (starts.Count >= 200_000) break;
        }
        var data = utf8.ToArray();
        var hashes = new uint[starts.Count];
        var s = starts.ToArray();
        var e = ends.ToArray();
        var sha = new KernelResult("sha1 of 13-gram shingles", s.Length,
            Median(() => Sha1Multi.Hash32(data, s, e, hashes)) / s.Length,
            Median(() => { for (var i = 0; i < s.Length; i++) hashes[i] = Sha1.Hash32(data.AsSpan(s[i], e[i] - s[i])); }) / s.Length);

        var hasher = new MinHasher(MinHashPermutations.RpV2, 13);
        var signature = new uint[hasher.Count];
        var minimum = new KernelResult("128 permuted minima per shingle", hashes.Length,
            Median(() => hasher.Signature(hashes, signature)) / hashes.Length,
            Median(() => hasher.SignatureScalar(hashes, signature)) / hashes.Length);
        return [sha, minimum];

        static double Median(Action run)
        {
            var times = new double[3];
            for (var i = 0; i < times.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                run();
                times[i] = clock.Elapsed.TotalNanoseconds;
            }
            Array.Sort(times);
            return times[1];
        }
    }
}
