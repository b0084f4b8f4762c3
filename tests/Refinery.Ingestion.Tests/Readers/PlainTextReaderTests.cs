using System.Text;
using Refinery.Ingestion.Readers;
using Refinery.Ingestion.Text;

namespace Refinery.Ingestion.Tests.Readers;

public sealed class PlainTextReaderTests
{
    [Fact]
    public async Task Text_WholeFile_IsOneDocumentWithBomRemovedAndInvalidBytesCounted()
    {
        var bytes = Bytes.Concat([0xEF, 0xBB, 0xBF], Bytes.Utf8("line one\nline "), [0xC0, 0x80], Bytes.Utf8(" two\n"));

        var result = await ReadResult.OfBytesAsync(bytes, "notes.txt");

        var doc = Assert.Single(result.Items).Document!;
        Assert.Equal("line one\nline \uFFFD\uFFFD two\n", doc.Text);
        Assert.Equal(2, doc.InvalidUtf8);
        Assert.Null(doc.Id);
        Assert.Null(doc.Url);
        Assert.Equal(0, doc.Position);
    }

    [Fact]
    public async Task Text_MultibyteCharactersAcrossChunkBoundaries_DecodeExactly()
    {
        var text = string.Concat(Enumerable.Repeat("é€😀 mixed ", 40_000));

        var result = await ReadResult.OfBytesAsync(Bytes.Utf8(text), "multi.txt");

        var doc = Assert.Single(result.Items).Document!;
        Assert.Equal(text, doc.Text);
        Assert.Equal(0, doc.InvalidUtf8);
    }

    [Fact]
    public async Task Text_LongerThanMaxDocumentChars_IsRejectedWithoutReadingEverything()
    {
        var source = new CountingStream(new ForwardOnlyStream(new byte[20_000_000]));

        var result = await ReadResult.OfStreamAsync(source, "huge.txt", options: new ReaderOptions { MaxDocumentChars = 100_000 });

        var rejection = Assert.Single(result.Items).Rejection!;
        Assert.Equal((0L, RejectReasons.OversizedDocument), (rejection.Position, rejection.Reason));
        Assert.InRange(source.BytesRead, 100_000, 1_000_000);
    }

    [Fact]
    public async Task Text_WhitespaceOnly_IsEmptyText()
    {
        var result = await ReadResult.OfBytesAsync(Bytes.Utf8(" \n\t \r\n"), "blank.txt");

        Assert.Equal(RejectReasons.EmptyText, Assert.Single(result.Rejections).Reason);
    }

    [Fact]
    public void Utf8Text_SanitizeAndCount_MatchEncodingUtf8OnRandomBytes()
    {
        // Scalar reference: Encoding.UTF8 replaces each invalid sequence with one U+FFFD.
        var random = new Random(20240601);
        for (var round = 0; round < 500; round++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (round % 2 == 0)
                for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)(bytes[i] % 3 == 0 ? bytes[i] : bytes[i] & 0x7F);   // mostly ASCII
            var reference = Encoding.UTF8.GetString(bytes);
            var expectedInvalid = reference.Count(c => c == '\uFFFD');

            var sanitized = new byte[bytes.Length * 3];
            var length = Utf8Text.Sanitize(bytes, sanitized, out var invalid);

            Assert.Equal(expectedInvalid, invalid);
            Assert.Equal(expectedInvalid, Utf8Text.CountInvalid(bytes));
            Assert.Equal(reference, Encoding.UTF8.GetString(sanitized, 0, length));
            Assert.True(System.Text.Unicode.Utf8.IsValid(sanitized.AsSpan(0, length)));
            Assert.Equal(reference, Utf8Text.Decode(bytes, out var decodedInvalid));
            Assert.Equal(expectedInvalid, decodedInvalid);
        }
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));
        private int Count(int n)
        {
            BytesRead += n;
            return n;
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
