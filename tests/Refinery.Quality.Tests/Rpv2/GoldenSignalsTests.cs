using System.IO.Compression;
using System.Text.Json;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.TestSupport;

namespace Refinery.Quality.Tests.Rpv2;

/// <summary>The whole golden file: every value, type, null, span and MinHash band of 1,390 documents, byte for byte
/// as RPv2's reference writes it.</summary>
[Collection(WordListsCollection.Name)]
public sealed class GoldenSignalsTests(WordListsFixture wordLists)
{
    [Fact]
    public void EveryGoldenDocument_IsReproducedByteForByte()
    {
        var computer = new Rpv2SignalComputer(wordLists.Resources);
        var documents = ReadLines(SharedData.Path("golden", "signals_dev_docs.jsonl.gz"));
        var expected = ReadLines(SharedData.Path("golden", "signals_dev_expected.jsonl.gz"));
        Assert.Equal(1390, documents.Count);
        Assert.Equal(documents.Count, expected.Count);

        var mismatches = new List<string>();
        for (var i = 0; i < documents.Count; i++)
        {
            using var json = JsonDocument.Parse(documents[i]);
            var root = json.RootElement;
            var document = new SignalDocument(
                root.GetProperty("id").GetString()!,
                root.GetProperty("text").GetString()!,
                root.TryGetProperty("url", out var url) ? url.GetString() : null,
                root.TryGetProperty("language", out var lang) ? lang.GetString()! : "en");
            var actual = Rpv2JsonFormat.ToLine(computer.Compute(document));
            if (actual != expected[i]) mismatches.Add(Describe(i, document.Id, actual, expected[i]));
        }
        Assert.True(mismatches.Count == 0,
            $"{mismatches.Count} of {documents.Count} documents differ:\n" + string.Join("\n", mismatches.Take(15)));
    }

    /// <summary>Names the first differing signal, so a failure says what to fix.</summary>
    private static string Describe(int line, string id, string actual, string expected)
    {
        using var a = JsonDocument.Parse(actual);
        using var e = JsonDocument.Parse(expected);
        foreach (var section in new[] { "quality_signals", "minhash" })
            foreach (var property in e.RootElement.GetProperty(section).EnumerateObject())
            {
                var mine = a.RootElement.GetProperty(section).TryGetProperty(property.Name, out var v) ? v.GetRawText() : "(missing)";
                if (mine != property.Value.GetRawText())
                    return $"line {line} ({id}) {property.Name}: expected {Clip(property.Value.GetRawText())}, got {Clip(mine)}";
            }
        return $"line {line} ({id}): formatting differs: expected {Clip(expected)}, got {Clip(actual)}";
    }

    private static string Clip(string s) => s.Length > 300 ? s[..300] + "…" : s;

    private static List<string> ReadLines(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
