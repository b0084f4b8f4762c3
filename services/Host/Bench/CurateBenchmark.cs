using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Curation.Domain;
using Refinery.Curation.Pipeline;
using Refinery.Curation.Recipes;
using Refinery.Host.Demo;
using Refinery.Quality.Formats;
using Refinery.Quality.Resources;
using Refinery.Quality.Rpv2;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Host.Bench;

/// <summary>`refinery bench curate`: how fast the Curation service turns a corpus's document and signal shards into a
/// dataset version's parts (recipe, kept documents, token shards), per CPU-second (cases run one part, or every core's
/// worth of parts, at once, as a Curation process does), against the floor of
/// reading both shards and writing the documents back with the cheapest tokenizer, measured in the same run.</summary>
public static class CurateBenchmark
{
    private const int DocumentsPerShard = 4_000;

    public sealed record Settings(int SizeMb, string WorkDir, string? Output, string CacheDir, bool Json, string? WebData = null);

    public sealed record Case(string Name, string Recipe, string Tokenizer, int PartsAtOnce, long Documents, long Kept, long Tokens, long TextBytes,
        double WallSeconds, double CpuSeconds)
    {
        public double DocumentsPerCpuSecond => Documents / CpuSeconds;
        public double MegabytesPerCpuSecond => TextBytes / 1e6 / CpuSeconds;
    }

    public static async Task RunAsync(Settings settings, CancellationToken ct)
    {
        var store = new FileSystemObjectStore(Path.Combine(settings.WorkDir, "store"));
        var (parts, textBytes) = await PrepareAsync(settings, store, ct);
        DatasetJob Job(string recipe, string tokenizer) => new()
        {
            Id = Guid.NewGuid(), Dataset = "bench", Version = "000000000000", PartsJson = JsonSerializer.Serialize(parts),
            RecipeName = recipe, RecipeText = Recipe.Load(recipe).Text, Tokenizer = Contracts.Options.OptionValues<Contracts.Curation.TokenizerKind>.Parse(tokenizer), ValidationFraction = 0.01,
        };
        var curator = new PartCurator(store, new PartReader(store));
        // Steady state: every case once over the first part, then until the JIT has stopped compiling.
        foreach (var (recipe, tokenizer) in new[] { ("none", "bytes"), ("none", "gpt2"), ("gopher", "gpt2"), ("c4", "gpt2") })
            await curator.CurateAsync(Job(recipe, tokenizer), 0, ct);
        await SignalsBenchmark.WaitForJitToSettleAsync(ct);

        var cases = new List<Case>();
        foreach (var (name, recipe, tokenizer, partsAtOnce) in new[]
                 {
                     ("floor", "none", "bytes", 1), ("none", "none", "gpt2", 1), ("gopher", "gopher", "gpt2", 1), ("c4", "c4", "gpt2", 1),
                     ("gopher", "gopher", "gpt2", Environment.ProcessorCount),
                 })
        {
            Console.Error.WriteLine($"{name} ({recipe}, {tokenizer}) with {partsAtOnce} part(s) at once ...");
            var job = Job(recipe, tokenizer);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var stats = new PartStats[parts.Count];
            await Parallel.ForAsync(0, parts.Count, new ParallelOptions { MaxDegreeOfParallelism = partsAtOnce, CancellationToken = ct },
                async (p, token) => stats[p] = await curator.CurateAsync(job, p, token));
            clock.Stop();
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            cases.Add(new Case(name, recipe, tokenizer, partsAtOnce, stats.Sum(s => s.Documents), stats.Sum(s => s.Kept),
                stats.Sum(s => s.Tokens + s.ValidationTokens), textBytes, clock.Elapsed.TotalSeconds, cpu));
        }
        using var self = Process.GetCurrentProcess();
        var floor = cases[0].DocumentsPerCpuSecond;
        var report = new
        {
            documents = cases[0].Documents, text_mb = Math.Round(textBytes / 1e6, 1), parts = parts.Count,
            cases = cases.Select(c => new
            {
                c.Name, c.Recipe, c.Tokenizer, c.PartsAtOnce, c.Documents, c.Kept, c.Tokens,
                wall_seconds = Math.Round(c.WallSeconds, 2), cpu_seconds = Math.Round(c.CpuSeconds, 2),
                documents_per_second = Math.Round(c.Documents / c.WallSeconds), documents_per_cpu_second = Math.Round(c.DocumentsPerCpuSecond),
                mb_per_cpu_second = Math.Round(c.MegabytesPerCpuSecond, 2), share_of_floor = Math.Round(c.DocumentsPerCpuSecond / floor, 3),
            }),
            peak_memory_mb = Math.Round(self.PeakWorkingSet64 / 1e6),
        };
        var text = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
        if (settings.Output is { } output) await File.WriteAllTextAsync(output, text, ct);
        if (settings.Json)
        {
            Console.WriteLine(text);
            return;
        }
        Console.WriteLine($"{report.documents:N0} documents ({report.text_mb} MB of text) in {parts.Count} parts");
        Console.WriteLine($"{"case",-10}{"recipe",-10}{"tokens",-8}{"parts",8}{"docs/s",10}{"docs/CPU-s",12}{"MB/CPU-s",10}{"÷ floor",9}{"kept",9}");
        foreach (var c in cases)
            Console.WriteLine($"{c.Name,-10}{c.Recipe,-10}{c.Tokenizer,-8}{c.PartsAtOnce,8}{c.Documents / c.WallSeconds,10:N0}{c.DocumentsPerCpuSecond,12:N0}" +
                              $"{c.MegabytesPerCpuSecond,10:F2}{c.DocumentsPerCpuSecond / floor,9:F2}{c.Kept,9:N0}");
        Console.WriteLine($"peak memory {report.peak_memory_mb} MB");
    }

