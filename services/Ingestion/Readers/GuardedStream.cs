using ZstdSharp;

namespace Refinery.Ingestion.Readers;

/// <summary>The decompressed side of a source: counts bytes, stops at the decompression limit, and turns a
/// decompressor's complaint into a <see cref="SourceDamagedException"/> so readers can quarantine instead of crash.</summary>
internal sealed class GuardedStream(Stream inner, long limit, string codec) : Stream
{
    private bool _overLimit;

    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        if (_overLimit) throw OverLimit();
        int n;
        try
        {
            n = inner.Read(buffer[..Allowed(buffer.Length)]);
        }
        catch (Exception ex) when (IsCorruption(ex))
        {
            throw Corrupt(ex);
        }
        return Count(n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        if (_overLimit) throw OverLimit();
        int n;
        try
        {
            n = await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsCorruption(ex))
        {
            throw Corrupt(ex);
        }
        return Count(n);
    }

    // Ask for at most one byte past the limit: everything up to the limit is delivered, the byte after it trips the guard.
    private int Allowed(int requested) => (int)Math.Min(requested, limit - BytesRead + 1);

    // Bytes up to the limit are handed out; the read after them fails, so records before the limit are kept.
    private int Count(int n)
    {
        BytesRead += n;
        if (BytesRead <= limit) return n;
        _overLimit = true;
        var deliver = n - (int)(BytesRead - limit);
        BytesRead = limit;
        return deliver > 0 ? deliver : throw OverLimit();
    }

    private static SourceDamagedException OverLimit(long limit) =>
        new(RejectReasons.DecompressionLimit, $"source decompresses to more than {limit} bytes (MaxDecompressedBytes); reading stopped");

    private SourceDamagedException OverLimit() => OverLimit(limit);

    private static bool IsCorruption(Exception ex) =>
        ex is InvalidDataException or EndOfStreamException or ZstdException;

    private SourceDamagedException Corrupt(Exception ex) =>
        new(RejectReasons.CorruptCompression,
            $"{codec} stream is corrupt or truncated after {BytesRead} decompressed bytes: {ex.Message}", ex);

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => inner.DisposeAsync();
}
