using Refinery.Ingestion.Readers;

namespace Refinery.Ingestion.Tests.Readers;

public sealed class SourceReaderTests
{
    private static byte[] Lines(int count) =>
        Bytes.Utf8(string.Concat(Enumerable.Range(1, count).Select(i => $"{{\"id\":\"d{i}\",\"text\":\"document number {i} with some words\"}}\n")));

    [Theory]
    [InlineData("a.jsonl", "jsonl")]
    [InlineData("a.json.gz", "jsonl")]
    [InlineData("a.ndjson.zst", "jsonl")]
    [InlineData("a.parquet", "parquet")]
    [InlineData("CC-MAIN-1.warc.gz", "warc")]
    [InlineData("x.arc.gz", "warc")]
    [InlineData("CC-MAIN-1.warc.wet.gz", "wet")]
    [InlineData("b.wet", "wet")]
    [InlineData("notes.txt", "text")]
    [InlineData("README", "text")]
    public void DetectFormat_ByExtension_PicksReader(string name, string expected) =>
        Assert.Equal(expected, SourceReader.DetectFormat(name));

    [Fact]
    public void DetectFormat_TxtThatIsAWarc_IsReadAsWarc() =>
        Assert.Equal("wet", SourceReader.DetectFormat("ccnet_sample.wet.txt", "WARC/1.0\r\n"u8));

    [Fact]
    public async Task Source_ZstdJsonl_IsDecompressedByMagicEvenWithoutExtension()
    {
        var result = await ReadResult.OfBytesAsync(Bytes.Zstd(Lines(50)), "upload.jsonl");

        Assert.Empty(result.Rejections);
        Assert.Equal(50, result.Documents.Count);
        Assert.Equal("d50", result.Documents[^1].Id);
    }

    [Fact]
    public async Task Source_CorruptZstd_YieldsOneCorruptCompressionAndStops()
    {
        // Two frames; the second one's header sets a reserved bit, which a decoder must refuse.
        var second = Bytes.Zstd(Bytes.Utf8("{\"text\":\"never read\"}\n"));
        second[4] |= 0x08;
        var zstd = Bytes.Concat(Bytes.Zstd(Lines(100)), second);

        var result = await ReadResult.OfBytesAsync(zstd, "bad.jsonl.zst");

        Assert.Equal(100, result.Documents.Count);
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal((101L, RejectReasons.CorruptCompression), (rejection.Position, rejection.Reason));
        Assert.Contains("zstd", rejection.Detail);
        Assert.Same(rejection, result.Items[^1].Rejection);
    }

    [Fact]
    public async Task Source_TruncatedZstd_KeepsWholeRecordsAndReportsDamage()
    {
        var zstd = Bytes.Zstd(Lines(20_000));
        var result = await ReadResult.OfBytesAsync(zstd[..(zstd.Length * 3 / 4)], "cut.jsonl.zst");

        var rejection = Assert.Single(result.Rejections);
        Assert.Equal(RejectReasons.CorruptCompression, rejection.Reason);
        Assert.InRange(result.Documents.Count, 1, 19_999);
        Assert.Equal(Enumerable.Range(1, result.Documents.Count).Select(i => $"d{i}"), result.Documents.Select(d => d.Id));
        Assert.Equal(result.Documents.Count + 1, rejection.Position);
    }

    [Fact]
    public async Task Source_GzipNamedButNotGzip_IsCorruptCompression()
    {
        var result = await ReadResult.OfBytesAsync(Bytes.Utf8("{\"text\":\"plain\"}\n"), "liar.jsonl.gz");

        var rejection = Assert.Single(result.Items).Rejection;
        Assert.Equal((0L, RejectReasons.CorruptCompression), (rejection!.Position, rejection.Reason));
    }

    [Fact]
    public async Task Source_GzipBomb_StopsAtDecompressionLimit()
    {
        var bomb = Bytes.Gzip(new byte[50_000_000]);   // 50 MB of zeros in ~50 KB
        var options = new ReaderOptions { MaxDecompressedBytes = 1_000_000 };

        var result = await ReadResult.OfBytesAsync(bomb, "bomb.txt.gz", options: options);

        var rejection = Assert.Single(result.Items).Rejection;
        Assert.Equal(RejectReasons.DecompressionLimit, rejection!.Reason);
        Assert.Contains("1000000", rejection.Detail);
    }

    [Fact]
    public async Task Source_ZstdJsonlBomb_KeepsRecordsUnderTheLimitThenStops()
    {
        var data = Lines(10_000);
        var limit = data.Length / 2;
        var completeLines = data.AsSpan(0, limit).Count((byte)'\n');

        var result = await ReadResult.OfBytesAsync(Bytes.Zstd(data), "big.jsonl.zst",
            options: new ReaderOptions { MaxDecompressedBytes = limit });

        Assert.Equal(completeLines, result.Documents.Count);
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal((completeLines + 1L, RejectReasons.DecompressionLimit), (rejection.Position, rejection.Reason));
        Assert.Equal(completeLines + 1, result.Items.Count);
    }

    [Theory]
    [InlineData("empty.jsonl")]
    [InlineData("empty.warc.gz")]
    [InlineData("empty.txt")]
    [InlineData("empty.parquet")]
    public async Task Source_EmptyFile_IsOneEmptySourceRejection(string name)
    {
        var bytes = name.EndsWith(".gz", StringComparison.Ordinal) ? Bytes.Gzip([]) : [];

        var result = await ReadResult.OfBytesAsync(bytes, name);

        var rejection = Assert.Single(result.Items).Rejection;
        Assert.Equal((0L, RejectReasons.EmptySource), (rejection!.Position, rejection.Reason));
    }

    [Fact]
    public async Task Source_UnknownFormatName_IsUnreadable()
    {
        var result = await ReadResult.OfBytesAsync(Lines(1), "a.jsonl", format: "xml");

        Assert.Equal(RejectReasons.UnreadableSource, Assert.Single(result.Rejections).Reason);
    }

    [Fact]
    public async Task Source_ExplicitFormat_OverridesTheExtension()
    {
        var result = await ReadResult.OfBytesAsync(Lines(3), "data.bin", format: "jsonl");

        Assert.Equal(["d1", "d2", "d3"], result.Documents.Select(d => d.Id));
    }

    [Fact]
    public async Task Source_RawStreamIsLeftOpen()
    {
        var stream = new MemoryStream(Bytes.Gzip(Lines(2)));

        var result = await ReadResult.OfStreamAsync(stream, "a.jsonl.gz");

        Assert.Equal(2, result.Documents.Count);
        Assert.True(stream.CanRead);
    }
}
