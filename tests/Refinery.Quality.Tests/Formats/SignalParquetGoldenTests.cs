using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;

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
        var documents = GoldenSignalFiles.Documents();
        var expected = GoldenSignalFiles.ExpectedLines();
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
}
