using System.CommandLine;
using System.Text.Json;
using Refinery.Curation.Recipes;
using Refinery.Host.Curation;

namespace Refinery.Host.Cli;

/// <summary>`refinery filter DOCS... --signals SIGNALS... --recipe NAME|FILE -o OUT.jsonl`: a recipe over documents and
/// their RPv2 signal files, offline.</summary>
public static class FilterCommand
{
    public static Command Create()
    {
        var documents = new Argument<string[]>("documents") { Description = "JSONL documents (plain, .gz or .zst) with id and text (or raw_content)", Arity = ArgumentArity.OneOrMore };
        var signals = new Option<string[]>("--signals")
        {
            Description = "RPv2 signal files in the documents' order, as `refinery signals` writes them or RedPajama-V2 publishes *.signals.json.gz",
            Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, Required = true,
        };
        var recipe = new Option<string>("--recipe")
        {
            Description = $"A built-in recipe ({string.Join(", ", Recipe.BuiltInNames)}) or a recipe file", Required = true,
        };
        var output = new Option<string>("-o", "--output") { Description = "Kept documents, JSONL in input order", Required = true };
        var clusters = new Option<string[]>("--clusters")
        {
            Description = "`refinery dedup` output for duplicate(…) conditions: FILE (any threshold) or T=FILE (threshold T)",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = CommonOptions.Json();
        var command = new Command("filter", "Apply a filter recipe to documents and their RPv2 quality signals")
        {
            documents, signals, recipe, output, clusters, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var docs = result.GetValue(documents)!;
            var signalFiles = result.GetValue(signals)!;
            if (docs.Concat(signalFiles).FirstOrDefault(f => !File.Exists(f)) is { } missing) return await CommonOptions.FailAsync($"file not found: {missing}");
            var quiet = result.GetValue(json);
            void Progress(string line) { if (!quiet) Console.Error.Write($"\r{line}   "); }
            OfflineFilter.Summary s;
            try
            {
                s = await OfflineFilter.RunAsync(new OfflineFilter.Settings(docs, signalFiles, result.GetValue(recipe)!, result.GetValue(output)!,
                    result.GetValue(clusters) ?? []), Progress, ct);
            }
            catch (Exception ex) when (ex is RecipeError or InvalidDataException or ArgumentException or FileNotFoundException)
            {
                return await CommonOptions.FailAsync(ex.Message);
            }
            if (quiet)
            {
                Console.WriteLine(JsonSerializer.Serialize(new
                {
                    recipe = s.Recipe,
                    recipe_sha256 = s.RecipeSha256,
                    documents = s.Documents,
                    kept = s.Kept,
                    removed = s.Documents - s.Kept,
                    emptied_by_line_rules = s.Emptied,
                    rejected = s.Rejected,
                    rules = s.Rules.Select(r => new
                    {
                        name = r.Name, level = r.Level, action = r.Action, rule = r.Rule,
                        removed_documents = r.RemovedDocuments, removed_lines = r.RemovedLines,
                    }),
                    languages = s.Languages.ToDictionary(l => l.Key, l => new { documents = l.Value[0], kept = l.Value[1] }),
                    seconds = Math.Round(s.Seconds, 3),
                    output = s.Output,
                    rejected_file = s.RejectedFile,
                }));
                return 0;
            }
            Console.Error.WriteLine();
            Console.WriteLine($"{s.Recipe}: kept {s.Kept:N0} of {s.Documents:N0} documents → {s.Output} in {s.Seconds:F1} s");
            foreach (var r in s.Rules)
                Console.WriteLine($"  {r.Name,-28} {r.RemovedDocuments,10:N0} documents{(r.Level == "line" ? $", {r.RemovedLines:N0} lines" : "")}");
            if (s.Emptied > 0) Console.WriteLine($"  {"(every line removed)",-28} {s.Emptied,10:N0} documents");
            if (s.RejectedFile is not null) Console.WriteLine($"{s.Rejected:N0} lines rejected → {s.RejectedFile}");
            return 0;
        });
        return command;
    }
}
