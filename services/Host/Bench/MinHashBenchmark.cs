using System.Diagnostics;
using System.Text.Json;
using Refinery.Host.Demo;
using Refinery.Host.Dedup;
using Refinery.Quality.Formats;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Host.Bench;

/// <summary>`refinery bench minhash`: MinHash signatures per second and MB per CPU-second on a generated web-like
/// corpus held in memory, with RPv2's SHA-1 shingle hash and with the XxHash3 fast mode, on one and all cores; then
/// LSH bucketing and union-find clustering at RPv2's four thresholds; then the whole `refinery dedup` path (reading the
/// JSONL.zst, hashing, linking, writing the clusters) in a fresh process per hash and thread count, as users run it.</summary>
public static class MinHashBenchmark
{
    public sealed record Settings(int SizeMb, string WorkDir, string? Output, string CacheDir, bool Json, string? WebData = null);

    public sealed record SignatureCase(string Hash, int Threads, long Documents, long Signatures, long TextBytes, double WallSeconds,
        double CpuSeconds)
    {
        public double SignaturesPerSecond => Signatures / WallSeconds;
        public double SignaturesPerCpuSecond => Signatures / CpuSeconds;
        public double MegabytesPerCpuSecond => TextBytes / 1e6 / CpuSeconds;
    }

    /// <summary>One whole `refinery dedup` process: CPU and wall from the process's start (runtime start-up included),
    /// so it is what a user's `time refinery dedup` would show.</summary>
    public sealed record PathCase(string Hash, int Threads, long Documents, double WallSeconds, double CpuSeconds, long PeakBytes,
        long AllocatedBytes);

    public sealed record LshCase(double Threshold, int Bands, int Rows, long Signatures, double WallSeconds, long Clusters, long ClusteredDocuments);

