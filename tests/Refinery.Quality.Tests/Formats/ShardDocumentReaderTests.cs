using System.Text;
using System.Text.Json;
using Refinery.Quality.Formats;
using ZstdSharp;

namespace Refinery.Quality.Tests.Formats;

public sealed class ShardDocumentReaderTests
{
    /// <summary>A line as ingestion writes it into docs/{corpus}/{shard}.jsonl.zst.</summary>
    private static string Line(string id, string text, string lang = "en", string? url = "https://example.org/") =>
        JsonSerializer.Serialize(new { id, text, url, lang, lang_score = 0.99, source = "test.jsonl", meta = new { } });

    private static MemoryStream Compressed(string text)
    {
        var stream = new MemoryStream();
        using (var zstd = new CompressionStream(stream, 3, leaveOpen: true)) zstd.Write(Encoding.UTF8.GetBytes(text));
        stream.Position = 0;
        return stream;
    }

    private static async Task<List<IReadOnlyList<ShardLine>>> ReadAsync(string text, int batchSize)
    {
        await using var stream = Compressed(text);
        return await ShardDocumentReader.ReadBatchesAsync(stream, batchSize, default).ToListAsync();
    }

    [Fact]
    public async Task Documents_ComeInBatchesOfTheGivenSize_InShardOrder()
    {
        var text = string.Concat(Enumerable.Range(0, 7).Select(i => Line($"d{i}", $"text {i}") + "\n"));

        var batches = await ReadAsync(text, 3);

        Assert.Equal([3, 3, 1], batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"d{i}"), batches.SelectMany(b => b).Select(l => l.Document!.Id));
    }

    [Fact]
    public async Task Fields_BecomeTheSignalDocument_WithTheLanguageScore()
    {
        var line = Assert.Single(Assert.Single(await ReadAsync(Line("a", "Hällo\nwelt", "de", "https://x.de/") + "\n", 10)));

        // lang_score is passed through as ccnet_language_score.
        Assert.Equal(new Refinery.Quality.Rpv2.SignalDocument("a", "Hällo\nwelt", "https://x.de/", "de", 0.99), line.Document);
    }

    [Fact]
    public async Task ABadLine_IsReportedWithItsLineNumber_AndReadingGoesOn()
    {
        var text = Line("a", "one") + "\n{\"id\":\"b\"}\nnot json\n" + Line("d", "four") + "\n";

        var lines = (await ReadAsync(text, 10)).SelectMany(b => b).ToList();

        Assert.Equal([1, 2, 3, 4], lines.Select(l => l.LineNumber));
        Assert.Equal("document b has no 'text'", lines[1].Error);
        Assert.StartsWith("malformed JSON", lines[2].Error);
        Assert.Equal("d", lines[3].Document!.Id);
    }

    [Fact]
    public async Task AMissingLanguage_IsUndetermined()
    {
        var line = Assert.Single(Assert.Single(await ReadAsync("{\"id\":\"x\",\"text\":\"t\"}\n", 1)));

        Assert.Equal(("und", null), (line.Document!.Language, line.Document.Url));
    }
}
