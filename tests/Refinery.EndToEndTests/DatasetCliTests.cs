using System.Text.Json;
using Parquet;
using Refinery.TestSupport;

namespace Refinery.EndToEndTests;

/// <summary>`refinery dataset create | export | diff` on the embedded platform, over the golden documents ingested into
/// a fresh data folder.</summary>
public sealed class DatasetCliTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "refinery-dataset-cli-" + Guid.NewGuid().ToString("N"));

    public DatasetCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var result = await CliProcess.RunAsync(Patience, [.. args, "--data-dir", Path.Combine(_dir, "data"), "--json"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    [Fact]
    public async Task CreateExportAndDiff_OfTwoVersions_AgreeWithTheRulesAndWithEachOther()
    {
        await RunJsonAsync("ingest", SharedData.Path("golden", "signals_dev_docs.jsonl.gz"), "--name", "golden");

        var gopher = await RunJsonAsync("dataset", "create", "golden-gopher", "--corpus", "golden", "--recipe", "gopher-rules-pass",
            "--tokenizer", "bytes", "--validation-fraction", "0.1");
        var again = await RunJsonAsync("dataset", "create", "golden-gopher", "--corpus", "golden", "--recipe", "gopher-rules-pass",
            "--tokenizer", "bytes", "--validation-fraction", "0.1");
        var deduped = await RunJsonAsync("dataset", "create", "golden-dedup", "--corpus", "golden", "--recipe", "dedup-only", "--tokenizer", "bytes");

        // Ingestion rejects the empty documents, which the card's word count removes anyway.
        var records = FilterCliTests.ReadGz(SharedData.Path("golden", "signals_dev_expected.jsonl.gz"));
        var kept = records.Where(r => GoldenGopher.RemovedBy(r) is null).Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(kept.Count, gopher.GetProperty("kept").GetInt64());
        Assert.Equal(gopher.GetProperty("version").GetString(), again.GetProperty("version").GetString());
        var removedByDedup = deduped.GetProperty("rules")[0].GetProperty("removed_documents").GetInt64();
        Assert.True(removedByDedup > 0);
        Assert.Equal(deduped.GetProperty("documents").GetInt64() - removedByDedup, deduped.GetProperty("kept").GetInt64());
        Assert.True(File.Exists(gopher.GetProperty("datasheet").GetString()));

        var a = $"golden-gopher@{gopher.GetProperty("version").GetString()}";
        var b = $"golden-dedup@{deduped.GetProperty("version").GetString()}";
        var jsonl = Path.Combine(_dir, "jsonl");
        var parquet = Path.Combine(_dir, "parquet");
        var exported = await RunJsonAsync("dataset", "export", a, "--format", "jsonl", "-o", jsonl);
        await RunJsonAsync("dataset", "export", a, "--format", "parquet", "-o", parquet);
        var diff = await RunJsonAsync("dataset", "diff", a, b, "--examples", "1000000");

        // Ingestion gives documents ids of its own, so the documents are matched by their text.
        var texts = FilterCliTests.ReadGz(SharedData.Path("golden", "signals_dev_docs.jsonl.gz"))
            .ToDictionary(d => d.GetProperty("id").GetString()!, d => d.GetProperty("text").GetString()!);
        var exportedDocuments = File.ReadLines(Path.Combine(jsonl, "train.jsonl")).Concat(File.ReadLines(Path.Combine(jsonl, "validation.jsonl")))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(kept.Select(id => texts[id]).Order(StringComparer.Ordinal), exportedDocuments.Select(d => d.GetProperty("text").GetString()!).Order(StringComparer.Ordinal));
        var exportedIds = exportedDocuments.Select(d => d.GetProperty("id").GetString()!).ToHashSet();
        Assert.True(exported.GetProperty("validation").GetInt64() > 0);
        long rows = 0;
        foreach (var file in Directory.GetFiles(Path.Combine(parquet, "data"), "*.parquet"))
        {
            await using var stream = File.OpenRead(file);
            await using var reader = await ParquetReader.CreateAsync(stream);
            Assert.Equal(["id", "text", "url", "language", "corpus"], reader.Schema.GetDataFields().Select(f => f.Name));
            for (var g = 0; g < reader.RowGroupCount; g++) rows += reader.OpenRowGroupReader(g).RowCount;
        }
        Assert.Equal(kept.Count, rows);
        // Another implementation reads the same rows, split for split, as the JSONL export has them.
        var parquetFiles = Directory.GetFiles(Path.Combine(parquet, "data"), "*.parquet").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["train-00000-of-00001.parquet", "validation-00000-of-00001.parquet"], parquetFiles.Select(Path.GetFileName));
        var independent = await IndependentParquet.ReadAsync(parquetFiles, Patience);
        foreach (var split in new[] { "train", "validation" })
            Assert.Equal(File.ReadLines(Path.Combine(jsonl, $"{split}.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
                    .Select(d => (d.GetProperty("id").GetString(), d.GetProperty("text").GetString(), d.GetProperty("language").GetString())),
                independent.Where(r => Path.GetFileName(r.GetProperty("file").GetString()!).StartsWith(split + "-", StringComparison.Ordinal))
                    .Select(r => (r.GetProperty("id").GetString(), r.GetProperty("text").GetString(), r.GetProperty("language").GetString())));
        var dedupIds = diff.GetProperty("added_ids").EnumerateArray().Select(e => e.GetString()!).Concat(exportedIds)
            .Except(diff.GetProperty("removed_ids").EnumerateArray().Select(e => e.GetString()!)).ToHashSet();
        Assert.Equal(deduped.GetProperty("kept").GetInt64(), dedupIds.Count);
        Assert.Equal(diff.GetProperty("added").GetInt64(), diff.GetProperty("added_ids").GetArrayLength());
        Assert.False(diff.GetProperty("same_recipe").GetBoolean());

        // A recipe file goes by its file's name, and every version is listed.
        var recipeFile = Path.Combine(_dir, "long-docs.recipe");
        await File.WriteAllTextAsync(recipeFile, "rule long: keep doc when rps_doc_word_count >= 300\n");
        var fromFile = await RunJsonAsync("dataset", "create", "golden-long", "--corpus", "golden", "--recipe", recipeFile, "--tokenizer", "bytes");
        var listed = (await RunJsonAsync("dataset", "list")).EnumerateArray().ToList();
        Assert.Equal(["golden-dedup", "golden-gopher", "golden-long"], listed.Select(e => e.GetProperty("dataset").GetString()!).Order(StringComparer.Ordinal));
        var longEntry = listed.Single(e => e.GetProperty("dataset").GetString() == "golden-long");
        Assert.Equal(("long-docs", fromFile.GetProperty("version").GetString(), fromFile.GetProperty("kept").GetInt64()),
            (longEntry.GetProperty("recipe").GetString(), longEntry.GetProperty("version").GetString(), longEntry.GetProperty("documents").GetInt64()));

        var mix = await RunJsonAsync("dataset", "mix", "golden-mix", "--component", $"{a}=3", "--component", $"{b}=1", "--tokens", "200000");
        var parts = mix.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal([150_000L, 50_000L], parts.Select(p => p.GetProperty("target_tokens").GetInt64()));
        Assert.All(parts, p => Assert.InRange(p.GetProperty("tokens").GetInt64(), p.GetProperty("target_tokens").GetInt64(),
            p.GetProperty("target_tokens").GetInt64() + 200_000));
        Assert.Equal(parts.Sum(p => p.GetProperty("tokens").GetInt64()), mix.GetProperty("tokens").GetInt64());
        var mixEntry = Assert.Single((await RunJsonAsync("dataset", "list", "golden-mix")).EnumerateArray());
        Assert.True(mixEntry.GetProperty("mixture").GetBoolean());
        Assert.Equal(mix.GetProperty("tokens").GetInt64(), mixEntry.GetProperty("tokens").GetInt64());
    }

    /// <summary>Signals that depend on no language list or domain list, so they hold whatever language ingestion assigned.</summary>
    private static readonly HashSet<string> LanguageDependent = ["rps_doc_ut1_blacklist", "rps_doc_stop_word_fraction", "rps_doc_ldnoobw_words"];

    [Fact]
    public async Task Rpv2Export_OfAVersionWithLineRules_WritesSignalsWhoseSpansMatchTheCutText_AndRpv2sValuesForUncutText()
    {
        await RunJsonAsync("ingest", SharedData.Path("golden", "signals_dev_docs.jsonl.gz"), "--name", "golden");
        var c4 = await RunJsonAsync("dataset", "create", "golden-c4", "--corpus", "golden", "--recipe", "c4", "--tokenizer", "bytes");
        var rpv2 = Path.Combine(_dir, "rpv2");

        var exported = await RunJsonAsync("dataset", "export", $"golden-c4@{c4.GetProperty("version").GetString()}", "--format", "rpv2", "-o", rpv2);

        var documents = FilterCliTests.ReadGz(Path.Combine(rpv2, "documents", "00000.json.gz"));
        var signals = FilterCliTests.ReadGz(Path.Combine(rpv2, "quality_signals", "00000.signals.json.gz"));
        Assert.Equal(c4.GetProperty("kept").GetInt64(), documents.Count);
        Assert.Equal(documents.Count, exported.GetProperty("documents").GetInt64());
        Assert.Equal(documents.Select(d => d.GetProperty("doc_id").GetString()), signals.Select(s => s.GetProperty("id").GetString()));
        var golden = FilterCliTests.ReadGz(SharedData.Path("golden", "signals_dev_docs.jsonl.gz"))
            .Zip(FilterCliTests.ReadGz(SharedData.Path("golden", "signals_dev_expected.jsonl.gz")))
            .GroupBy(p => p.First.GetProperty("text").GetString()!).ToDictionary(g => g.Key, g => g.First().Second);
        var (cut, uncut) = (0, 0);
        foreach (var (document, record) in documents.Zip(signals))
        {
            var text = document.GetProperty("raw_content").GetString()!;
            var quality = record.GetProperty("quality_signals");
            // Line spans tile the exported text: one per line (a line keeps its newline), ending at its length in code points.
            var spans = quality.GetProperty("rps_lines_num_words").EnumerateArray().ToList();
            Assert.Equal(text.Count(c => c == '\n') + (text.EndsWith('\n') ? 0 : 1), spans.Count);
            Assert.Equal(text.EnumerateRunes().Count(), spans[^1][1].GetInt32());
            Assert.Equal(document.GetProperty("nlines").GetInt32(), spans.Count);
            if (!golden.TryGetValue(text, out var expected))
            {
                cut++;
                continue;
            }
            uncut++;
            foreach (var signal in expected.GetProperty("quality_signals").EnumerateObject().Where(p => !LanguageDependent.Contains(p.Name)))
                Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(signal.Value.GetRawText()),
                    System.Text.Json.Nodes.JsonNode.Parse(quality.GetProperty(signal.Name).GetRawText())), $"{signal.Name} of {record.GetProperty("id")}");
        }
        Assert.True(cut > 0 && uncut > 0, $"{cut} cut and {uncut} uncut documents");
    }
}