    public static async Task RunAsync(Settings settings, CancellationToken ct)
    {
        var (jsonl, _) = await BenchCorpus.PrepareAsync(settings.WorkDir, settings.SizeMb, settings.CacheDir, settings.WebData, ct);
        var texts = new List<string>();
        var ids = new List<string>();
        await foreach (var item in SignalInputReader.ReadAsync(jsonl.Path, "en", ct))
        {
            if (item.Document is not { } d) continue;
            texts.Add(d.Text);
            ids.Add(d.Id);
        }
        var textBytes = texts.Sum(t => (long)System.Text.Encoding.UTF8.GetByteCount(t));

        // Steady state: both hashes run over the start of the corpus until the JIT has stopped compiling.
        foreach (var hash in new[] { ShingleHash.Sha1, ShingleHash.XxHash3 })
            for (var round = 0; round < 3; round++) Fingerprints(texts.Take(3_000).ToList(), hash, Environment.ProcessorCount);
        await SignalsBenchmark.WaitForJitToSettleAsync(ct);

        var cases = new List<SignatureCase>();
        Fingerprint[]? rpv2 = null;
        foreach (var hash in new[] { ShingleHash.Sha1, ShingleHash.XxHash3 })
        foreach (var threads in new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            Console.Error.WriteLine($"signatures with {hash} on {threads} thread(s) ...");
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var fingerprints = Fingerprints(texts, hash, threads);
            clock.Stop();
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            cases.Add(new SignatureCase(hash.ToString(), threads, texts.Count, fingerprints.Count(f => f.Signature is not null), textBytes,
                clock.Elapsed.TotalSeconds, cpu));
            if (hash == ShingleHash.Sha1) rpv2 = fingerprints;
        }

        var entries = rpv2!.Select((f, i) => new OfflineDedup.Entry(ids[i], Quality.Rpv2.Rpv2SignalComputer.IdInt(ids[i]), texts[i].Length,
            f.NormalizedKey, f.Signature is not null, null, f.Signature)).ToList();
        var lsh = new List<LshCase>();
        foreach (var layout in MinHashBands.RpV2)
        {
            Console.Error.WriteLine($"LSH and clustering at {layout.Threshold} ...");
            var clock = Stopwatch.StartNew();
            var clustering = OfflineDedup.Cluster(entries, layout.Threshold, MinHashPermutations.RpV2Count, verify: false, exact: false);
            clock.Stop();
            var c = clustering.Components;
            var clustered = Enumerable.Range(0, entries.Count).Where(i => c.SizeOf(i) > 1).ToList();
            lsh.Add(new LshCase(layout.Threshold, clustering.Bands, clustering.Rows, entries.Count(e => e.HasSignature),
                clock.Elapsed.TotalSeconds, clustered.Select(c.Find).Distinct().Count(), clustered.Count));
        }
        var paths = new List<PathCase>();
        foreach (var hash in new[] { "sha1", "xxhash3" })
        foreach (var threads in new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            Console.Error.WriteLine($"refinery dedup with {hash} on {threads} thread(s) ...");
            paths.Add(await RunChildAsync(jsonl.Path, hash, threads, settings.WorkDir, ct));
        }
        using var self = Process.GetCurrentProcess();
        var report = new
        {
            benchmark = "minhash", corpus = jsonl, machine = new { cores = Environment.ProcessorCount },
            signatures = cases.Select(c => new { c.Hash, c.Threads, c.Documents, c.Signatures, c.TextBytes, c.WallSeconds, c.CpuSeconds,
                signaturesPerSecond = c.SignaturesPerSecond, signaturesPerCpuSecond = c.SignaturesPerCpuSecond,
                megabytesPerCpuSecond = c.MegabytesPerCpuSecond }),
            lsh,
            wholePath = paths.Select(p => new { p.Hash, p.Threads, p.Documents, p.WallSeconds, p.CpuSeconds, peakMb = p.PeakBytes / 1e6,
                allocatedMb = p.AllocatedBytes / 1e6, megabytesPerCpuSecond = textBytes / 1e6 / p.CpuSeconds,
                documentsPerSecond = p.Documents / p.WallSeconds, cpuOverVsOneThread = CpuOverOneThread(paths, p) }),
            peakWorkingSetMb = self.PeakWorkingSet64 / 1e6,
        };
        var text = JsonSerializer.Serialize(report, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
        if (settings.Output is not null) await File.WriteAllTextAsync(settings.Output, text, ct);
        if (settings.Json) { Console.WriteLine(text); return; }
        Console.WriteLine($"corpus: {texts.Count:N0} documents, {textBytes / 1e6:N0} MB of text (in memory)");
        Console.WriteLine($"{"hash",-8}{"threads",8}{"signatures/s",14}{"per CPU-s",11}{"MB/CPU-s",10}");
        foreach (var c in cases)
            Console.WriteLine($"{c.Hash,-8}{c.Threads,8}{c.SignaturesPerSecond,14:N0}{c.SignaturesPerCpuSecond,11:N0}{c.MegabytesPerCpuSecond,10:N1}");
        Console.WriteLine($"{"threshold",9}{"b×r",8}{"seconds",9}{"clusters",10}{"documents",11}");
        foreach (var l in lsh)
            Console.WriteLine($"{l.Threshold,9:0.0}{$"{l.Bands}×{l.Rows}",8}{l.WallSeconds,9:N2}{l.Clusters,10:N0}{l.ClusteredDocuments,11:N0}");
        Console.WriteLine($"peak memory {self.PeakWorkingSet64 / 1e6:N0} MB");
        Console.WriteLine("whole `refinery dedup --threshold 0.8` process (read JSONL.zst, hash, link, write):");
        Console.WriteLine($"{"hash",-8}{"threads",8}{"MB/CPU-s",10}{"docs/s",10}{"wall s",8}{"CPU-s",8}{"CPU vs 1",10}{"peak MB",9}{"alloc MB",10}");
        foreach (var p in paths)
            Console.WriteLine($"{p.Hash,-8}{p.Threads,8}{textBytes / 1e6 / p.CpuSeconds,10:N1}{p.Documents / p.WallSeconds,10:N0}{p.WallSeconds,8:N2}" +
                              $"{p.CpuSeconds,8:N2}{CpuOverOneThread(paths, p),10:+0%;-0%;0%}{p.PeakBytes / 1e6,9:N0}{p.AllocatedBytes / 1e6,10:N0}");
    }

    /// <summary>How many more CPU-seconds this case spent than the same hash on one thread (the cost of parallelism).</summary>
    private static double CpuOverOneThread(List<PathCase> paths, PathCase p) =>
        paths.First(o => o.Hash == p.Hash && o.Threads == 1) is var one ? p.CpuSeconds / one.CpuSeconds - 1 : 0;

    private static readonly JsonSerializerOptions CaseJson = new(JsonSerializerDefaults.Web);

    private static async Task<PathCase> RunChildAsync(string input, string hash, int threads, string workDir, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(MinHashBenchmark).Assembly.Location);
        foreach (var arg in new[] { "bench", "minhash-case", "--input", input, "--mode", hash, "--threads", threads.ToString(), "--work-dir", workDir })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0) throw new InvalidOperationException($"benchmark case {hash} on {threads} thread(s) exited with {child.ExitCode}");
        return JsonSerializer.Deserialize<PathCase>(output, CaseJson)!;
    }

    /// <summary>One whole `refinery dedup` run in this fresh process, with no warm-up: prints its <see cref="PathCase"/> as JSON.</summary>
    public static async Task RunCaseAsync(string input, string hash, int threads, string workDir, CancellationToken ct)
    {
        var output = Path.Combine(workDir, $"minhash-case-{hash}-{threads}.jsonl");
        var settings = new OfflineDedup.Settings([input], output, 0.8, Hash: hash == "xxhash3" ? ShingleHash.XxHash3 : ShingleHash.Sha1,
            Threads: threads, WorkDir: workDir);
        var summary = await OfflineDedup.RunAsync(settings, _ => { }, ct);
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime.TotalSeconds;
        var wall = (DateTime.Now - self.StartTime).TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new PathCase(hash, threads, summary.Documents, wall, cpu, self.PeakWorkingSet64,
            GC.GetTotalAllocatedBytes()), CaseJson));
    }

    private static Fingerprint[] Fingerprints(IReadOnlyList<string> texts, ShingleHash hash, int threads)
    {
        var result = new Fingerprint[texts.Count];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker =>
        {
            var fingerprinter = new DedupFingerprinter(MinHashPermutations.RpV2, 13, hash);
            for (var i = worker; i < texts.Count; i += threads) result[i] = fingerprinter.Compute(texts[i], withShingles: false);
        });
        return result;
    }
}
