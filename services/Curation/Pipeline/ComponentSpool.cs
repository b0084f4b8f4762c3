using Microsoft.Win32.SafeHandles;
using Refinery.Storage;

namespace Refinery.Curation.Pipeline;

/// <summary>A mixture component's training documents and their token segments, spooled to two temporary files (deleted
/// on dispose) with only each one's offset and length in memory, so a mixture can draw documents in any order from a
/// version of any size. Document i pairs with token segment i: the tokens up to and including its end-of-text.</summary>
public sealed class ComponentSpool : IDisposable
{
    private readonly SafeFileHandle _documents = TemporaryFile("documents");
    private readonly SafeFileHandle _tokens = TemporaryFile("tokens");
    private readonly List<(long Offset, int Length)> _documentSpans = [];
    private readonly List<(long Offset, int Length)> _tokenSpans = [];
    private long _documentsEnd, _tokensEnd, _segmentStart;

    public ComponentSpool(int tokenBytes) => TokenBytes = tokenBytes;

    public int TokenBytes { get; }
    public int Documents => _documentSpans.Count;
    public int Segments => _tokenSpans.Count;

    /// <summary>Tokens in segment <paramref name="i"/>, end-of-text included.</summary>
    public long TokensOf(int i) => _tokenSpans[i].Length / TokenBytes;

    public void AddDocument(ReadOnlySpan<byte> json)
    {
        RandomAccess.Write(_documents, json, _documentsEnd);
        _documentSpans.Add((_documentsEnd, json.Length));
        _documentsEnd += json.Length;
    }

    /// <summary>Appends token bytes as stored (whole tokens), closing a segment after every end-of-text.</summary>
    public void AddTokens(ReadOnlySpan<byte> bytes, int endOfText)
    {
        RandomAccess.Write(_tokens, bytes, _tokensEnd);
        for (var at = 0; at + TokenBytes <= bytes.Length; at += TokenBytes)
        {
            var token = TokenBytes == 2 ? BitConverter.ToUInt16(bytes[at..]) : BitConverter.ToInt32(bytes[at..]);
            if (token != endOfText) continue;
            var end = _tokensEnd + at + TokenBytes;
            _tokenSpans.Add((_segmentStart, checked((int)(end - _segmentStart))));
            _segmentStart = end;
        }
        _tokensEnd += bytes.Length;
    }

    /// <summary>Whether tokens follow the last end-of-text (a token stream cut short).</summary>
    public bool HasOpenSegment => _segmentStart != _tokensEnd;

    public byte[] Document(int i) => Read(_documents, _documentSpans[i]);

    public byte[] TokenSegment(int i) => Read(_tokens, _tokenSpans[i]);

    private static byte[] Read(SafeFileHandle file, (long Offset, int Length) span)
    {
        var bytes = new byte[span.Length];
        for (var read = 0; read < bytes.Length;)
        {
            var n = RandomAccess.Read(file, bytes.AsSpan(read), span.Offset + read);
            if (n == 0) throw new EndOfStreamException("a spooled mixture component ended early");
            read += n;
        }
        return bytes;
    }

    private static SafeFileHandle TemporaryFile(string what) =>
        File.OpenHandle(ScratchSpace.NewFile($"mixture-{what}", ".bin"), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, FileOptions.DeleteOnClose);

    public void Dispose()
    {
        _documents.Dispose();
        _tokens.Dispose();
    }
}
