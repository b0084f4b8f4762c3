namespace Refinery.Text.Compression;

/// <summary>A read-only stream of the decompressed bytes of a zstd stream (one or more frames), decoded by libzstd.
/// Input that ends inside a frame, or that is not zstd, fails with an <see cref="InvalidDataException"/> naming the
/// decoder's reason, as ZstdSharp's stream does.</summary>
internal sealed class NativeZstdDecompressionStream : Stream
{
    private readonly Stream _source;
    private readonly bool _leaveOpen;
    private readonly byte[] _input = new byte[128 * 1024];
    private int _inputStart, _inputEnd;
    private bool _sourceEnded;
    private bool _frameComplete = true; // no frame begun yet, or the last one ended
    private nint _stream;

    public NativeZstdDecompressionStream(Stream source, bool leaveOpen)
    {
        _source = source;
        _leaveOpen = leaveOpen;
        _stream = LibZstd.Create();
        if (_stream == 0) throw new OutOfMemoryException("libzstd could not create a decompression stream");
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (NeedsInput) Refill(_source.Read(_input));
            var produced = Step(buffer);
            if (produced >= 0) return produced;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (NeedsInput) Refill(await _source.ReadAsync(_input, ct).ConfigureAwait(false));
            var produced = Step(buffer.Span);
            if (produced >= 0) return produced;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    private bool NeedsInput => _inputStart == _inputEnd && !_sourceEnded;

    private void Refill(int read)
    {
        (_inputStart, _inputEnd) = (0, read);
        _sourceEnded = read == 0;
    }

    /// <summary>One call into the decoder: the bytes it wrote (0 at the end of the stream), or -1 when it needs more input.</summary>
    private unsafe int Step(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_stream == 0, this);
        if (_inputStart == _inputEnd && _sourceEnded && _frameComplete) return 0;
        nuint result;
        LibZstd.Buffer output, input;
        fixed (byte* outputBytes = buffer)
        fixed (byte* inputBytes = _input)
        {
            output = new LibZstd.Buffer { Data = outputBytes, Size = (nuint)buffer.Length };
            input = new LibZstd.Buffer { Data = inputBytes + _inputStart, Size = (nuint)(_inputEnd - _inputStart) };
            result = LibZstd.DecompressStream(_stream, &output, &input);
        }
        if (LibZstd.IsError(result) != 0) throw new InvalidDataException($"zstd: {LibZstd.ErrorName(result)}");
        _inputStart += (int)input.Position;
        _frameComplete = result == 0;
        if (output.Position > 0) return (int)output.Position;
        if (_inputStart == _inputEnd && _sourceEnded)
        {
            if (!_frameComplete) throw new InvalidDataException("zstd: the input ends inside a frame (truncated file)");
            return 0;
        }
        return -1;
    }

    protected override void Dispose(bool disposing)
    {
        if (_stream != 0)
        {
            LibZstd.Free(_stream);
            _stream = 0;
        }
        if (disposing && !_leaveOpen) _source.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_leaveOpen) await _source.DisposeAsync().ConfigureAwait(false);
        Dispose(disposing: false);
        GC.SuppressFinalize(this);
    }

    ~NativeZstdDecompressionStream() => Dispose(disposing: false);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
