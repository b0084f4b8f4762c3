using System.Diagnostics;
using System.Text.Json;
using Refinery.Contracts.Training;
using Refinery.Modeling.Llama;
using Refinery.Modeling.Runtime;
using Refinery.Training.Run;
using static TorchSharp.torch;

namespace Refinery.Host.Bench;

/// <summary>`refinery bench train`: training throughput of the reference configuration (6 layers, width 256, 8 heads,
/// MLP 688, context 256, micro-batch 16, a synthetic vocabulary of 8,192 with random ids, fp32) through the service's own
/// <see cref="TrainingStep"/>, on one and two threads, each case in a fresh process (so its peak memory is its own):
/// tokens/s, achieved GFLOP/s against the machine's measured matrix-multiply peak, and peak memory. When Debian's
/// python3-torch is installed, the same model and batch in PyTorch (tools/hf-reference/train_bench.py) runs in the
/// same bench for the ratio.</summary>
public static class TrainBenchmark
{
    public sealed record Settings(int Steps, string? Output, bool Json);

    public const int Vocabulary = 8192, MicroBatch = 16;

    public sealed record CaseResult(string Engine, int Threads, int Steps, long TokensPerStep, double MedianStepSeconds,
        double TokensPerSecond, double ModelGflopPerStep, double AchievedGflops, double MatmulPeakGflops, long PeakBytes);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static LlamaConfig ReferenceConfig()
    {
        var p = ModelPresets.All[ModelPreset.Reference];
        return new LlamaConfig
        {
            VocabSize = Vocabulary, HiddenSize = p.Hidden, IntermediateSize = p.Intermediate, NumHiddenLayers = p.Layers,
            NumAttentionHeads = p.Heads, NumKeyValueHeads = p.KeyValueHeads, MaxPositionEmbeddings = p.Context, TieWordEmbeddings = p.TieEmbeddings,
        };
    }

    /// <summary>Training FLOPs of one token: 6 per weight of every matrix multiply (forward 2, backward 4), plus the
    /// attention scores and their use (PaLM's 12·layers·width·context, counted without the causal half saved).</summary>
    public static double FlopsPerToken(LlamaConfig c)
    {
        var kv = c.KeyValueHeads * c.HeadDimension;
        double perLayer = c.HiddenSize * (double)(c.HiddenSize + 2 * kv + c.HiddenSize) + 3.0 * c.HiddenSize * c.IntermediateSize;
        var matmulWeights = c.NumHiddenLayers * perLayer + (double)c.HiddenSize * c.VocabSize;
        return 6 * matmulWeights + 12.0 * c.NumHiddenLayers * c.HiddenSize * c.MaxPositionEmbeddings;
    }

