using Parquet;
using Parquet.Schema;
using Refinery.Ingestion.Readers;

namespace Refinery.Ingestion.Tests.Readers;

public sealed class ParquetDocumentReaderTests
{
    private static async Task<byte[]> WriteParquetAsync(string textColumn, params (string? Id, string? Text, string? Url)[][] rowGroups)
    {
        var id = new DataField<string>("id", true);
        var text = new DataField<string>(textColumn, true);
        var url = new DataField<string>("url", true);
        var schema = new ParquetSchema(id, text, url);
        using var output = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, output))
        {
            foreach (var rows in rowGroups)
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(id, rows.Select(r => r.Id).ToArray()!);
                await group.WriteAsync(text, rows.Select(r => r.Text).ToArray()!);
                await group.WriteAsync(url, rows.Select(r => r.Url).ToArray()!);
            }
        }
        return output.ToArray();
    }

    private static readonly (string?, string?, string?)[] FirstGroup =
    [
        ("p1", "first parquet document", "https://p.test/1"),
        ("p2", null, null),
        ("p3", "   ", "https://p.test/3"),
    ];

    private static readonly (string?, string?, string?)[] SecondGroup =
    [
        ("p4", "fourth document", null),
        (null, "no id here", "https://p.test/5"),
        ("p6", new string('z', 50), null),
    ];

    [Fact]
    public async Task Parquet_TwoRowGroups_ReadsRowsInOrderWithRowNumbers()
    {
        var bytes = await WriteParquetAsync("text", FirstGroup, SecondGroup);
        var path = Path.Combine(Path.GetTempPath(), $"refinery-test-{Guid.NewGuid():N}.parquet");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            var result = await ReadResult.OfFileAsync(path, options: new ReaderOptions { MaxDocumentChars = 40 });

            Assert.Equal(6, result.Items.Count);
            Assert.Equal(["p1", "p4", null], result.Documents.Select(d => d.Id));
            Assert.Equal([1L, 4, 5], result.Documents.Select(d => d.Position));
            Assert.Equal("first parquet document", result.Documents[0].Text);
            Assert.Equal("https://p.test/1", result.Documents[0].Url);
            Assert.Equal("https://p.test/5", result.Documents[2].Url);
            Assert.Equal([(2L, RejectReasons.MissingText), (3, RejectReasons.EmptyText), (6, RejectReasons.OversizedDocument)],
                result.Rejections.Select(r => (r.Position, r.Reason)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Parquet_GzippedAndNonSeekable_IsSpooledAndRead()
    {
        var bytes = await WriteParquetAsync("raw_content", SecondGroup);
        var before = Directory.GetFiles(Path.GetTempPath(), "refinery-parquet-*").Length;

        var result = await ReadResult.OfBytesAsync(Bytes.Gzip(bytes), "rows.parquet.gz");

        Assert.Equal(["fourth document", "no id here", new string('z', 50)], result.Documents.Select(d => d.Text));
        Assert.Empty(result.Rejections);
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "refinery-parquet-*").Length);   // spool deleted
    }

    [Fact]
    public async Task Parquet_WithoutTextColumn_IsOneUnreadableSourceRejection()
    {
        var bytes = await WriteParquetAsync("body", FirstGroup);

        var result = await ReadResult.OfBytesAsync(bytes, "notext.parquet");

        var rejection = Assert.Single(result.Items).Rejection!;
        Assert.Equal(RejectReasons.UnreadableSource, rejection.Reason);
        Assert.Contains("id, body, url", rejection.Detail);
    }

    [Fact]
    public async Task Parquet_GarbageBytes_AreUnreadable()
    {
        var result = await ReadResult.OfBytesAsync(Bytes.Utf8("PAR1 this is not really parquet at all PAR1"), "bad.parquet");

        var rejection = Assert.Single(result.Items).Rejection!;
        Assert.Equal((0L, RejectReasons.UnreadableSource), (rejection.Position, rejection.Reason));
    }
}
