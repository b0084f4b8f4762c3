using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Refinery.Training.Data;

/// <summary>A version's token files read as one stream of ids (the documents already end in end-of-text, so joining the
/// files joins the documents), with random access by position: a window is one or two positioned reads, so memory holds
/// a window, never a file.</summary>
public sealed class TokenStream : IDisposable
{
    private readonly SafeFileHandle[] _files;
    private readonly long[] _starts;  // the first token of each file in the stream; one more entry: the total
    private readonly int _tokenBytes;
    private byte[] _buffer = [];

    /// <param name="files">Local files of little-endian ids, in stream order, with their token counts.</param>
    /// <param name="tokenBytes">2 (uint16) or 4 (uint32), as the manifest's tokenizer says.</param>
    public TokenStream(IReadOnlyList<(string Path, long Tokens)> files, int tokenBytes)
    {
        if (tokenBytes is not (2 or 4)) throw new ArgumentOutOfRangeException(nameof(tokenBytes), tokenBytes, "ids are 2 or 4 bytes");
        _tokenBytes = tokenBytes;
        _files = new SafeFileHandle[files.Count];
        _starts = new long[files.Count + 1];
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                _files[i] = File.OpenHandle(files[i].Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
                var length = RandomAccess.GetLength(_files[i]);
                if (length != files[i].Tokens * tokenBytes)
                    throw new InvalidDataException($"{files[i].Path} has {length} bytes, not the {files[i].Tokens} tokens of {tokenBytes} bytes its manifest lists");
                _starts[i + 1] = _starts[i] + files[i].Tokens;
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public long Length => _starts[^1];

    /// <summary>The file a position falls in (a mixture's files are its components).</summary>
    public int FileAt(long position)
    {
        var at = Array.BinarySearch(_starts, position);
        // An exact hit is a file's first token, except that empty files share their start with the next one.
        if (at >= 0)
        {
            while (at + 1 < _starts.Length - 1 && _starts[at + 1] == position) at++;
            return at;
        }
        return ~at - 1;
    }

    /// <summary>Reads ids [position, position + into.Length) of the stream into <paramref name="into"/>.</summary>
    public void Read(long position, Span<long> into)
    {
        if (position < 0 || position + into.Length > Length)
            throw new ArgumentOutOfRangeException(nameof(position), $"tokens [{position}, {position + into.Length}) of {Length}");
        var done = 0;
        while (done < into.Length)
        {
            var file = FileAt(position + done);
            var offset = position + done - _starts[file];
            var count = (int)Math.Min(into.Length - done, _starts[file + 1] - (position + done));
            var bytes = count * _tokenBytes;
            if (_buffer.Length < bytes) _buffer = new byte[bytes];
            RandomAccess.Read(_files[file], _buffer.AsSpan(0, bytes), offset * _tokenBytes);
            for (var i = 0; i < count; i++)
                into[done + i] = _tokenBytes == 2
                    ? BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(i * 2))
                    : BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(i * 4));
            done += count;
        }
    }

    public void Dispose()
    {
        foreach (var file in _files) file?.Dispose();
    }
}
