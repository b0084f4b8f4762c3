using System.Text.Json;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;

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
        var documents = GoldenSignalFiles.Documents();
        var expected = GoldenSignalFiles.ExpectedLines();
        Assert.Equal(1390, documents.Count);
        Assert.Equal(documents.Count, expected.Count);

        var mismatches = new List<string>();
        for (var i = 0; i < documents.Count; i++)
        {
            var document = documents[i];
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
}
