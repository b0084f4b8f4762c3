using System.IO.Compression;

namespace Refinery.Ingestion.Readers;

/// <summary>Makes gzip truncation visible. .NET's GZipStream ends quietly when its input stops in the middle of a member,
/// so a cut file would look complete. We append a tiny sentinel gzip member after the real input: a complete stream
/// decodes it to its known bytes (which are dropped); a truncated one cannot, and is reported.</summary>
/// <remarks>GZipStream asks its source for more input only after it has emitted every byte the input so far yields,
/// so everything it returns before the sentinel is served is real data and everything after is the sentinel's.</remarks>
internal static class GzipTruncationGuard
{
    private static readonly byte[] SentinelPayload = "\u0000\u00ffrefinery:gzip-eof\u00ff\u0000"u8.ToArray();
    private static readonly byte[] SentinelMember = BuildSentinelMember();

    /// <summary>A decompressing stream over <paramref name="compressed"/> that throws <see cref="InvalidDataException"/>
    /// when the input ends inside a member, after returning every byte decoded before that point.</summary>
    public static Stream Decompress(Stream compressed)
    {
        var source = new SentinelAppendingStream(compressed);
        return new SentinelCheckingStream(new GZipStream(source, CompressionMode.Decompress), source);
    }

    private static byte[] BuildSentinelMember()
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(SentinelPayload);
        return buffer.ToArray();
    }

    private sealed class SentinelAppendingStream(Stream inner) : ReadOnlyStream
    {
        private int _sentinelSent = -1;

        /// <summary>True once the real input has ended and the sentinel is being served.</summary>
        public bool SentinelStarted => _sentinelSent >= 0;

        public override int Read(Span<byte> buffer)
        {
            if (_sentinelSent < 0)
            {
                var n = inner.Read(buffer);
                if (n > 0 || buffer.IsEmpty) return n;
                _sentinelSent = 0;
            }
            return ServeSentinel(buffer);
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_sentinelSent < 0)
            {
                var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (n > 0 || buffer.IsEmpty) return n;
                _sentinelSent = 0;
            }
            return ServeSentinel(buffer.Span);
        }

        private int ServeSentinel(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, SentinelMember.Length - _sentinelSent);
            SentinelMember.AsSpan(_sentinelSent, n).CopyTo(buffer);
            _sentinelSent += n;
            return n;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>Passes real output through; once the sentinel is being decoded, checks that exactly its payload comes out.</summary>
    private sealed class SentinelCheckingStream(Stream gzip, SentinelAppendingStream source) : ReadOnlyStream
    {
        private readonly byte[] _tail = new byte[SentinelPayload.Length];
        private int _tailLength;
        private bool _ended;

        public override int Read(Span<byte> buffer)
        {
            while (true)
            {
                if (_ended || buffer.IsEmpty) return 0;
                int n;
                try
                {
                    n = gzip.Read(buffer);
                }
                catch (InvalidDataException ex) when (source.SentinelStarted)
                {
                    throw Truncated(ex);
                }
                if (Accept(buffer[..n]) is { } real) return real;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (true)
            {
                if (_ended || buffer.IsEmpty) return 0;
                int n;
                try
                {
                    n = await gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidDataException ex) when (source.SentinelStarted)
                {
                    throw Truncated(ex);
                }
                if (Accept(buffer.Span[..n]) is { } real) return real;
            }
        }

        // Returns the byte count to hand to the caller, or null to read on (the sentinel is still being collected).
        private int? Accept(ReadOnlySpan<byte> output)
        {
            if (!source.SentinelStarted) return output.Length;
            if (output.IsEmpty)
            {
                if (_tailLength != _tail.Length || !_tail.AsSpan().SequenceEqual(SentinelPayload)) throw Truncated(null);
                _ended = true;
                return 0;
            }
            if (_tailLength + output.Length > _tail.Length) throw Truncated(null);
            output.CopyTo(_tail.AsSpan(_tailLength));
            _tailLength += output.Length;
            return null;
        }

        private InvalidDataException Truncated(Exception? inner)
        {
            _ended = true;
            return new InvalidDataException("gzip data ends in the middle of a member (truncated file)", inner);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) gzip.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>Base for the small read-only wrappers here.</summary>
internal abstract class ReadOnlyStream : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public abstract override int Read(Span<byte> buffer);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
