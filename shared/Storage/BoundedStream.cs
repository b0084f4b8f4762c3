namespace Refinery.Storage;

/// <summary>A forward-only read view of a stream of untrusted length (an upload, a decompressed source, a preview)
/// that never hands out more than <c>limit</c> bytes. With no <c>overLimit</c> it simply ends at the limit; with one,
/// every byte up to the limit is delivered and the read that meets a byte past it throws
/// <c>overLimit(limit)</c>, so what came before the limit is kept. <c>onError</c> may translate the inner stream's
/// failures (a decompressor's complaint) into the caller's own exception; null keeps them as they are.</summary>
public sealed class BoundedStream(Stream inner, long limit, Func<long, Exception>? overLimit = null,
    Func<Exception, BoundedStream, Exception?>? onError = null, bool leaveOpen = false) : Stream
{
    private bool _tripped;

    /// <summary>Bytes handed out so far (never more than the limit).</summary>
    public long BytesRead { get; private set; }

    /// <summary>Whether the limit has been reached: the stream ends (or fails) here.</summary>
    public bool LimitReached => BytesRead >= limit;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var allowed = Allowed(buffer.Length);
        if (allowed == 0) return 0;
        try
        {
            return Count(inner.Read(buffer[..allowed]));
        }
        catch (Exception ex) when (onError?.Invoke(ex, this) is { } translated)
        {
            throw translated;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var allowed = Allowed(buffer.Length);
        if (allowed == 0) return 0;
        try
        {
            return Count(await inner.ReadAsync(buffer[..allowed], cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (onError?.Invoke(ex, this) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>How much to ask the inner stream for; 0 means the stream has ended here. When the limit fails the
    /// read, one byte past it is asked for, so a stream exactly at the limit still ends cleanly.</summary>
    private int Allowed(int requested)
    {
        if (requested == 0) return 0;
        if (overLimit is null) return (int)Math.Min(requested, Math.Max(0, limit - BytesRead));
        if (_tripped) throw overLimit(limit);
        // One byte past the limit is read to tell "exactly the limit" from "over it"; no limit is past long.MaxValue.
        var left = limit - BytesRead;
        return (int)Math.Min(requested, left == long.MaxValue ? left : left + 1);
    }

    private int Count(int n)
    {
        if (BytesRead + n <= limit)
        {
            BytesRead += n;
            return n;
        }
        // Only the overLimit case asks past the limit: deliver up to it, and fail the read after.
        _tripped = true;
        var deliver = (int)(limit - BytesRead);
        BytesRead = limit;
        return deliver > 0 ? deliver : throw overLimit!(limit);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen) inner.Dispose();
        base.Dispose(disposing);
    }

    // The inner stream may be asynchronous at heart (an S3 download): dispose it the asynchronous way.
    public override async ValueTask DisposeAsync()
    {
        if (!leaveOpen) await inner.DisposeAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }
}
