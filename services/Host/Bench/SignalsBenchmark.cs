using System.Diagnostics;
using System.Text.Json;
using Refinery.Host.Demo;
using Refinery.Quality.Resources;

namespace Refinery.Host.Bench;

/// <summary>Signal throughput of the whole paths users run, on a web-page corpus. Each case is a fresh process measured
/// from its start to its end (start-up, JIT, word lists, reading and writing included): the floor (reading and
/// parsing only); `refinery signals` writing the golden JSONL layout and the Parquet signal shard, on one thread and
/// on every core; everything (the model signals of the sample models too) on one thread; and the Signals service's
/// shard path, a document shard in an object store to a signal shard back in it (the file-system store, and with
/// --s3 the S3 server). Then the two hand-vectorised hot paths against their scalar references.</summary>
public static class SignalsBenchmark
{
    /// <summary>RPv2's Python pipeline on these machines: about 150 CommonCrawl pages, 0.5 MB, per second per core.</summary>
    public const double ReferencePagesPerCoreSecond = 150, ReferenceMegabytesPerCoreSecond = 0.5;

    public sealed record Settings(int SizeMb, string WorkDir, string? Output, string CacheDir, bool Json, string? WebData = null,
        bool S3 = false);

    /// <summary>One measured case; MB are UTF-8 megabytes of document text.</summary>
    public sealed record CaseResult(string Name, string Format, int Threads, long Documents, long TextBytes, double WallSeconds,
        double CpuSeconds, long PeakWorkingSetBytes)
    {
        public double DocumentsPerSecond => Documents / WallSeconds;
        public double MegabytesPerSecond => TextBytes / 1e6 / WallSeconds;
        public double DocumentsPerCpuSecond => Documents / CpuSeconds;
        public double MegabytesPerCpuSecond => TextBytes / 1e6 / CpuSeconds;
    }

    /// <summary>A case to run: its name in the report and the arguments of its `bench signals-case` child.</summary>
    private sealed record Case(string Name, string Format, int Threads, string[] Arguments);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task RunAsync(Settings settings, CancellationToken ct)
    {
        var sources = await SampleCorpus.BuildAsync(settings.CacheDir, _ => { }, ct);
        await Rpv2WordLists.LoadAsync(settings.CacheDir, line => Console.Error.WriteLine(line), ct);
        SampleModels.Ensure(settings.CacheDir, sources, line => Console.Error.WriteLine(line));
        var (jsonl, _) = await BenchCorpus.PrepareAsync(settings.WorkDir, settings.SizeMb, settings.CacheDir, settings.WebData, ct);
        var scratch = Path.Combine(settings.WorkDir, "signals-bench");
        if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        Directory.CreateDirectory(scratch);

        var threadCounts = new[] { 1, Environment.ProcessorCount }.Distinct().ToArray();
        var cases = new List<Case> { new("read", "", 1, ["--case", "read", "--input", jsonl.Path]) };
        foreach (var format in new[] { "jsonl", "parquet" })
            foreach (var threads in threadCounts)
                cases.Add(SignalsCase($"signals {format}", format, threads, models: null));
        cases.Add(SignalsCase("all (+ models) parquet", "parquet", 1, SampleModels.Directory(settings.CacheDir)));

        // The service path reads a document shard that ingestion's writer made from the same corpus (not measured).
        var stores = new List<(string Spec, string Corpus)> { ($"file:{Path.Combine(scratch, "store")}", "bench-signals") };
        if (settings.S3) stores.Add(("s3", $"bench-signals-{Guid.NewGuid():N}"[..22]));
        var results = new List<CaseResult>();
        try
        {
            foreach (var (spec, corpus) in stores)
            {
                Console.Error.WriteLine($"writing the document shard to {spec} ...");
                var eventFile = Path.Combine(scratch, $"{corpus}.event.json");
                var store = SignalsServicePath.OpenStore(spec);
                try { await SignalsServicePath.PrepareAsync(store, corpus, jsonl.Path, eventFile, ct); }
                finally { (store as IDisposable)?.Dispose(); }
                var name = spec == "s3" ? "service, S3 store" : "service, file store";
                foreach (var threads in threadCounts)
                    cases.Add(new Case(name, "parquet", threads,
                        ["--case", "service", "--input", eventFile, "--store", spec, "--threads", threads.ToString(), "--cache", settings.CacheDir]));
            }

            foreach (var c in cases)
            {
                Console.Error.WriteLine($"case {c.Name} on {c.Threads} thread(s) ...");
                var measure = await RunChildAsync(c.Arguments, ct);
                if (measure.Documents != jsonl.Documents)
                    throw new InvalidOperationException($"case {c.Name} saw {measure.Documents} documents, the corpus has {jsonl.Documents}");
                results.Add(new CaseResult(c.Name, c.Format, c.Threads, measure.Documents, jsonl.TextBytes, measure.WallSeconds,
                    measure.CpuSeconds, measure.PeakWorkingSetBytes));
                foreach (var file in Directory.EnumerateFiles(scratch, "out.*")) File.Delete(file);
            }
        }
        finally
        {
            foreach (var (spec, corpus) in stores.Where(s => s.Spec == "s3"))
            {
                var s3 = SignalsServicePath.OpenStore(spec);
                try { await SignalsServicePath.CleanUpAsync(s3, corpus, CancellationToken.None); }
                finally { (s3 as IDisposable)?.Dispose(); }
            }
            Directory.Delete(scratch, recursive: true);
        }
        Console.Error.WriteLine("hot paths against their scalar references ...");
        var kernels = await SignalsBenchKernels.RunAsync(jsonl.Path, ct);
        var overheads = ThreadOverheads(results);

