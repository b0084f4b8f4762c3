using System.Buffers.Binary;
using Refinery.Storage;

namespace Refinery.Curation.Tokenize;

/// <summary>A token shard being written: ids appended as little-endian uint16 or uint32 to a temporary file (deleted on
/// dispose), so a part's tokens never sit in memory whatever the shard's size.</summary>
public sealed class TokenFile : IDisposable
{
    private readonly FileStream _file;
    private readonly BufferedStream _buffer;
    private readonly int _tokenBytes;
    private readonly byte[] _one = new byte[4];

    public TokenFile(int tokenBytes)
    {
        _tokenBytes = tokenBytes;
        _file = new FileStream(ScratchSpace.NewFile("tokens", ".bin"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 4096, FileOptions.DeleteOnClose);
        _buffer = new BufferedStream(_file, 1 << 16);
    }

    public long Count { get; private set; }

    public void Append(List<int> tokens)
    {
        foreach (var token in tokens)
        {
            if (_tokenBytes == 2) BinaryPrimitives.WriteUInt16LittleEndian(_one, checked((ushort)token));
            else BinaryPrimitives.WriteInt32LittleEndian(_one, token);
            _buffer.Write(_one, 0, _tokenBytes);
        }
        Count += tokens.Count;
    }

    /// <summary>The written shard from its start, for the object store to copy (it stays this file's to close).</summary>
    public Stream Content()
    {
        _buffer.Flush();
        _file.Position = 0;
        return _file;
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _file.Dispose();
    }
}
