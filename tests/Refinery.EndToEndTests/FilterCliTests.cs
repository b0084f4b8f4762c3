using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Refinery.TestSupport;

namespace Refinery.EndToEndTests;

/// <summary>`refinery filter` on the golden documents and their RPv2 signals, checked against decisions computed here.</summary>
public sealed class FilterCliTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);
    private static readonly string Docs = SharedData.Path("golden", "signals_dev_docs.jsonl.gz");
    private static readonly string Signals = SharedData.Path("golden", "signals_dev_expected.jsonl.gz");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "refinery-filter-cli-" + Guid.NewGuid().ToString("N"));

    public FilterCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static List<JsonElement> ReadGz(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var records = new List<JsonElement>();
        while (reader.ReadLine() is { } line) records.Add(JsonDocument.Parse(line).RootElement.Clone());
        return records;
    }

    private static double[] Lines(JsonElement r, string name) => GoldenGopher.Lines(r, name);

    private static double Doc(JsonElement r, string name) => GoldenGopher.Doc(r, name);

    private static List<JsonElement> Output(string path) => File.ReadLines(path).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public async Task GopherRulesPass_KeepsTheDocumentsTheCardsRulesKeep_AndCountsEachRule()
    {
        var output = Path.Combine(_dir, "gopher.jsonl");

        var result = await CliProcess.RunAsync(Patience, "filter", Docs, "--signals", Signals, "--recipe", "gopher-rules-pass", "-o", output, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var removedBy = ReadGz(Signals).Select(GoldenGopher.RemovedBy).ToList();
        var ids = ReadGz(Docs).Select(d => d.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Where((_, i) => removedBy[i] is null), Output(output).Select(d => d.GetProperty("id").GetString()!));
        var summary = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(1390, summary.GetProperty("documents").GetInt64());
        foreach (var rule in summary.GetProperty("rules").EnumerateArray())
            Assert.Equal(removedBy.Count(r => r == rule.GetProperty("name").GetString()), rule.GetProperty("removed_documents").GetInt64());
        Assert.Equal(64, summary.GetProperty("recipe_sha256").GetString()!.Length);
    }

    [Fact]
    public async Task C4_CutsEachKeptDocumentToItsKeptLines_AndLeavesItsOtherFields()
    {
        var output = Path.Combine(_dir, "c4.jsonl");

        var result = await CliProcess.RunAsync(Patience, "filter", Docs, "--signals", Signals, "--recipe", "c4", "-o", output, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var docs = ReadGz(Docs).ToDictionary(d => d.GetProperty("id").GetString()!);
        var signals = ReadGz(Signals).ToDictionary(r => r.GetProperty("id").GetString()!);
        var kept = Output(output);
        Assert.NotEmpty(kept);
        var shortened = 0;
        foreach (var doc in kept)
        {
            var id = doc.GetProperty("id").GetString()!;
            var r = signals[id];
            var text = docs[id].GetProperty("text").GetString()!;
            var runes = text.EnumerateRunes().Select(x => x.ToString()).ToArray();
            var spans = r.GetProperty("quality_signals").GetProperty("rps_lines_num_words").EnumerateArray().ToArray();
            var (terminal, words, js) = (Lines(r, "rps_lines_ending_with_terminal_punctution_mark"), Lines(r, "rps_lines_num_words"),
                Lines(r, "rps_lines_javascript_counts"));
            var expected = new StringBuilder();
            for (var l = 0; l < spans.Length; l++)
                if (!(terminal[l] == 0) && !(words[l] < 5) && !(js[l] > 0))
                    expected.Append(string.Concat(runes[spans[l][0].GetInt32()..spans[l][1].GetInt32()]));
            Assert.Equal(expected.ToString(), doc.GetProperty("text").GetString());
            if (expected.Length < text.Length) shortened++;
            if (docs[id].TryGetProperty("url", out var url)) Assert.Equal(url.GetString(), doc.GetProperty("url").GetString());
        }
        Assert.True(shortened > 10, $"only {shortened} documents lost lines");
        var summary = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.True(summary.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "no_terminal_punctuation")
            .GetProperty("removed_lines").GetInt64() > 0);
    }

    [Fact]
    public async Task DedupOnly_RemovesTheClusterMembersThatDedupDoesNotKeep()
    {
        var clusters = Path.Combine(_dir, "clusters.jsonl");
        var dedup = await CliProcess.RunAsync(Patience, "dedup", Docs, "--threshold", "0.8", "-o", clusters, "--json");
        Assert.True(dedup.ExitCode == 0, dedup.Stderr);
        var output = Path.Combine(_dir, "deduped.jsonl");

        var result = await CliProcess.RunAsync(Patience, "filter", Docs, "--signals", Signals, "--recipe", "dedup-only",
            "--clusters", $"0.8={clusters}", "-o", output, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var dropped = Output(clusters).Where(c => !c.GetProperty("keep").GetBoolean()).Select(c => c.GetProperty("id").GetString()!).ToHashSet();
        Assert.NotEmpty(dropped);
        var ids = ReadGz(Docs).Select(d => d.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Where(id => !dropped.Contains(id)), Output(output).Select(d => d.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task BadInputs_FailWithAClearMessage()
    {
        var recipe = Path.Combine(_dir, "typo.recipe");
        File.WriteAllText(recipe, "# a typo\nkeep doc when rps_doc_mean_wordlength < 10\n");
        var output = Path.Combine(_dir, "out.jsonl");

        var typo = await CliProcess.RunAsync(Patience, "filter", Docs, "--signals", Signals, "--recipe", recipe, "-o", output);
        var noClusters = await CliProcess.RunAsync(Patience, "filter", Docs, "--signals", Signals, "--recipe", "dedup-only", "-o", output);
        var shifted = Path.Combine(_dir, "shifted.jsonl");
        File.WriteAllLines(shifted, ReadGz(Signals).Skip(1).Select(r => r.GetRawText()));
        var misaligned = await CliProcess.RunAsync(Patience, "filter", Docs, "--signals", shifted, "--recipe", "none", "-o", output);

        Assert.Equal(2, typo.ExitCode);
        Assert.Contains($"{recipe}:2:15: unknown signal 'rps_doc_mean_wordlength' (did you mean 'rps_doc_mean_word_length'?)", typo.Stderr);
        Assert.Equal(2, noClusters.ExitCode);
        Assert.Contains("duplicate(fuzzy, 0.8): give --clusters", noClusters.Stderr);
        Assert.Equal(2, misaligned.ExitCode);
        Assert.Contains($"but {shifted}:1 holds the signals of", misaligned.Stderr);
        Assert.Empty(Directory.GetFiles(_dir, "out.jsonl*")); // no output, partial or rejected file is left behind
    }
}
