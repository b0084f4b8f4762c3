using System.Buffers;

namespace Refinery.Quality.Formats;

/// <summary>Reads a stream line by line as raw UTF-8, without decoding it to UTF-16 first: the JSON parser reads the
/// bytes directly, and only the strings a document keeps are ever decoded. A line longer than the limit is skipped
/// without being buffered and reported as oversized.</summary>
public sealed class Utf8Lines(Stream stream, int maxLineBytes) : IDisposable
{
    private const int MinRead = 64 * 1024;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
    private int _start, _end, _lineStart, _lineEnd;
    private bool _ended;

    /// <summary>1-based number of the current line.</summary>
    public long Number { get; private set; }

    /// <summary>The current line without its '\n' (nor a '\r' before it); empty when <see cref="Oversized"/>.</summary>
    public ReadOnlySpan<byte> Current => _buffer.AsSpan(_lineStart, _lineEnd - _lineStart);

    /// <summary>The current line was longer than the limit; its bytes were skipped.</summary>
    public bool Oversized { get; private set; }

    public async ValueTask<bool> MoveNextAsync(CancellationToken ct)
    {
        Oversized = false;
        var scanned = 0;
        while (true)
        {
            var available = _buffer.AsSpan(_start, _end - _start);
            var newline = available[scanned..].IndexOf((byte)'\n');
            if (newline >= 0)
            {
                SetLine(_start, _start + scanned + newline);
                _start += scanned + newline + 1;
                return true;
            }
            scanned = available.Length;
            if (scanned > maxLineBytes)
            {
                await SkipPastNewlineAsync(ct).ConfigureAwait(false);
                Number++;
                Oversized = true;
                _lineStart = _lineEnd = 0;
                return true;
            }
            if (await FillAsync(ct).ConfigureAwait(false)) continue;
            if (_end == _start) return false;
            SetLine(_start, _end);   // the last line has no '\n'
            _start = _end;
            return true;
        }
    }

    private void SetLine(int start, int end)
    {
        Number++;
        if (end > start && _buffer[end - 1] == (byte)'\r') end--;
        if (Number == 1 && _buffer.AsSpan(start, end - start).StartsWith("\uFEFF"u8)) start += 3;
        (_lineStart, _lineEnd) = (start, end);
    }

    private async ValueTask SkipPastNewlineAsync(CancellationToken ct)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _start += newline + 1;
                return;
            }
            _start = _end;
            if (!await FillAsync(ct).ConfigureAwait(false)) return;
        }
    }

    private async ValueTask<bool> FillAsync(CancellationToken ct)
    {
        if (_ended) return false;
        MakeRoom();
        var n = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        if (n == 0) _ended = true;
        _end += n;
        return n > 0;
    }

    /// <summary>Moves the unread bytes to the front, growing the buffer when a line does not fit.</summary>
    private void MakeRoom()
    {
        var pending = _end - _start;
        if (_buffer.Length - _end >= MinRead) return;
        var target = _buffer;
        if (pending + MinRead > _buffer.Length)
            target = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, 2L * _buffer.Length + MinRead));
        _buffer.AsSpan(_start, pending).CopyTo(target);
        if (!ReferenceEquals(target, _buffer))
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = target;
        }
        _start = 0;
        _end = pending;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