    public static async Task RunAsync(Settings settings, CancellationToken ct)
    {
        var cases = new List<CaseResult>();
        foreach (var threads in new[] { 1, 2 })
        {
            Console.Error.WriteLine($"refinery (TorchSharp) with {threads} thread(s), {settings.Steps} steps ...");
            cases.Add(await RunChildAsync(["bench", "train-case", "--threads", threads.ToString(), "--steps", settings.Steps.ToString()], ct));
        }
        string? pythonNote = null;
        if (await PythonReference.HasTorchAsync(ct))
        {
            var python = PythonReference.Script();
            foreach (var threads in new[] { 1, 2 })
            {
                Console.Error.WriteLine($"PyTorch with {threads} thread(s), {settings.Steps} steps ...");
                var line = await PythonReference.RunAsync(python, threads, settings.Steps, ct);
                var r = JsonDocument.Parse(line).RootElement;
                var tokensPerSecond = r.GetProperty("tokens_per_second").GetDouble();
                var config = ReferenceConfig();
                cases.Add(new CaseResult("pytorch " + r.GetProperty("torch").GetString(), threads, settings.Steps, MicroBatch * (long)config.MaxPositionEmbeddings,
                    r.GetProperty("median_step_seconds").GetDouble(), tokensPerSecond, FlopsPerToken(config) * MicroBatch * config.MaxPositionEmbeddings / 1e9,
                    tokensPerSecond * FlopsPerToken(config) / 1e9, cases.First(c => c.Threads == threads).MatmulPeakGflops,
                    r.GetProperty("peak_rss_bytes").GetInt64()));
            }
        }
        else pythonNote = "python3-torch is not installed (apt-get install python3-torch libopenblas0-pthread): no PyTorch figures";

        var ratios = cases.Where(c => c.Engine == "refinery").Select(c => new
        {
            c.Threads,
            VersusPytorch = cases.FirstOrDefault(p => p.Engine.StartsWith("pytorch", StringComparison.Ordinal) && p.Threads == c.Threads) is { } p
                ? c.TokensPerSecond / p.TokensPerSecond : (double?)null,
            VersusBestPytorch = cases.Where(p => p.Engine.StartsWith("pytorch", StringComparison.Ordinal)).Select(p => p.TokensPerSecond).DefaultIfEmpty().Max() is var best and > 0
                ? c.TokensPerSecond / best : (double?)null,
        }).ToList();
        var result = new { configuration = ReferenceConfig(), microBatch = MicroBatch, cases, ratios, note = pythonNote, machine = new { cores = Environment.ProcessorCount } };
        var json = JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
        if (settings.Output is { } path) await File.WriteAllTextAsync(path, json, ct);
        if (settings.Json)
        {
            Console.WriteLine(json);
            return;
        }
        Console.WriteLine($"{"engine",-22}{"threads",8}{"tokens/s",11}{"step s",9}{"GFLOP/s",9}{"peak",8}{"of peak",9}{"memory",10}");
        foreach (var c in cases)
            Console.WriteLine($"{c.Engine,-22}{c.Threads,8}{c.TokensPerSecond,11:N0}{c.MedianStepSeconds,9:F3}{c.AchievedGflops,9:F1}" +
                              $"{c.MatmulPeakGflops,8:F0}{c.AchievedGflops / c.MatmulPeakGflops,9:P0}{c.PeakBytes / 1e6,8:N0} MB");
        foreach (var r in ratios.Where(r => r.VersusPytorch is not null))
            Console.WriteLine($"refinery / PyTorch at {r.Threads} thread(s): {r.VersusPytorch:F2}×; against PyTorch's best: {r.VersusBestPytorch:F2}×");
        if (pythonNote is not null) Console.WriteLine(pythonNote);
    }

    /// <summary>One case in this process; prints its result as JSON on stdout.</summary>
    public static void RunCase(int threads, int steps)
    {
        TorchRuntime.SetThreads(threads);
        var config = ReferenceConfig();
        using var model = new LlamaModel(config, seed: 1);
        using var step = new TrainingStep(model, 0.9, 0.95, 1e-8, 0.1);
        var context = config.MaxPositionEmbeddings;
        var random = new Random(7);
        var windows = new long[MicroBatch * (context + 1)];
        var times = new List<double>();
        // Two steps first: libtorch allocates and the JIT compiles on the first ones.
        for (var i = 0; i < steps + 2; i++)
        {
            for (var j = 0; j < windows.Length; j++) windows[j] = random.Next(Vocabulary);
            var clock = Stopwatch.StartNew();
            step.Begin();
            step.Accumulate(windows, MicroBatch, context, 1);
            step.Finish(1e-4, 1.0);
            if (i >= 2) times.Add(clock.Elapsed.TotalSeconds);
        }
        times.Sort();
        var median = times[times.Count / 2];
        var tokens = MicroBatch * (long)context;
        var gflopPerStep = FlopsPerToken(config) * tokens / 1e9;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(JsonSerializer.Serialize(new CaseResult("refinery", threads, steps, tokens, median, tokens / median, gflopPerStep,
            gflopPerStep / median, MatmulPeakGflops(), self.PeakWorkingSet64), Json));
    }

    /// <summary>The machine's attainable fp32 peak on these threads: the best of a few 1024³ matrix multiplies in libtorch.</summary>
    private static double MatmulPeakGflops()
    {
        const int n = 1024;
        using var a = randn(n, n);
        using var b = randn(n, n);
        var best = double.MaxValue;
        for (var i = 0; i < 6; i++)
        {
            var clock = Stopwatch.StartNew();
            using var c = a.matmul(b);
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return 2.0 * n * n * n / best / 1e9;
    }

    private static async Task<CaseResult> RunChildAsync(string[] args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(typeof(TrainBenchmark).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var output = await child.StandardOutput.ReadToEndAsync(ct);
        await child.WaitForExitAsync(ct);
        if (child.ExitCode != 0) throw new InvalidOperationException($"benchmark case {string.Join(' ', args)} exited with {child.ExitCode}");
        return JsonSerializer.Deserialize<CaseResult>(output, Json)!;
    }
}
