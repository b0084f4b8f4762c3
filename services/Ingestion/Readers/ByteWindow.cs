using System.Buffers;

namespace Refinery.Ingestion.Readers;

/// <summary>A sliding window over a stream for the line and record readers: look ahead as far as needed (the buffer
/// grows to the largest record allowed), consume, skip without buffering, and know the absolute byte offset.
/// A <see cref="SourceDamagedException"/> from the stream ends the window like end-of-stream and is kept in <see cref="Damage"/>.</summary>
internal sealed class ByteWindow(Stream stream, int initialSize = 256 * 1024) : IDisposable
{
    private const int MinRead = 16 * 1024;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    private int _start;
    private int _end;
    private long _offsetOfBuffer;

    /// <summary>The absolute offset in the stream of the first unconsumed byte.</summary>
    public long Position => _offsetOfBuffer + _start;

    /// <summary>Everything buffered and not yet consumed.</summary>
    public ReadOnlySpan<byte> Available => _buffer.AsSpan(_start, _end - _start);

    public int Length => _end - _start;

    /// <summary>True once the stream has no more bytes (or failed, see <see cref="Damage"/>).</summary>
    public bool StreamEnded { get; private set; }

    /// <summary>Why the stream stopped early, if it did.</summary>
    public SourceDamagedException? Damage { get; private set; }

    public void Advance(int count) => _start += count;

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered or the stream ends; true if they are.</summary>
    public async ValueTask<bool> EnsureAsync(int count, CancellationToken ct)
    {
        while (Length < count)
        {
            if (!await FillAsync(count, ct).ConfigureAwait(false)) return false;
        }
        return true;
    }

    /// <summary>Reads more bytes (at least one) unless the stream has ended; false at the end.</summary>
    public ValueTask<bool> FillAsync(CancellationToken ct) => FillAsync(Length + 1, ct);

    private async ValueTask<bool> FillAsync(int want, CancellationToken ct)
    {
        if (StreamEnded) return false;
        MakeRoom(want);
        int n;
        try
        {
            n = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        }
        catch (SourceDamagedException ex)
        {
            Damage = ex;
            StreamEnded = true;
            return false;
        }
        if (n == 0)
        {
            StreamEnded = true;
            return false;
        }
        _end += n;
        return true;
    }

    /// <summary>Consumes <paramref name="count"/> bytes without keeping them; returns how many there were before the end.</summary>
    public async ValueTask<long> SkipAsync(long count, CancellationToken ct)
    {
        long skipped = 0;
        while (skipped < count)
        {
            if (Length == 0)
            {
                _offsetOfBuffer += _start;
                _start = _end = 0;
                if (!await FillAsync(ct).ConfigureAwait(false)) break;
            }
            var n = (int)Math.Min(Length, count - skipped);
            _start += n;
            skipped += n;
        }
        return skipped;
    }

    private void MakeRoom(int want)
    {
        var free = _buffer.Length - _end;
        if (free >= MinRead && _end - _start + free >= want) return;
        var needed = Math.Max(want, _end - _start) + MinRead;
        if (needed > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max((long)needed, 2L * _buffer.Length)));
            Available.CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else
        {
            Available.CopyTo(_buffer);
        }
        _offsetOfBuffer += _start;
        _end -= _start;
        _start = 0;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
