using System.IO.Compression;
using System.Text.Json;
using Refinery.Quality.Rpv2;
using Refinery.TestSupport;

namespace Refinery.Quality.Tests;

/// <summary>RPv2's golden files in the shared data: the dev documents and, line for line, what its reference wrote
/// for them.</summary>
internal static class GoldenSignalFiles
{
    public static List<SignalDocument> Documents() => ReadLines("signals_dev_docs.jsonl.gz").Select(ToDocument).ToList();

    public static List<string> ExpectedLines() => ReadLines("signals_dev_expected.jsonl.gz");

    private static SignalDocument ToDocument(string line)
    {
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        return new SignalDocument(
            root.GetProperty("id").GetString()!,
            root.GetProperty("text").GetString()!,
            root.TryGetProperty("url", out var url) ? url.GetString() : null,
            root.TryGetProperty("language", out var lang) ? lang.GetString()! : "en");
    }

    private static List<string> ReadLines(string name)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(SharedData.Path("golden", name)), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
