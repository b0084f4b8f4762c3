using System.CommandLine;
using System.Text.Json;
using Refinery.Contracts.Dedup;
using Refinery.Host.Dedup;
using Refinery.Text.Dedup;
using Refinery.Text.MinHash;

namespace Refinery.Host.Cli;

/// <summary>`refinery dedup INPUT... --threshold T -o OUT`: near-duplicate (and exact) clusters of local files, offline.</summary>
public static class DedupCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "JSONL files (plain, .gz or .zst) with id and text (or raw_content)", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Required = true, Description = "Output JSONL: one line per document in a cluster of two or more" };
        var threshold = new Option<double>("--threshold") { Required = true, Description = "Jaccard similarity threshold in (0, 1]; RPv2 uses 0.7, 0.8, 0.9 and 1.0" };
        var ngram = new Option<int>("--ngram") { DefaultValueFactory = _ => 13, Description = "Words per shingle (RPv2: 13)" };
        var perms = new Option<int>("--perms") { DefaultValueFactory = _ => MinHashPermutations.RpV2Count, Description = "MinHash permutations (RPv2: 128); bands × rows follow from the threshold" };
        var verify = new Option<bool>("--verify") { Description = "Link a candidate pair only if its true shingle Jaccard reaches the threshold" };
        var exact = new Option<bool>("--exact") { Description = "Also cluster documents whose normalised text is identical (short ones included) and mark each line exact or near" };
        // The service's defaults, so the CLI and a DeduplicateCorpus sent to the service agree.
        var defaults = new DeduplicateCorpus { Corpus = "", Threshold = DedupOutputs.DefaultThreshold };
        // "none" is --exact left out.
        var exactMode = OptionValueOption.Create("--exact-mode", defaults.Exact,
            "With --exact: set (exact 128-bit keys) or bloom (a Bloom filter of fixed memory; --fp-rate of unique documents are wrongly marked as copies)",
            [ExactMode.Set, ExactMode.Bloom]);
        var fpRate = new Option<double>("--fp-rate")
        {
            DefaultValueFactory = _ => defaults.FalsePositiveRate,
            Description = $"False-positive rate of --exact-mode bloom (the service's default, {defaults.FalsePositiveRate}; RPv2 used 0.01)",
        };
        var bands = new Option<int?>("--bands") { Description = "LSH bands (with --rows; bands × rows ≤ --perms); by default datasketch's optimal_param for the threshold" };
        var rows = new Option<int?>("--rows") { Description = "Rows (signature values) per LSH band, with --bands" };
        var exactKey = OptionValueOption.Create("--exact-key", defaults.ExactKey,
            "What --exact and --index compare: normalized (the RPv2-normalised text), raw (the text byte for byte) or url (documents without a URL are never exact duplicates)");
        var index = new Option<string?>("--index") { Description = "Folder of a persistent exact index: documents whose normalised text an earlier run's input had are marked (never kept), and this input's texts are added" };
        var keep = KeepPolicyOption.Create("--keep", defaults.Keep,
            "Which member of a cluster to keep: first (input order), longest, max:SIGNAL or min:SIGNAL (a document signal read from --signals)");
        var signals = new Option<string[]>("--signals") { Description = "Signal files for --keep max:/min: (as `refinery signals` writes them, or RPv2's .signals.json.gz)", AllowMultipleArgumentsPerToken = true };
        var hash = new Option<string>("--hash") { DefaultValueFactory = _ => "sha1", Description = "Shingle hash: sha1 (RPv2-compatible signatures) or xxhash3 (faster, not RPv2-compatible)" };
        hash.AcceptOnlyFromAmong("sha1", "xxhash3");
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => Environment.ProcessorCount, Description = "Worker threads" };
        var minhash = new Option<bool>("--minhash")
        {
            Description = "INPUT are Parquet files of stored signatures in RPv2's minhash layout (RedPajama-V2's *.minhash.parquet, or `refinery signals --format parquet`): cluster their signature_sim{T} bands, no texts needed",
        };
        var workDir = new Option<string?>("--work-dir") { Description = "Where band records are spilled while clustering (default: the temp folder)" };
        var json = CommonOptions.Json();
        var command = new Command("dedup", "Find exact and MinHash-LSH near-duplicate clusters in local JSONL files")
        {
            inputs, output, threshold, ngram, perms, bands, rows, verify, exact, exactMode, fpRate, exactKey, index, keep, signals, hash, threads, minhash, workDir, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var files = result.GetValue(inputs)!;
            if (files.FirstOrDefault(f => !File.Exists(f)) is { } missing) return await CommonOptions.FailAsync($"input file not found: {missing}");
            var t = result.GetValue(threshold);
            if (t is <= 0 or > 1) return await CommonOptions.FailAsync("--threshold must be in (0, 1]");
            if (result.GetValue(ngram) < 1) return await CommonOptions.FailAsync("--ngram must be at least 1");
            if (result.GetValue(perms) is < 1 or > 4096) return await CommonOptions.FailAsync("--perms must be between 1 and 4096");
            var (b, r) = (result.GetValue(bands), result.GetValue(rows));
            if (b is null != r is null) return await CommonOptions.FailAsync("--bands and --rows go together");
            if (b is < 1 || r is < 1 || b * r > result.GetValue(perms))
                return await CommonOptions.FailAsync($"--bands {b} × --rows {r} must be at least 1 × 1 and at most --perms ({result.GetValue(perms)})");
            if (result.GetValue(threads) < 1) return await CommonOptions.FailAsync("--threads must be at least 1");
            if (result.GetValue(fpRate) is <= 0 or >= 1) return await CommonOptions.FailAsync("--fp-rate must be in (0, 1)");
            var keepValue = result.GetValue(keep);
            var keepRule = new KeepRule(keepValue);
            if (keepValue.Signal is { } keepSignal && Quality.Rpv2.Rpv2Catalog.Find(keepSignal) is null && !Quality.Models.ModelSignalSet.SignalNames.Contains(keepSignal))
                return await CommonOptions.FailAsync($"--keep {keepValue}: '{keepSignal}' is no known signal name");
            if (result.GetValue(minhash))
            {
                if (result.GetValue(exact) || result.GetValue(verify) || result.GetValue(index) is not null || keepRule.ReadsLengths)
                    return await CommonOptions.FailAsync("--minhash has no texts: --exact, --verify, --index and --keep longest need them");
                if (result.GetResult(ngram) is { Implicit: false } || result.GetResult(perms) is { Implicit: false } || b is not null)
                    return await CommonOptions.FailAsync("--minhash uses the stored signatures' 13-grams, 128 permutations and bands; --ngram, --perms and --bands do not apply");
                if (MinHashBands.RpV2For(t) is null) return await CommonOptions.FailAsync("--minhash: stored bands exist for --threshold 0.7, 0.8, 0.9 and 1.0");
            }
            var signalFiles = result.GetValue(signals) ?? [];
            if (keepRule.ReadsSignal && signalFiles.Length == 0) return await CommonOptions.FailAsync($"--keep {keepValue} needs --signals FILE...");
            if (signalFiles.FirstOrDefault(f => !File.Exists(f)) is { } missingSignals) return await CommonOptions.FailAsync($"signals file not found: {missingSignals}");
            var quiet = result.GetValue(json);
            void Progress(string line) { if (!quiet) Console.Error.Write($"\r{line}   "); }

            var settings = new OfflineDedup.Settings(files, result.GetValue(output)!, t, result.GetValue(ngram), result.GetValue(perms),
                MinHashPermutations.RpV2Seed, result.GetValue(verify), result.GetValue(exact), keepRule,
                result.GetValue(hash) == "xxhash3" ? ShingleHash.XxHash3 : ShingleHash.Sha1, result.GetValue(threads), result.GetValue(workDir),
                result.GetValue(exactMode), result.GetValue(fpRate),
                result.GetValue(index), signalFiles, result.GetValue(minhash), result.GetValue(exactKey), b, r);
            var s = await OfflineDedup.RunAsync(settings, Progress, ct);
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    documents = s.Documents,
                    rejected = s.Rejected,
                    with_signature = s.WithSignature,
                    bands = s.Bands,
                    rows = s.Rows,
                    clusters = s.Clusters,
                    clustered_documents = s.ClusteredDocuments,
                    removed = s.Removed,
                    exact_duplicates = s.ExactDuplicates,
                    compared_pairs = s.ComparedPairs,
                    seen_in_earlier_corpora = s.SeenInEarlierCorpora,
                    added_to_index = s.AddedToIndex,
                    seconds = Math.Round(s.Seconds, 3),
                    peak_memory_mb = Math.Round(System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1e6),
                    output = s.Output,
                    rejected_file = s.RejectedFile,
                }));
            }
            else
            {
                Console.Error.WriteLine();
                Console.WriteLine($"{s.Documents:N0} documents ({s.WithSignature:N0} with a signature), {s.Bands} bands × {s.Rows} rows: " +
                                  $"{s.Clusters:N0} clusters of {s.ClusteredDocuments:N0} documents, {s.Removed:N0} to remove → {s.Output} in {s.Seconds:F1} s");
                if (s.RejectedFile is not null) Console.WriteLine($"{s.Rejected:N0} lines rejected → {s.RejectedFile}");
            }
            return 0;
        });
        return command;
    }
}
