using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Tests.Formats;

public sealed class SignalParquetRoundTripTests
{
    private static readonly SignalFileInfo Info = new()
    {
        Config = "rpv2",
        Resources = new Dictionary<string, string> { ["stopwords-json"] = "1.2.0", ["naughty-words"] = "1.2.0" },
    };

    [Fact]
    public async Task RandomDocuments_RoundTrip_WithNullsEmptyDocumentsAndShortDocuments()
    {
        var random = new Random(1234);
        var documents = Enumerable.Range(0, 300).Select(i => SignalsFaker.Document(random, i)).ToList();
        // The edge cases the generator may not draw: an empty text, and a text with no MinHash.
        documents.Add(SignalsFaker.Empty("empty"));
        documents.Add(Clone(SignalsFaker.Document(random, 999), minHash: null));

        // Small row groups, so the round trip crosses row-group boundaries.
        var (rows, info) = await RoundTripAsync(documents, Info, rowGroupDocuments: 64);

        Assert.Equal(Info.Config, info.Config);
        Assert.Equal(Info.Resources, info.Resources);
        Assert.Equal(SignalFileInfo.CurrentSignalSet, info.SignalSet);
        Assert.Equal(documents.Count, rows.Count);
        for (var i = 0; i < documents.Count; i++) SignalsFaker.AssertSame(documents[i], rows[i].Signals);
    }

    [Fact]
    public async Task ExtraModelSignals_RoundTrip_InTheirDeclaredOrder()
    {
        var info = Info with { ExtraSignals = ["ccnet_perplexity", "rps_doc_ml_palm_score"] };
        var random = new Random(7);
        var documents = Enumerable.Range(0, 10).Select(i => SignalsFaker.Document(random, i)).ToList();
        var extras = documents.Select((_, i) => new[] { i * 1.5, i % 3 == 0 ? double.NaN : -i }).ToList();

        using var stream = new MemoryStream();
        await using (var writer = await SignalParquetWriter.CreateAsync(stream, info))
        {
            for (var i = 0; i < documents.Count; i++) await writer.WriteAsync(documents[i], extras[i]);
            await writer.CompleteAsync();
        }
        stream.Position = 0;
        await using var reader = await SignalParquetReader.OpenAsync(stream);
        var rows = await reader.ReadAsync().ToListAsync();

        Assert.Equal(info.ExtraSignals, reader.Info.ExtraSignals);
        Assert.Equal(extras, rows.Select(r => r.Extra));
    }

    [Fact]
    public async Task NoDocuments_GivesAReadableFileWithNoRows()
    {
        var (rows, info) = await RoundTripAsync([], Info);

        Assert.Empty(rows);
        Assert.Equal("rpv2", info.Config);
    }

    [Fact]
    public async Task RowCount_ComesFromMetadata_AcrossRowGroups()
    {
        var random = new Random(3);
        using var stream = new MemoryStream();
        await using (var writer = await SignalParquetWriter.CreateAsync(stream, Info, rowGroupDocuments: 10, rowGroupLines: 50))
        {
            for (var i = 0; i < 95; i++) await writer.WriteAsync(SignalsFaker.Document(random, i));
            await writer.CompleteAsync();
        }
        stream.Position = 0;
        await using var reader = await SignalParquetReader.OpenAsync(stream);

        Assert.Equal(95, reader.RowCount);
    }

    [Fact]
    public async Task WrongNumberOfLineValues_IsRejectedBeforeWriting()
    {
        var document = Clone(SignalsFaker.Document(new Random(5), 0), lines: [[1.0], [], [], [], [], []]);
        using var stream = new MemoryStream();
        await using var writer = await SignalParquetWriter.CreateAsync(stream, Info);

        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(document).AsTask());
    }

    [Fact]
    public async Task AFileWithoutSignalMetadata_IsNotASignalFile()
    {
        using var stream = new MemoryStream();
        var field = new Parquet.Schema.DataField<int>("x");
        await using (var writer = await Parquet.ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(field), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(field, new[] { 1 });
        }
        stream.Position = 0;

        await Assert.ThrowsAsync<InvalidDataException>(() => SignalParquetReader.OpenAsync(stream));
    }

    private static async Task<(List<SignalRow> Rows, SignalFileInfo Info)> RoundTripAsync(IReadOnlyList<DocumentSignals> documents,
        SignalFileInfo info, int rowGroupDocuments = SignalParquetWriter.DefaultRowGroupDocuments)
    {
        using var stream = new MemoryStream();
        await using (var writer = await SignalParquetWriter.CreateAsync(stream, info, rowGroupDocuments))
        {
            foreach (var document in documents) await writer.WriteAsync(document);
            await writer.CompleteAsync();
        }
        stream.Position = 0;
        await using var reader = await SignalParquetReader.OpenAsync(stream);
        return (await reader.ReadAsync().ToListAsync(), reader.Info);
    }

    private static DocumentSignals Clone(DocumentSignals d, uint[]? minHash = null, double[][]? lines = null) => new()
    {
        Id = d.Id + "-clone", IdInt = d.IdInt, Length = d.Length, LineBounds = d.LineBounds, Document = d.Document,
        Lines = lines ?? d.Lines, MinHash = minHash,
    };
}
