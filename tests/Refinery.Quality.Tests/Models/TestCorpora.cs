using System.IO.Compression;
using System.Text.Json;
using Refinery.TestSupport;

namespace Refinery.Quality.Tests.Models;

/// <summary>Real text from the handbook's data folder, read in place (never copied into the repository).</summary>
internal static class TestCorpora
{
    public static readonly DateTimeOffset FixedTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>WikiText-2 split into paragraphs (its blank lines separate them); headings dropped.</summary>
    public static List<string> WikiText(string file) =>
        File.ReadAllText(SharedData.Path("reference", file))
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('='))
            .ToList();

    public static List<string> Jsonl(string field, params string[] path) => Records(path).Select(r => r.GetProperty(field).GetString()!).ToList();

    public static IEnumerable<JsonElement> Records(params string[] path)
    {
        var file = SharedData.Path(path);
        using var stream = File.OpenRead(file);
        using var decompressed = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : (Stream)stream;
        using var reader = new StreamReader(decompressed);
        var list = new List<JsonElement>();
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) list.Add(JsonDocument.Parse(line).RootElement.Clone());
        return list;
    }

    /// <summary>DCLM pages labelled low quality (label 0).</summary>
    public static List<string> LowQualityWeb() =>
        Records("web", "dev_dclm_quality_labeled.jsonl").Where(r => r.GetProperty("label").GetInt32() == 0)
            .Select(r => r.GetProperty("text").GetString()!).ToList();

    public static List<string> BoilerplatePages() => Jsonl("text", "web", "dev_dolma_boilerplate_pages.jsonl");

    public static List<string> Sotu() => Jsonl("text", "reference", "sotu_addresses_1790_2021.jsonl.gz");

    public static List<string> MobyDick() => Jsonl("text", "reference", "moby_dick_chapters.jsonl.gz");
}
