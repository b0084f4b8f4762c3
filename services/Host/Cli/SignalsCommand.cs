using System.CommandLine;
using System.Text.Json;
using Refinery.Host.Signals;
using Refinery.Quality.Models;
using Refinery.Quality.Resources;

namespace Refinery.Host.Cli;

/// <summary>`refinery signals INPUT... -o OUT`: RPv2 quality signals for local files, offline.</summary>
public static class SignalsCommand
{
    public static readonly IReadOnlyList<string> Formats = ["jsonl", "rpv2", "parquet"];

    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "JSONL files (plain, .gz or .zst) with id, text or raw_content, url, language", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Required = true, Description = "Output file" };
        var lang = new Option<string>("--lang") { DefaultValueFactory = _ => "en", Description = "Language of documents without a `language` field" };
        var format = new Option<string>("--format")
        {
            DefaultValueFactory = _ => "jsonl",
            Description = "jsonl: one record per document with quality_signals and minhash (the golden layout); rpv2: RPv2's published .signals.json.gz records; parquet: the signal shard layout the service writes",
        };
        format.AcceptOnlyFromAmong([.. Formats]);
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount, Description = "Worker threads" };
        var cache = new Option<string?>("--cache") { Description = "Cache folder for word lists (default ~/.cache/refinery)" };
        var models = new Option<string?>("--models")
        {
            Description = "Folder of substitute models built by `refinery resources build` (e.g. .refinery/resources): adds ccnet_*, rps_doc_ml_* and *_importance* signals",
        };
        var ut1 = new Option<string?>("--ut1")
        {
            Description = "UT1 blacklist for rps_doc_ut1_blacklist: an extracted UT1 folder ({category}/domains) or a 'domain<TAB>categories' file; without it the signal is null",
        };
        var json = CommonOptions.Json();
        var command = new Command("signals", "Compute RedPajama-V2 quality signals and MinHash signatures for local JSONL files")
        {
            inputs, output, lang, format, threads, cache, models, ut1, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var files = result.GetValue(inputs)!;
            if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing)
            {
                await Console.Error.WriteLineAsync($"error: input file not found: {missing}");
                return 2;
            }
            if (result.GetValue(threads) < 1)
            {
                await Console.Error.WriteLineAsync("error: --threads must be at least 1");
                return 2;
            }
            var quiet = result.GetValue(json);
            void Progress(string line) { if (!quiet) Console.Error.Write($"\r{line}   "); }
            var resources = await Rpv2WordLists.LoadAsync(result.GetValue(cache) ?? RefineryCache.DefaultDirectory(),
                line => Console.Error.WriteLine(line), ct);
            if (result.GetValue(ut1) is { } ut1Path)
            {
                if (!File.Exists(ut1Path) && !Directory.Exists(ut1Path))
                {
                    await Console.Error.WriteLineAsync($"error: --ut1 not found: {ut1Path}");
                    return 2;
                }
                var domains = Ut1DomainList.Load(ut1Path);
                resources = resources.WithUt1Domains(domains, Ut1DomainList.Describe(ut1Path, domains));
            }
            ModelSignalSet? modelSet = null;
            if (result.GetValue(models) is { } modelDir)
            {
                if (!Directory.Exists(modelDir))
                {
                    await Console.Error.WriteLineAsync($"error: --models folder not found: {modelDir}");
                    return 2;
                }
                var loaded = SignalModelRepository.LoadLatestFromDirectory(modelDir);
                if (loaded.Count == 0) await Console.Error.WriteLineAsync($"warning: no model files (*.rfsm) under {modelDir}");
                modelSet = new ModelSignalSet(loaded);
                foreach (var m in loaded)
                    Console.Error.WriteLine($"model {m.Header.Kind} {m.Header.Name} ({m.Header.Language}) {m.Header.Version}");
            }
            var summary = await OfflineSignals.RunAsync(new OfflineSignals.Settings(files, result.GetValue(output)!,
                result.GetValue(lang)!, result.GetValue(format)!, result.GetValue(threads), modelSet), resources, Progress, ct);
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    documents = summary.Documents,
                    rejected = summary.Rejected,
                    seconds = Math.Round(summary.Seconds, 3),
                    documents_per_second = Math.Round(summary.DocumentsPerSecond, 1),
                    output = summary.Output,
                    rejected_file = summary.RejectedFile,
                    resources = summary.Resources,
                }));
            }
            else
            {
                Console.Error.WriteLine();
                Console.WriteLine($"{summary.Documents:N0} documents → {summary.Output} in {summary.Seconds:F1} s " +
                                  $"({summary.DocumentsPerSecond:N0} documents/s)");
                if (summary.RejectedFile is not null)
                    Console.WriteLine($"{summary.Rejected:N0} lines rejected → {summary.RejectedFile}");
            }
            return 0;
        });
        return command;
    }
}