        var report = new
        {
            benchmark = "signals",
            machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            corpus = jsonl,
            reference = new { pagesPerCoreSecond = ReferencePagesPerCoreSecond, megabytesPerCoreSecond = ReferenceMegabytesPerCoreSecond },
            cases = results.Select(r => new
            {
                r.Name, r.Format, r.Threads, r.Documents, r.TextBytes, r.WallSeconds, r.CpuSeconds,
                peakWorkingSetMb = r.PeakWorkingSetBytes / 1e6,
                documentsPerSecond = r.DocumentsPerSecond,
                megabytesPerSecond = r.MegabytesPerSecond,
                documentsPerCpuSecond = r.DocumentsPerCpuSecond,
                megabytesPerCpuSecond = r.MegabytesPerCpuSecond,
                timesReferencePerCore = r.Name == "read" ? (double?)null : r.MegabytesPerCpuSecond / ReferenceMegabytesPerCoreSecond,
            }).ToArray(),
            threadOverheads = overheads.Select(o => new { name = o.Name, o.Threads, cpuOverhead = o.Overhead }).ToArray(),
            kernels,
        };
        var text = JsonSerializer.Serialize(report, Json);
        if (settings.Output is not null) await File.WriteAllTextAsync(settings.Output, text, ct);
        if (settings.Json) { Console.WriteLine(text); return; }
        Print(jsonl, results, overheads, kernels);

        Case SignalsCase(string name, string format, int threads, string? models)
        {
            List<string> args = ["--case", "signals", "--input", jsonl.Path, "--output", Path.Combine(scratch, $"out.{format}"),
                "--format", format, "--threads", threads.ToString(), "--cache", settings.CacheDir];
            if (models is not null) args.AddRange(["--models", models]);
            return new Case(name, format, threads, [.. args]);
        }
    }

    private static void Print(BenchInput corpus, List<CaseResult> results, List<(string Name, int Threads, double Overhead)> overheads,
        SignalsBenchKernels.KernelResult[] kernels)
    {
        Console.WriteLine($"corpus: {corpus.Documents:N0} documents, {corpus.TextBytes / 1e6:N0} MB of text; whole processes");
        Console.WriteLine($"{"case",-26}{"threads",8}{"docs/s",9}{"MB/s",7}{"MB/cpu-s",10}{"× RPv2/core",13}{"wall s",8}{"cpu s",8}{"peak MB",9}");
        foreach (var r in results)
            Console.WriteLine($"{r.Name,-26}{r.Threads,8}{r.DocumentsPerSecond,9:N0}{r.MegabytesPerSecond,7:N1}{r.MegabytesPerCpuSecond,10:N2}" +
                              $"{(r.Name == "read" ? "" : (r.MegabytesPerCpuSecond / ReferenceMegabytesPerCoreSecond).ToString("N1")),13}" +
                              $"{r.WallSeconds,8:N1}{r.CpuSeconds,8:N1}{r.PeakWorkingSetBytes / 1e6,9:N0}");
        foreach (var (name, threads, overhead) in overheads)
            Console.WriteLine($"{name} on {threads} threads: {overhead:+0%;-0%} CPU time against 1 thread");
        foreach (var k in kernels)
            Console.WriteLine($"{k.Name}: {k.FastNanoseconds:N0} ns vs scalar {k.ScalarNanoseconds:N0} ns per item ({k.Speedup:N1}×)");
    }

    /// <summary>For each case run on more than one thread: its CPU time over the same case's on one thread, minus one.</summary>
    private static List<(string Name, int Threads, double Overhead)> ThreadOverheads(List<CaseResult> results) =>
        results.Where(r => r.Threads > 1)
            .Select(r => (r, one: results.FirstOrDefault(o => o.Name == r.Name && o.Threads == 1)))
            .Where(p => p.one is not null)
            .Select(p => (p.r.Name, p.r.Threads, p.r.CpuSeconds / p.one!.CpuSeconds - 1))
            .ToList();

    private static async Task<SignalsBenchCase.Measure> RunChildAsync(string[] arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(SignalsBenchmark).Assembly.Location);
        foreach (var arg in (string[])["bench", "signals-case", .. arguments]) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0) throw new InvalidOperationException($"benchmark case {string.Join(' ', arguments)} exited with {child.ExitCode}");
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        return JsonSerializer.Deserialize<SignalsBenchCase.Measure>(last, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
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
}
