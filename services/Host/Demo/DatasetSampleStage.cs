using Refinery.Contracts.Curation;
using Refinery.Curation.Pipeline;
using Refinery.Curation.Recipes;
using Refinery.Host.Embedded;
using Refinery.Storage;

namespace Refinery.Host.Demo;

/// <summary>Cuts three dataset versions of the sample corpus with the embedded Curation service: no filter, the
/// dataset card's Gopher rules, and the full Gopher rules with near-duplicates removed; prints what each rule removed
/// and where each datasheet is. The versions are cut as byte tokens: the training stage trains tiny models on them, and
/// GPT-2's 50,257-row embedding would be most of a tiny model.</summary>
public sealed class DatasetSampleStage : IDemoStage
{
    public string Title => "Curation: three dataset versions (none, gopher-rules-pass, Gopher + dedup), tokenized as bytes";

    public async Task RunAsync(DemoContext context, CancellationToken ct)
    {
        var platform = context.Platform ?? throw new InvalidOperationException("the ingest stage starts the platform");
        (string Dataset, string Recipe, string? RecipeName)[] versions =
        [
            ("sample-all", "none", null),
            ("sample-gopher-card", "gopher-rules-pass", null),
            ("sample-gopher-dedup", Recipe.Load("gopher").Text + "\n" + Recipe.Load("dedup-only").Text, "gopher-and-dedup-only"),
        ];
        var results = new List<object>();
        foreach (var (dataset, recipe, recipeName) in versions)
        {
            context.Progress.Update($"curation: {dataset}");
            var created = await DatasetPreparation.CreateAsync(platform, new CreateDatasetVersion
            {
                Dataset = dataset, Corpora = [DemoContext.CorpusName], Recipe = recipe, RecipeName = recipeName, Tokenizer = TokenizerKind.Bytes,
                Description = "The Refinery demo's sample corpus (mail, books, speeches, declarations), to show recipes side by side.",
            }, context.Progress.Update, ct);
            context.Versions.Add(created);
            var manifest = await ManifestReader.ReadVerifiedAsync(platform.Store, created.Manifest, ct);
            var rules = manifest.Root.GetProperty("counts").GetProperty("rules").EnumerateArray()
                .Select(r => (Name: r.GetProperty("name").GetString()!, Removed: r.GetProperty("removed_documents").GetInt64()))
                .Where(r => r.Removed > 0).ToList();
            var datasheet = platform.Store is FileSystemObjectStore files
                ? Path.Join(files.Root, files.Bucket, manifest.Prefix + DatasetKeys.Datasheet)
                : manifest.Prefix + DatasetKeys.Datasheet;
            results.Add(new { created.Dataset, created.Version, created.Documents, created.KeptDocuments, created.Tokens, created.ValidationTokens,
                Rules = rules.ToDictionary(r => r.Name, r => r.Removed), Datasheet = datasheet });
            if (context.Json) continue;
            context.Output.WriteLine();
            context.Output.WriteLine($"{dataset}@{created.Version}: {created.KeptDocuments:N0} of {created.Documents:N0} documents, " +
                                     $"{created.Tokens + created.ValidationTokens:N0} byte tokens");
            foreach (var (name, removed) in rules) context.Output.WriteLine($"  {name,-24} removed {removed,6:N0}");
            context.Output.WriteLine($"  datasheet: {datasheet}");
        }
        context.Progress.Note($"{versions.Length} dataset versions");
        if (!context.Json)
        {
            context.Output.WriteLine("`refinery dataset create NAME --corpus C --recipe R` cuts one; `refinery filter` applies a recipe offline.");
            context.Output.WriteLine();
        }
        context.Results["datasets"] = results;
    }
}
