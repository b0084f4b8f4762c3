using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Refinery.Host.Resources;
using Refinery.Quality.Models;

namespace Refinery.Host.Cli;

/// <summary>`refinery resources build lm|classifier|dsir`: trains one substitute model for RPv2's model-based
/// signals from reference and web text, writes it under OUT/models/signals/… and reports held-out figures.</summary>
public static class ResourcesBuildCommand
{
    public static Command Create()
    {
        var kind = new Argument<string>("kind") { Description = "lm (ccnet_perplexity/bucket), classifier (rps_doc_ml_*_score) or dsir (rps_doc_*_importance)" };
        kind.AcceptOnlyFromAmong([.. ModelKinds.All]);
        var name = new Option<string>("--name")
        {
            Required = true,
            Description = "Model name: classifier wikiref|palm|wikipedia, dsir books|wikipedia|openwebtext, lm any (e.g. ccnet)",
        };
        var reference = new Option<string[]>("--ref") { Required = true, AllowMultipleArgumentsPerToken = true, Description = "Reference (target) files" };
        var web = new Option<string[]>("--web") { AllowMultipleArgumentsPerToken = true, Description = "Random web (source) files" };
        var lang = new Option<string>("--lang") { DefaultValueFactory = _ => "en", Description = "Language the model serves" };
        var output = new Option<string>("--out")
        {
            DefaultValueFactory = _ => Path.Combine(".refinery", "resources"),
            Description = "Local model cache; the file goes to OUT/models/signals/NAME/VERSION/KIND.LANG.rfsm",
        };
        var seed = new Option<ulong>("--seed") { DefaultValueFactory = _ => 42, Description = "Seed of the held-out split and of training" };
        var order = new Option<int>("--order") { DefaultValueFactory = _ => new KneserNeyOptions().Order, Description = "lm: n-gram order (2–5)" };
        var createdAt = new Option<string?>("--created-at")
        {
            Description = "Build time recorded in the header (ISO 8601); default $SOURCE_DATE_EPOCH, else now. Fix it for byte-identical rebuilds",
        };
        var publish = new Option<bool>("--publish")
        {
            Description = "Also put the model into the platform's object store (models/signals/…), where `serve` with Refinery:Signals:Models=true loads it; the store comes from configuration (Refinery:ObjectStore, S3:*) or --data-dir",
        };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("build", "Train a substitute model for RPv2's model-based signals")
        {
            kind, name, reference, web, lang, output, seed, order, createdAt, publish, dataDir, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var code = Run(new Settings(
                result.GetValue(kind)!, result.GetValue(name)!, result.GetValue(reference)!, result.GetValue(web) ?? [],
                result.GetValue(lang)!, result.GetValue(output)!, result.GetValue(seed), result.GetValue(order),
                result.GetValue(createdAt), result.GetValue(json)), out var model);
            if (code != 0 || !result.GetValue(publish) || model is null) return code;
            var store = await PlatformStore.CreateAsync(CommonOptions.DataDirOverride(result, dataDir), ct);
            var stored = await SignalModelRepository.SaveAsync(store, model, ct);
            Console.Error.WriteLine($"published {stored.Key} ({stored.Length:N0} bytes, sha256 {stored.Sha256[..12]}…)");
            return 0;
        });
        return command;
    }

    private sealed record Settings(string Kind, string Name, string[] Reference, string[] Web, string Language,
        string Output, ulong Seed, int Order, string? CreatedAt, bool Json);

    private static int Run(Settings s, out SignalModel? built)
    {
        built = null;
        try
        {
            var clock = Stopwatch.StartNew();
            var (reference, refCorpora) = TrainingDocuments.Read("ref", s.Reference);
            var (web, webCorpora) = TrainingDocuments.Read("web", s.Web);
            var readSeconds = clock.Elapsed.TotalSeconds;
            var inputs = new ModelBuildInputs
            {
                Name = s.Name, Language = s.Language, Reference = reference, Web = web,
                Corpora = [.. refCorpora, .. webCorpora], Seed = s.Seed, CreatedAt = CreatedAt(s.CreatedAt),
            };
            SignalModel model = s.Kind switch
            {
                ModelKinds.LanguageModel => SignalModelBuilder.BuildLanguageModel(inputs, new KneserNeyOptions(s.Order)),
                ModelKinds.Classifier => SignalModelBuilder.BuildClassifier(inputs),
                _ => SignalModelBuilder.BuildDsir(inputs),
            };
            var buildSeconds = clock.Elapsed.TotalSeconds - readSeconds;
            // Checks the name against ModelSignalSet's slots before anything is written.
            _ = new ModelSignalSet([model]);
            var path = SignalModelRepository.SaveToDirectory(s.Output, model);
            Report(model, path, readSeconds, buildSeconds, s.Json);
            built = model;
            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException or JsonException or FormatException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
    }

    private static DateTimeOffset CreatedAt(string? option)
    {
        if (option is not null) return DateTimeOffset.Parse(option, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        if (long.TryParse(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH"), out var epoch)) return DateTimeOffset.FromUnixTimeSeconds(epoch);
        var now = DateTimeOffset.UtcNow;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    private static void Report(SignalModel model, string path, double readSeconds, double buildSeconds, bool asJson)
    {
        var h = model.Header;
        var bytes = new FileInfo(path).Length;
        if (asJson)
        {
            var summary = new
            {
                h.Kind, h.Name, h.Version, h.Language, Path = path, Bytes = bytes,
                ReadSeconds = Math.Round(readSeconds, 3), BuildSeconds = Math.Round(buildSeconds, 3),
                h.Corpora, h.HyperParameters, h.Metrics, h.CreatedAt,
            };
            Console.WriteLine(JsonSerializer.Serialize(summary, new JsonSerializerOptions(SignalModelFile.Json) { WriteIndented = true }));
            return;
        }
        Console.WriteLine($"{h.Kind} '{h.Name}' ({h.Language}) {h.Version}: {path} ({bytes:N0} bytes)");
        Console.WriteLine($"  read {readSeconds:F1} s, built {buildSeconds:F1} s");
        foreach (var c in h.Corpora) Console.WriteLine($"  {c.Role,-3} {c.Name}: {c.Documents:N0} documents, sha256 {c.Sha256[..12]}…");
        foreach (var (key, value) in h.Metrics) Console.WriteLine($"  {key} = {value.ToString("G6", CultureInfo.InvariantCulture)}");
    }
}
