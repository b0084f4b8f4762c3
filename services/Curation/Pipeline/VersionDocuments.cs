using System.Globalization;
using System.Text;
using System.Text.Json;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Options;
using Refinery.Curation.Domain;
using Refinery.Curation.Recipes;
using Refinery.Hosting;
using Refinery.Text.Tokenizers;

namespace Refinery.Curation.Pipeline;

/// <summary>The documents that describe a finished version: manifest.json (lineage in the DCLM style), datasheet.md
/// (the sections of "Datasheets for Datasets", filled from the data and the request), stats.json and one SVG
/// histogram per signal, before and after the recipe.</summary>
public static class VersionDocuments
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The version's creation time as its manifest gives it: when its request was first recorded, to the second.
    /// Not the time of writing, so that two processes finishing one version at once write the same bytes, and the
    /// manifest whose sha256 is recorded is the one in the store.</summary>
    public static string Created(DatasetJob job)
    {
        var ticks = job.CreatedAt.Ticks;
        return new DateTime(ticks - ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).ToString("O", CultureInfo.InvariantCulture);
    }

    public static string Manifest(DatasetJob job, Recipe recipe, PartStats total)
    {
        var (version, commit) = CodeVersion.Current();
        var tokenizer = DatasetTokenizer.Create(job.Tokenizer);
        var parts = JobInputs.Parts(job);
        var manifest = new
        {
            uuid = job.Id,
            name = job.Dataset,
            version = job.Version,
            created = Created(job),
            parents = new
            {
                corpora = parts.GroupBy(p => p.Corpus).Select(g => new
                {
                    name = g.Key,
                    shards = g.Select(p => new { shard = p.Shard, documents = Ref(p.Documents), signals = Ref(p.Signals) }),
                }),
                datasets = Array.Empty<object>(),
                dedup = JobInputs.Clusters(job).Select(c => new { corpus = c.Corpus, threshold = c.Threshold, clusters = Ref(c.Clusters) }),
            },
            recipe = new { name = job.RecipeName, sha256 = job.RecipeSha256, text = job.RecipeText, quantiles = Quantiles(job, recipe) },
            tokenizer = new { name = tokenizer.Name, vocabulary_size = tokenizer.VocabularySize, end_of_text = tokenizer.EndOfText, token_bytes = tokenizer.TokenBytes, byte_order = "little-endian" },
            validation_fraction = job.ValidationFraction,
            signals_config = job.SignalsConfig,
            code = new { version, commit },
            counts = new
            {
                documents_in = total.Documents,
                documents_out = total.Kept,
                emptied_by_line_rules = total.Emptied,
                rules = recipe.Rules.Select((r, i) => new
                {
                    name = r.Name, level = r.Level == RuleLevel.Document ? "doc" : "line", action = r.Action == RuleAction.Keep ? "keep" : "drop",
                    rule = r.Text, removed_documents = total.RemovedDocuments[i], removed_lines = total.RemovedLines[i],
                }),
                languages = total.Languages.OrderBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => new { documents_in = l.Value[0], documents_out = l.Value[1] }),
            },
            tokens = new { train = total.Tokens, validation = total.ValidationTokens, validation_documents = total.ValidationDocuments },
            files = total.Files.Select(f => new { path = f.Path, sha256 = f.Sha256, bytes = f.Bytes, documents = f.Documents, tokens = f.Tokens }),
            statistics = DatasetKeys.Stats,
            datasheet = DatasetKeys.Datasheet,
        };
        return JsonSerializer.Serialize(manifest, Indented);
    }

    /// <summary>What each quantile condition resolved to: its rule, the value it compared with, and how many documents
    /// were ranked for it.</summary>
    private static IEnumerable<object> Quantiles(DatasetJob job, Recipe recipe) =>
        QuantileRounds.Of(recipe).Zip(QuantileRounds.Recorded(job)).SelectMany(round => round.First.Quantiles.Zip(round.Second, (q, r) => new
        {
            rule = recipe.Rules[round.First.Rule].Name, condition = $"{(q.Top ? "top" : "bottom")} {q.Percent.ToString(CultureInfo.InvariantCulture)}% by {q.Signal}",
            threshold = r.Threshold, ranked_documents = r.Ranked,
        }));

    private static object Ref(Contracts.ObjectRef r) => new { key = r.Key, sha256 = r.Sha256, bytes = r.Length };

    public static string Stats(PartStats total) => JsonSerializer.Serialize(new
    {
        histograms = total.Histograms.OrderBy(h => h.Key, StringComparer.Ordinal).ToDictionary(h => h.Key, h => new
        {
            edges = Histograms.Edges[h.Key], before = h.Value[0][..^1], after = h.Value[1][..^1],
            null_before = h.Value[0][^1], null_after = h.Value[1][^1],
        }),
    }, Indented);

    /// <summary>A bar chart of one signal: grey bars before the recipe, blue after, one pair per bin.</summary>
    public static string Svg(string signal, long[][] bins)
    {
        var edges = Histograms.Edges[signal];
        const int width = 640, height = 240, left = 50, bottom = 200, top = 30;
        var max = Math.Max(1, bins[0].Take(edges.Length).Max());
        var slot = (width - left - 10) / (double)edges.Length;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"10\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"16\" font-size=\"12\">{signal}: documents per bin, before (grey) and after (blue)</text>\n");
        for (var b = 0; b < edges.Length; b++)
        {
            var x = left + b * slot;
            foreach (var (series, color, offset) in new[] { (0, "#bbb", 0.1), (1, "#3b6fb6", 0.5) })
            {
                var h = (bottom - top) * bins[series][b] / (double)max;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect x=\"{x + offset * slot:F1}\" y=\"{bottom - h:F1}\" width=\"{0.4 * slot:F1}\" height=\"{h:F1}\" fill=\"{color}\"><title>{bins[series][b]}</title></rect>\n");
            }
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x + 0.1 * slot:F1}\" y=\"{bottom + 14}\">{(b + 1 < edges.Length ? $"{edges[b]:G4}" : $"≥{edges[b]:G4}")}</text>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{top + 4}\">{max:N0}</text>\n</svg>\n");
        return svg.ToString();
    }

    public static string Datasheet(DatasetJob job, Recipe recipe, PartStats total)
    {
        var corpora = JobInputs.Parts(job).GroupBy(p => p.Corpus).Select(g => $"`{g.Key}` ({g.Count()} shard{(g.Count() == 1 ? "" : "s")})").ToList();
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Datasheet: {job.Dataset} @ {job.Version}");
        md.AppendLine();
        md.AppendLine("Sections follow Gebru et al., *Datasheets for Datasets* (2021). Figures come from the data; text in");
        md.AppendLine("*italics* is for the dataset's owner to complete.");
        md.AppendLine();
        md.AppendLine("## Motivation");
        md.AppendLine();
        md.AppendLine(job.Description is { Length: > 0 } description ? description : "*Why was the dataset created, and by whom?*");
        md.AppendLine();
        md.AppendLine("## Composition");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- {total.Kept:N0} documents kept of {total.Documents:N0} read, from {string.Join(", ", corpora)}.");
        md.AppendLine(CultureInfo.InvariantCulture, $"- {total.Tokens:N0} training tokens and {total.ValidationTokens:N0} validation tokens ({total.ValidationDocuments:N0} documents held out, {job.ValidationFraction:P2} by a hash of the id), tokenizer `{OptionValues<TokenizerKind>.NameOf(job.Tokenizer)}`.");
        md.AppendLine("- Documents per language (kept / read):");
        foreach (var (language, counts) in total.Languages.OrderByDescending(l => l.Value[0]))
            md.AppendLine(CultureInfo.InvariantCulture, $"  - `{language}`: {counts[1]:N0} / {counts[0]:N0}");
        md.AppendLine("- *Does the dataset contain personal or sensitive information?* The quality signals do not detect it.");
        md.AppendLine();
        md.AppendLine("## Collection process");
        md.AppendLine();
        md.AppendLine("The documents were ingested into Refinery's corpora listed in `manifest.json` under `parents`, with each");
        md.AppendLine("shard's sha256. *How were the sources collected, and under what terms?*");
        md.AppendLine();
        md.AppendLine("## Preprocessing, cleaning and labelling");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Recipe `{recipe.Name}` (sha256 `{job.RecipeSha256}`) over the RedPajama-V2 quality signals. Documents removed per rule:");
        md.AppendLine();
        md.AppendLine("| rule | level | documents removed | lines removed |");
        md.AppendLine("|---|---|---:|---:|");
        for (var r = 0; r < recipe.Rules.Count; r++)
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {recipe.Rules[r].Name} | {(recipe.Rules[r].Level == RuleLevel.Document ? "doc" : "line")} | {total.RemovedDocuments[r]:N0} | {total.RemovedLines[r]:N0} |");
        if (total.Emptied > 0) md.AppendLine(CultureInfo.InvariantCulture, $"| (every line removed) | line | {total.Emptied:N0} | |");
        md.AppendLine();
        foreach (var (round, ranked) in QuantileRounds.Of(recipe).Zip(QuantileRounds.Recorded(job)))
            foreach (var (q, r) in round.Quantiles.Zip(ranked))
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"Rule {recipe.Rules[round.Rule].Name}: {(q.Top ? "top" : "bottom")} {q.Percent}% by `{q.Signal}` means {(q.Top ? "≥" : "≤")} {r.Threshold?.ToString("G6", CultureInfo.InvariantCulture) ?? "(no value)"}, ranked over {r.Ranked:N0} documents.");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(job.RecipeText.TrimEnd());
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("Histograms of the main signals before and after the recipe are in `stats.json` and `stats/*.svg`.");
        md.AppendLine();
        md.AppendLine("## Uses");
        md.AppendLine();
        md.AppendLine("*What tasks is the dataset meant for, and which uses should be avoided?*");
        md.AppendLine();
        md.AppendLine("## Distribution");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Stored under `{DatasetKeys.Root(job.Dataset, job.Version)}`; every file is listed with its sha256 and size in `{DatasetKeys.Manifest}`. *Licence and terms?*");
        md.AppendLine();
        md.AppendLine("## Maintenance");
        md.AppendLine();
        var (version, commit) = CodeVersion.Current();
        md.AppendLine(CultureInfo.InvariantCulture, $"This version never changes: it is addressed by the hash of its inputs. Cut by Refinery {version}{(commit is null ? "" : $" ({commit})")}. *Who maintains it?*");
        return md.ToString();
    }
}
