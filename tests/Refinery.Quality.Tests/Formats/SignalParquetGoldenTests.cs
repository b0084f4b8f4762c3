using System.IO.Compression;
using System.Text.Json;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.TestSupport;

namespace Refinery.Quality.Tests.Formats;

/// <summary>The Parquet signal shard holds what the golden JSONL holds: the golden documents' signals, written through
/// the shard writer (across row groups) and read back, give RPv2's golden lines byte for byte: every one of the
/// 29 signals, every span, and the MinHash bands rebuilt from the file's signature column.</summary>
[Collection(WordListsCollection.Name)]
public sealed class SignalParquetGoldenTests(WordListsFixture wordLists)
{
    [Fact]
    public async Task GoldenDocuments_ReadBackFromAShard_GiveTheGoldenLines()
    {
        var computer = new Rpv2SignalComputer(wordLists.Resources);
        var documents = ReadLines(SharedData.Path("golden", "signals_dev_docs.jsonl.gz")).Select(ToDocument).ToList();
        var expected = ReadLines(SharedData.Path("golden", "signals_dev_expected.jsonl.gz"));
        Assert.Equal(1390, documents.Count);

        using var stream = new MemoryStream();
        await using (var writer = await SignalParquetWriter.CreateAsync(stream, new SignalFileInfo { Config = "rpv2" }, rowGroupDocuments: 500))
        {
            foreach (var document in documents) await writer.WriteAsync(computer.Compute(document));
            await writer.CompleteAsync();
        }
        stream.Position = 0;
        await using var reader = await SignalParquetReader.OpenAsync(stream);
        var rows = await reader.ReadAsync().ToListAsync();

        Assert.Equal(expected.Count, rows.Count);
        var mismatches = Enumerable.Range(0, rows.Count)
            .Where(i => Rpv2JsonFormat.ToLine(rows[i].Signals) != expected[i])
            .Select(i => $"line {i} ({documents[i].Id})")
            .ToList();
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} documents differ after the round trip: {string.Join(", ", mismatches.Take(10))}");
    }

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

    private static List<string> ReadLines(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
