using System.CommandLine;
using Refinery.Host.Bench;
using Refinery.Ingestion.Language;

namespace Refinery.Host.Cli;

/// <summary>`refinery bench ingest|signals|dedup-quality|minhash|dedup-scale|curate|train`: throughput benchmarks, written as JSON, with a baseline from the same run.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var sizeMb = new Option<int>("--size-mb") { DefaultValueFactory = _ => 200, Description = "Uncompressed size of the generated corpus" };
        var workDir = new Option<string>("--work-dir")
        {
            DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "refinery-bench"),
            Description = "Where the generated corpus and scratch stores go",
        };
        var output = new Option<string?>("--out") { Description = "Also write the results JSON to this file" };
        var cache = new Option<string?>("--cache") { Description = "Cache of npm packages and sample files (text source)" };
        var json = CommonOptions.Json();
        var webData = new Option<string?>("--web-data")
        {
            Description = "Folder with web/ and golden/ page files to build the corpus from (default: shared/data above this folder; else the demo's prose)",
        };
        var detector = new Option<LanguageDetectorKind>("--detector")
        {
            DefaultValueFactory = _ => LanguageDetectorKind.Fast, Description = "The language detector of the +lang cases: fast or lingua",
        };
        var ingest = new Command("ingest", "Ingestion throughput on a generated JSONL.zst and WARC.gz corpus, with and without language identification")
        {
            sizeMb, workDir, output, cache, json, webData, detector,
        };
        ingest.SetAction(async (result, ct) =>
        {
            await IngestBenchmark.RunAsync(new IngestBenchmark.Settings(
                result.GetValue(sizeMb), result.GetValue(workDir)!, result.GetValue(output),
                result.GetValue(cache) ?? Demo.SampleCorpus.DefaultCacheDir(), result.GetValue(json), result.GetValue(webData),
                result.GetValue(detector)), ct);
            return 0;
        });

        // One measured case in a fresh process, so its peak memory is its own.
        var input = new Option<string>("--input") { Required = true };
        var lang = new Option<bool>("--lang");
        var mode = new Option<string>("--mode") { DefaultValueFactory = _ => "ingest" };
        var ingestCase = new Command("ingest-case", "(internal) one measured case of bench ingest") { input, lang, detector, mode, workDir };
        ingestCase.Hidden = true;
        ingestCase.SetAction(async (result, ct) =>
        {
            await IngestBenchmark.RunCaseAsync(result.GetValue(input)!, result.GetValue(lang), result.GetValue(detector), result.GetValue(mode)!,
                result.GetValue(workDir)!, ct);
            return 0;
        });
        var s3 = new Option<bool>("--s3")
        {
            Description = "Also run the service path against the S3 server named by Refinery__S3__* (or REFINERY_TEST_S3_*) variables",
        };
        var signals = new Command("signals", "Signal throughput of whole runs, start-up to output: the floor, `refinery signals` writing JSONL and Parquet on one and all cores, everything with the model signals, the Signals service's shard path through an object store, and the vector hot paths against scalar")
        {
            sizeMb, workDir, output, cache, json, webData, s3,
        };
        signals.SetAction(async (result, ct) =>
        {
            await SignalsBenchmark.RunAsync(new SignalsBenchmark.Settings(
                result.GetValue(sizeMb), result.GetValue(workDir)!, result.GetValue(output),
                result.GetValue(cache) ?? Demo.SampleCorpus.DefaultCacheDir(), result.GetValue(json), result.GetValue(webData),
                result.GetValue(s3)), ct);
            return 0;
        });
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
        var caseName = new Option<string>("--case") { Required = true };
        var caseOutput = new Option<string?>("--output");
        var format = new Option<string>("--format") { DefaultValueFactory = _ => "jsonl" };
        var models = new Option<string?>("--models");
        var store = new Option<string?>("--store");
        var signalsCase = new Command("signals-case", "(internal) one measured case of bench signals")
        {
            caseName, input, caseOutput, format, threads, cache, models, store,
        };
        signalsCase.Hidden = true;
        signalsCase.SetAction(async (result, ct) =>
        {
            await SignalsBenchCase.RunAsync(new SignalsBenchCase.Settings(result.GetValue(caseName)!, result.GetValue(input)!,
                result.GetValue(caseOutput), result.GetValue(format)!, result.GetValue(threads),
                result.GetValue(cache) ?? Demo.SampleCorpus.DefaultCacheDir(), result.GetValue(models), result.GetValue(store)), ct);
            return 0;
        });
        var docs = new Option<string>("--docs") { Required = true, Description = "Labelled documents: JSONL with id and text (e.g. dedup/dev_neardup_docs.jsonl.gz)" };
        var pairs = new Option<string>("--pairs") { Required = true, Description = "Labelled pairs: JSONL with id1, id2, same_cluster" };
        var dedupQuality = new Command("dedup-quality", "Pairwise precision, recall and F1 of the LSH clusters against labelled pairs, per threshold, with and without verification")
        {
            docs, pairs, output, json,
        };
        dedupQuality.SetAction(async (result, ct) =>
        {
            foreach (var path in new[] { result.GetValue(docs)!, result.GetValue(pairs)! })
            {
                if (File.Exists(path)) continue;
                await Console.Error.WriteLineAsync($"error: file not found: {path}");
                return 2;
            }
            await DedupQualityBenchmark.RunAsync(new DedupQualityBenchmark.Settings(result.GetValue(docs)!, result.GetValue(pairs)!,
                result.GetValue(output), result.GetValue(json)), ct);
            return 0;
        });
        var minhash = new Command("minhash", "MinHash signatures per second (RPv2's SHA-1 and the XxHash3 fast mode, one and all cores), then LSH and clustering time at RPv2's thresholds")
        {
            sizeMb, workDir, output, cache, json, webData,
        };
        minhash.SetAction(async (result, ct) =>
        {
            await MinHashBenchmark.RunAsync(new MinHashBenchmark.Settings(result.GetValue(sizeMb), result.GetValue(workDir)!,
                result.GetValue(output), result.GetValue(cache) ?? Demo.SampleCorpus.DefaultCacheDir(), result.GetValue(json), result.GetValue(webData)), ct);
            return 0;
        });
        var minhashCase = new Command("minhash-case", "(internal) one whole refinery dedup process of bench minhash") { input, mode, threads, workDir };
        minhashCase.Hidden = true;
        minhashCase.SetAction(async (result, ct) =>
        {
            await MinHashBenchmark.RunCaseAsync(result.GetValue(input)!, result.GetValue(mode)!, result.GetValue(threads), result.GetValue(workDir)!, ct);
            return 0;
        });
        var documents = new Option<int>("--documents") { DefaultValueFactory = _ => 1_000_000, Description = "Synthetic documents to generate" };
        var dedupScale = new Command("dedup-scale", "refinery dedup on a generated corpus with planted duplicates: time, peak memory, planted duplicates found")
        {
            documents, workDir, output, json,
        };
        dedupScale.SetAction(async (result, ct) =>
        {
            if (result.GetValue(documents) < 1) return 2;
            await DedupScaleBenchmark.RunAsync(new DedupScaleBenchmark.Settings(result.GetValue(documents), result.GetValue(workDir)!,
                result.GetValue(output), result.GetValue(json)), ct);
            return 0;
        });
        var curateSize = new Option<int>("--size-mb") { DefaultValueFactory = _ => 20, Description = "Size of the generated corpus in MB" };
        var curate = new Command("curate", "Dataset version parts per CPU-second (recipe, kept documents, GPT-2 or byte tokens) against the floor of reading and writing")
        {
            curateSize, workDir, output, cache, json, webData,
        };
        curate.SetAction(async (result, ct) =>
        {
            await CurateBenchmark.RunAsync(new CurateBenchmark.Settings(result.GetValue(curateSize), result.GetValue(workDir)!,
                result.GetValue(output), result.GetValue(cache) ?? Demo.SampleCorpus.DefaultCacheDir(), result.GetValue(json), result.GetValue(webData)), ct);
            return 0;
        });
        var steps = new Option<int>("--steps") { DefaultValueFactory = _ => 10, Description = "Measured optimizer steps per case" };
        var train = new Command("train", "Training tokens/s of the reference model (6 layers, width 256) on one and two threads, GFLOP/s against the matrix-multiply peak, and the same model in PyTorch when python3-torch is installed")
        {
            steps, output, json,
        };
        train.SetAction(async (result, ct) =>
        {
            if (result.GetValue(steps) < 1) return 2;
            await TrainBenchmark.RunAsync(new TrainBenchmark.Settings(result.GetValue(steps), result.GetValue(output), result.GetValue(json)), ct);
            return 0;
        });
        var trainCase = new Command("train-case", "(internal) one measured case of bench train") { threads, steps };
        trainCase.Hidden = true;
        trainCase.SetAction(result =>
        {
            TrainBenchmark.RunCase(result.GetValue(threads), result.GetValue(steps));
            return 0;
        });
        return new Command("bench", "Benchmarks") { ingest, ingestCase, signals, signalsCase, dedupQuality, minhash, minhashCase, dedupScale, curate, train, trainCase };
    }
}