    /// <summary>A generated web-like corpus as ingestion and the signals service would leave it: document shards of
    /// <see cref="DocumentsPerShard"/> documents and their signal shards.</summary>
    private static async Task<(List<PartInput> Parts, long TextBytes)> PrepareAsync(Settings settings, IObjectStore store, CancellationToken ct)
    {
        var (jsonl, _) = await BenchCorpus.PrepareAsync(settings.WorkDir, settings.SizeMb, settings.CacheDir, settings.WebData, ct);
        var documents = new List<SignalDocument>();
        await foreach (var item in SignalInputReader.ReadAsync(jsonl.Path, "en", ct))
            if (item.Document is { } d) documents.Add(d);
        Console.Error.WriteLine($"computing the signals of {documents.Count:N0} documents (setup, not measured) ...");
        var signals = new ParallelSignals(await Rpv2WordLists.LoadAsync(settings.CacheDir, _ => { }, ct), Environment.ProcessorCount);
        var parts = new List<PartInput>();
        for (var shard = 0; shard * DocumentsPerShard < documents.Count; shard++)
        {
            var batch = documents.Skip(shard * DocumentsPerShard).Take(DocumentsPerShard).ToList();
            var lines = new StringBuilder();
            foreach (var d in batch) lines.Append(JsonSerializer.Serialize(new { id = d.Id, text = d.Text, url = d.Url, lang = d.Language })).Append('\n');
            using var compressor = new Compressor(3);
            var docs = await store.PutAsync(IngestionKeys.Shard("bench", shard), new MemoryStream(compressor.Wrap(Encoding.UTF8.GetBytes(lines.ToString())).ToArray()), ct);
            using var file = new MemoryStream();
            await using (var writer = await SignalParquetWriter.CreateAsync(file, new SignalFileInfo { Config = "rpv2" }))
            {
                foreach (var result in signals.Compute(batch)) await writer.WriteAsync(result.Signals!, ct: ct);
                await writer.CompleteAsync(ct);
            }
            file.Position = 0;
            var shardSignals = await store.PutAsync(SignalsKeys.Signals("bench", shard, "rpv2"), file, ct);
            parts.Add(new PartInput("bench", $"{shard:D5}", docs, shardSignals));
        }
        return (parts, documents.Sum(d => (long)Encoding.UTF8.GetByteCount(d.Text)));
    }
}
