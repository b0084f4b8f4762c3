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
        var dedupIds = diff.GetProperty("added_ids").EnumerateArray().Select(e => e.GetString()!).Concat(exportedIds)
            .Except(diff.GetProperty("removed_ids").EnumerateArray().Select(e => e.GetString()!)).ToHashSet();
        Assert.Equal(deduped.GetProperty("kept").GetInt64(), dedupIds.Count);
        Assert.Equal(diff.GetProperty("added").GetInt64(), diff.GetProperty("added_ids").GetArrayLength());
        Assert.False(diff.GetProperty("same_recipe").GetBoolean());

        var mix = await RunJsonAsync("dataset", "mix", "golden-mix", "--component", $"{a}=3", "--component", $"{b}=1", "--tokens", "200000");
        var parts = mix.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal([150_000L, 50_000L], parts.Select(p => p.GetProperty("target_tokens").GetInt64()));
        Assert.All(parts, p => Assert.InRange(p.GetProperty("tokens").GetInt64(), p.GetProperty("target_tokens").GetInt64(),
            p.GetProperty("target_tokens").GetInt64() + 200_000));
        Assert.Equal(parts.Sum(p => p.GetProperty("tokens").GetInt64()), mix.GetProperty("tokens").GetInt64());
    }
}
