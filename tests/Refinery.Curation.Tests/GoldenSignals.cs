using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Refinery.Curation.Formats;
using Refinery.Curation.Recipes;
using Refinery.TestSupport;

namespace Refinery.Curation.Tests;

/// <summary>The 1,390 golden RPv2 signal records, both as raw JSON (for decisions the tests compute on their own) and
/// as the facts a recipe sees.</summary>
public static class GoldenSignals
{
    public static readonly IReadOnlyList<JsonElement> Records = Load();

    private static List<JsonElement> Load()
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(SharedData.Path("golden", "signals_dev_expected.jsonl.gz")), CompressionMode.Decompress));
        var records = new List<JsonElement>();
        while (reader.ReadLine() is { } line) records.Add(JsonDocument.Parse(line).RootElement.Clone());
        return records;
    }

    public static List<DocumentFacts> Facts(Recipe recipe) => Records.Select(r =>
    {
        var parsed = Rpv2SignalRecord.Parse(Encoding.UTF8.GetBytes(r.GetRawText()), recipe.Needs);
        return new DocumentFacts { Id = parsed.Id, Document = parsed.Document, Lines = parsed.Lines, LineBounds = parsed.LineBounds };
    }).ToList();

    /// <summary>A document signal's value, NaN for null.</summary>
    public static double Doc(JsonElement record, string name) =>
        record.GetProperty("quality_signals").GetProperty(name)[0][2] is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : double.NaN;

    /// <summary>A line signal's values, one per span (NaN for null).</summary>
    public static double[] Lines(JsonElement record, string name) => record.GetProperty("quality_signals").GetProperty(name).EnumerateArray()
        .Select(s => s[2].ValueKind == JsonValueKind.Number ? s[2].GetDouble() : double.NaN).ToArray();

    /// <summary>Whether the document is empty: RPv2 writes the single span [0, 0, null] for its lines.</summary>
    public static bool Empty(JsonElement record) => record.GetProperty("quality_signals").GetProperty("rps_lines_num_words") is var spans
        && spans.GetArrayLength() == 1 && spans[0][1].GetInt32() == 0;
}
