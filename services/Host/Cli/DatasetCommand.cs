using System.CommandLine;
using System.Text.Json;
using Refinery.Quality.Resources;
using Refinery.Contracts.Curation;
using Refinery.Curation.Pipeline;
using Refinery.Curation.Recipes;
using Refinery.Host.Curation;
using Refinery.Host.Embedded;
using Refinery.Storage;

namespace Refinery.Host.Cli;

/// <summary>`refinery dataset create NAME --corpus C --recipe R`: a dataset version on the embedded platform.</summary>
public static class DatasetCommand
{
    public static Command Create()
    {
        var command = new Command("dataset", "Dataset versions: filtered, tokenized, documented releases of corpora");
        command.Subcommands.Add(CreateVersion());
        command.Subcommands.Add(Mix());
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Diff());
        command.Subcommands.Add(List());
        return command;
    }

    private static Command List()
    {
        var name = new Argument<string?>("name") { Description = "Only this dataset's versions", Arity = ArgumentArity.ZeroOrOne };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("list", "The finished dataset versions: created, recipe, documents and tokens") { name, dataDir, json };
        command.SetAction(async (result, ct) =>
        {
            try
            {
                await using var platform = await EmbeddedPlatform.StartAsync(result.GetValue(dataDir)!, quiet: true, ct);
                var entries = await DatasetListing.RunAsync(platform.Store, result.GetValue(name), ct);
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(entries.Select(e => new
                    {
                        dataset = e.Dataset, version = e.Version, created = e.Created, recipe = e.Recipe, documents_in = e.DocumentsIn,
                        documents = e.DocumentsOut, tokens = e.Tokens, validation_tokens = e.ValidationTokens, mixture = e.Mixture,
                    })));
                    return 0;
                }
                if (entries.Count == 0) Console.WriteLine("no dataset versions yet: `refinery dataset create NAME --corpus C --recipe R` cuts one");
                foreach (var e in entries)
                    Console.WriteLine($"{e.Dataset + "@" + e.Version,-40} {e.Created[..Math.Min(19, e.Created.Length)],-20} {e.Recipe,-20} " +
                                      $"{e.DocumentsOut,12:N0} docs{(e.DocumentsIn is { } read ? $" of {read:N0}" : ""),-14} {e.Tokens,15:N0} tokens");
                return 0;
            }
            catch (ArgumentException ex)
            {
                return await CommonOptions.FailAsync(ex.Message);
            }
        });
        return command;
    }

    private static Command CreateVersion()
    {
        var name = new Argument<string>("name") { Description = "The dataset's name" };
        var corpora = new Option<string[]>("--corpus") { Description = "An ingested corpus (repeat for several)", Required = true, AllowMultipleArgumentsPerToken = true };
        var recipe = new Option<string>("--recipe") { Description = $"A built-in recipe ({string.Join(", ", Recipe.BuiltInNames)}) or a recipe file", Required = true };
        // The service's defaults, so the CLI and a CreateDatasetVersion sent to the service agree.
        var defaults = new CreateDatasetVersion { Dataset = "", Corpora = [], Recipe = "" };
        var tokenizer = OptionValueOption.Create("--tokenizer", defaults.Tokenizer, "gpt2 (GPT-2 BPE) or bytes (one token a UTF-8 byte)");
        var validation = new Option<double>("--validation-fraction") { DefaultValueFactory = _ => defaults.ValidationFraction, Description = "Share of documents held out for validation" };
        var description = new Option<string?>("--description") { Description = "Why the dataset exists: the datasheet's motivation" };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("create", "Cut a dataset version: the recipe over the corpora's signals, kept documents, token shards, manifest, datasheet")
        {
            name, corpora, recipe, tokenizer, validation, description, dataDir, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var recipeArgument = result.GetValue(recipe)!;
            var recipeText = Recipe.BuiltInNames.Contains(recipeArgument) ? recipeArgument
                : File.Exists(recipeArgument) ? await File.ReadAllTextAsync(recipeArgument, ct)
                : null;
            if (recipeText is null) return await CommonOptions.FailAsync($"--recipe {recipeArgument}: neither a built-in recipe nor a file");
            var request = new CreateDatasetVersion
            {
                Dataset = result.GetValue(name)!, Corpora = result.GetValue(corpora)!, Recipe = recipeText, Tokenizer = result.GetValue(tokenizer),
                RecipeName = recipeText == recipeArgument ? null : RecipeNameOf(recipeArgument),
                ValidationFraction = result.GetValue(validation), Description = result.GetValue(description),
            };
            if (DatasetRequests.Problems(request) is { Count: > 0 } problems)
                return await CommonOptions.FailAsync(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}")));
            var quiet = result.GetValue(json);
            try
            {
                await using var platform = await EmbeddedPlatform.StartAsync(result.GetValue(dataDir)!, quiet: true, ct);
                var created = await DatasetPreparation.CreateAsync(platform, request, line => { if (!quiet) Console.Error.WriteLine(line); }, ct);
                var manifest = await ManifestReader.ReadVerifiedAsync(platform.Store, created.Manifest, ct);
                Report(created, manifest, platform.Store, quiet);
                return 0;
            }
            catch (Exception ex) when (ex is RecipeError or InvalidOperationException or InvalidDataException or TimeoutException)
            {
                return await CommonOptions.FailAsync(ex.Message);
            }
        });
        return command;
    }

    private static Command Mix()
    {
        var name = new Argument<string>("name") { Description = "The mixture's dataset name" };
        var components = new Option<string[]>("--component")
        {
            Description = "NAME@VERSION=WEIGHT (repeat for each version mixed; weights are relative)", Required = true, AllowMultipleArgumentsPerToken = true,
        };
        var tokens = new Option<long>("--tokens") { Description = "Training tokens of the mixture", Required = true };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42, Description = "Seed of the sampling" };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("mix", "A mixture of finished versions by weight, sampled to a token budget") { name, components, tokens, seed, dataDir, json };
        command.SetAction(async (result, ct) =>
        {
            var parsed = new List<MixtureComponent>();
            foreach (var component in result.GetValue(components)!)
            {
                var (at, equals) = (component.IndexOf('@'), component.LastIndexOf('='));
                if (at <= 0 || equals < at || !double.TryParse(component[(equals + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var weight))
                    return await CommonOptions.FailAsync($"--component {component}: expected NAME@VERSION=WEIGHT");
                parsed.Add(new MixtureComponent(component[..at], component[(at + 1)..equals], weight));
            }
            var request = new CreateDatasetMixture { Dataset = result.GetValue(name)!, Components = parsed, TokenBudget = result.GetValue(tokens), Seed = result.GetValue(seed) };
            if (DatasetRequests.Problems(request) is { Count: > 0 } problems)
                return await CommonOptions.FailAsync(string.Join("; ", problems.Select(p => $"{p.Key}: {p.Value}")));
            try
            {
                await using var platform = await EmbeddedPlatform.StartAsync(result.GetValue(dataDir)!, quiet: true, ct);
                var created = await EventAwaiter.RequestAsync<CreateDatasetMixture, DatasetVersionCreated>(platform.Bus, Contracts.CommandQueues.CreateDatasetMixture,
                    request, e => e.Dataset == request.Dataset, TimeSpan.FromMinutes(30), ct, faulted => faulted.Dataset == request.Dataset);
                var manifest = await ManifestReader.ReadVerifiedAsync(platform.Store, created.Manifest, ct);
                var parents = manifest.Root.GetProperty("parents").GetProperty("datasets");
                if (result.GetValue(json))
                {
                    Console.WriteLine(JsonSerializer.Serialize(new { dataset = created.Dataset, version = created.Version, tokens = created.Tokens, components = parents }));
                    return 0;
                }
                Console.WriteLine($"{created.Dataset}@{created.Version}: {created.Tokens:N0} training tokens, {created.KeptDocuments:N0} documents drawn");
                foreach (var p in parents.EnumerateArray())
                    Console.WriteLine($"  {p.GetProperty("name").GetString()}@{p.GetProperty("version").GetString()}: {p.GetProperty("tokens").GetInt64():N0} tokens " +
                                      $"(target {p.GetProperty("target_tokens").GetInt64():N0}), {p.GetProperty("epochs").GetInt32()} epoch(s)");
                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or TimeoutException)
            {
                return await CommonOptions.FailAsync(ex.Message);
            }
        });
        return command;
    }

    private static Command Export()
    {
        var version = new Argument<string>("version") { Description = "NAME@VERSION" };
        var format = new Option<string>("--format") { DefaultValueFactory = _ => "jsonl", Description = "jsonl, parquet (Hugging Face datasets layout) or rpv2" };
        format.AcceptOnlyFromAmong([.. DatasetExport.Formats]);
        var output = new Option<string>("-o", "--output") { Description = "The folder to write", Required = true };
        var cache = new Option<string?>("--cache") { Description = "Cache folder for the word lists the rpv2 format's signals use (default ~/.cache/refinery)" };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("export", "Write a dataset version's documents as JSONL, Parquet or RPv2 files (documents and quality signals), with its manifest and datasheet")
        {
            version, format, output, cache, dataDir, json,
        };
        command.SetAction(async (result, ct) =>
        {
            try
            {
                await using var platform = await EmbeddedPlatform.StartAsync(result.GetValue(dataDir)!, quiet: true, ct);
                var s = await DatasetExport.RunAsync(platform.Store, result.GetValue(version)!, result.GetValue(format)!, result.GetValue(output)!,
                    c => Rpv2WordLists.LoadAsync(result.GetValue(cache) ?? RefineryCache.DefaultDirectory(), line => Console.Error.WriteLine(line), c), ct);
                Console.WriteLine(result.GetValue(json)
                    ? JsonSerializer.Serialize(new { version = s.Version, documents = s.Documents, validation = s.Validation, files = s.Files })
                    : $"{s.Documents:N0} documents ({s.Validation:N0} validation) → {result.GetValue(output)}: {string.Join(", ", s.Files)}");
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException or Hosting.Bus.PermanentFailureException)
            {
                return await CommonOptions.FailAsync(ex.Message);
            }
        });
        return command;
    }

    private static Command Diff()
    {
        var a = new Argument<string>("a") { Description = "NAME@VERSION" };
        var b = new Argument<string>("b") { Description = "NAME@VERSION" };
        var examples = new Option<int>("--examples") { DefaultValueFactory = _ => 10, Description = "Ids listed of the documents added and removed" };
        var dataDir = CommonOptions.DataDir();
        var json = CommonOptions.Json();
        var command = new Command("diff", "Compare two dataset versions: counts per rule, documents added and removed") { a, b, examples, dataDir, json };
        command.SetAction(async (result, ct) =>
        {
            try
            {
                await using var platform = await EmbeddedPlatform.StartAsync(result.GetValue(dataDir)!, quiet: true, ct);
                var s = await DatasetDiff.RunAsync(platform.Store, result.GetValue(a)!, result.GetValue(b)!, ct);
                if (result.GetValue(json))
                {
                    Console.WriteLine(DatasetDiff.ToJson(s, result.GetValue(examples)));
                    return 0;
                }
                Console.WriteLine($"{"",-28} {s.A,20} {s.B,20}");
                Console.WriteLine($"{"documents",-28} {s.DocumentsA,20:N0} {s.DocumentsB,20:N0}");
                Console.WriteLine($"{"tokens",-28} {s.TokensA,20:N0} {s.TokensB,20:N0}");
                foreach (var r in s.Rules)
                    Console.WriteLine($"{"removed by " + r.Name,-28} {(r.RemovedInA is { } x ? x.ToString("N0") : "-"),20} {(r.RemovedInB is { } y ? y.ToString("N0") : "-"),20}");
                Console.WriteLine($"{s.Added.Count:N0} documents only in {s.B}{Examples(s.Added)}; {s.Removed.Count:N0} only in {s.A}{Examples(s.Removed)}");
                return 0;
                string Examples(IReadOnlyList<string> ids) => ids.Count == 0 ? "" : $" (e.g. {string.Join(", ", ids.Take(result.GetValue(examples)))})";
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException or Hosting.Bus.PermanentFailureException)
            {
                return await CommonOptions.FailAsync(ex.Message);
            }
        });
        return command;
    }

    /// <summary>A recipe file's name without its extension, kept to the characters a recipe name may have.</summary>
    private static string RecipeNameOf(string path)
    {
        var name = new string(Path.GetFileNameWithoutExtension(path).Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').Take(64).ToArray());
        return name.Length > 0 ? name : "recipe";
    }

    private static void Report(DatasetVersionCreated created, ManifestReader.VerifiedManifest manifest, IObjectStore store, bool json)
    {
        string Where(string key) => store is FileSystemObjectStore files ? Path.Join(files.Root, files.Bucket, key) : $"{store.Bucket}/{key}";
        var counts = manifest.Root.GetProperty("counts");
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                dataset = created.Dataset, version = created.Version, documents = created.Documents, kept = created.KeptDocuments,
                tokens = created.Tokens, validation_tokens = created.ValidationTokens, rules = counts.GetProperty("rules"),
                manifest = Where(created.Manifest.Key), datasheet = Where(manifest.Prefix + DatasetKeys.Datasheet),
            }));
            return;
        }
        Console.WriteLine($"{created.Dataset}@{created.Version}: kept {created.KeptDocuments:N0} of {created.Documents:N0} documents, " +
                          $"{created.Tokens:N0} training and {created.ValidationTokens:N0} validation tokens");
        foreach (var rule in counts.GetProperty("rules").EnumerateArray())
            Console.WriteLine($"  {rule.GetProperty("name").GetString(),-28} {rule.GetProperty("removed_documents").GetInt64(),10:N0} documents" +
                              (rule.GetProperty("level").GetString() == "line" ? $", {rule.GetProperty("removed_lines").GetInt64():N0} lines" : ""));
        Console.WriteLine($"manifest:  {Where(created.Manifest.Key)}");
        Console.WriteLine($"datasheet: {Where(manifest.Prefix + DatasetKeys.Datasheet)}");
    }
}
