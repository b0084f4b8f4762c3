using Refinery.Storage;

namespace Refinery.Storage.Tests;

public sealed class BoundedStreamTests
{
    private static MemoryStream Bytes(int n) => new(Enumerable.Range(0, n).Select(i => (byte)i).ToArray());

    [Fact]
    public async Task WithoutOverLimit_EndsAtTheLimit()
    {
        await using var bounded = new BoundedStream(Bytes(100), 40);
        var copy = new MemoryStream();
        await bounded.CopyToAsync(copy, 7);

        Assert.Equal(Enumerable.Range(0, 40).Select(i => (byte)i), copy.ToArray());
        Assert.True(bounded.LimitReached);
    }

    [Fact]
    public async Task WithOverLimit_DeliversEveryByteUpToTheLimit_ThenFails()
    {
        await using var bounded = new BoundedStream(Bytes(100), 40, limit => new IOException($"over {limit}"));
        var buffer = new byte[16];
        var delivered = 0;
        var failure = await Assert.ThrowsAsync<IOException>(async () =>
        {
            while (true) delivered += await bounded.ReadAsync(buffer);
        });

        Assert.Equal(40, delivered);
        Assert.Equal("over 40", failure.Message);
        Assert.Throws<IOException>(() => bounded.ReadByte()); // and stays failed
    }

    [Fact]
    public async Task WithOverLimit_AtLongMaxValue_ReadsEverything()
    {
        // The one byte asked past the limit must not overflow when there is in effect no limit.
        await using var bounded = new BoundedStream(Bytes(100), long.MaxValue, _ => new IOException("over"));
        var copy = new MemoryStream();
        await bounded.CopyToAsync(copy, 7);

        Assert.Equal(100, copy.Length);
    }

    [Fact]
    public void WithOverLimit_AStreamExactlyAtTheLimit_EndsCleanly()
    {
        using var bounded = new BoundedStream(Bytes(40), 40, _ => new IOException("over"));
        var copy = new MemoryStream();
        bounded.CopyTo(copy, 16);

        Assert.Equal(40, copy.Length);
        Assert.Equal(-1, bounded.ReadByte());
    }

    [Fact]
    public void OnError_TranslatesTheInnerStreamsFailure_NamingWhereItHappened()
    {
        using var bounded = new BoundedStream(new FailingAfter(Bytes(10), 10), 1000, null,
            (ex, stream) => new InvalidDataException($"damaged after {stream.BytesRead} bytes: {ex.Message}"));
        var buffer = new byte[4];
        var failure = Assert.Throws<InvalidDataException>(ReadToTheEnd);

        Assert.Equal("damaged after 10 bytes: boom", failure.Message);

        void ReadToTheEnd()
        {
            while (bounded.Read(buffer) > 0) { }
        }
    }

    [Fact]
    public void LeaveOpen_KeepsTheInnerStreamUsable()
    {
        var inner = Bytes(10);
        new BoundedStream(inner, 5, leaveOpen: true).Dispose();
        Assert.Equal(0, inner.ReadByte());
        new BoundedStream(inner, 5).Dispose();
        Assert.Throws<ObjectDisposedException>(() => inner.ReadByte());
    }

    /// <summary>Reads <c>good</c> bytes, then throws, as a decompressor does on damaged input.</summary>
    private sealed class FailingAfter(Stream inner, int good) : MemoryStream
    {
        private int _read;

        public override int Read(Span<byte> buffer)
        {
            if (_read >= good) throw new EndOfStreamException("boom");
            var n = inner.Read(buffer[..Math.Min(buffer.Length, good - _read)]);
            _read += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    }
}
