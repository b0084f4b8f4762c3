using System.IO.Compression;
using Refinery.Ingestion.Readers;

namespace Refinery.Ingestion.Tests.Readers;

/// <summary>Runs <see cref="SourceReader"/> to completion and sorts what it yields.</summary>
internal sealed class ReadResult(List<ReadItem> items)
{
    public IReadOnlyList<ReadItem> Items { get; } = items;
    public List<RawDocument> Documents { get; } = items.Where(i => i.Document is not null).Select(i => i.Document!).ToList();
    public List<Rejection> Rejections { get; } = items.Where(i => i.Rejection is not null).Select(i => i.Rejection!).ToList();

    public static async Task<ReadResult> OfStreamAsync(Stream stream, string name, string? format = null, ReaderOptions? options = null)
    {
        var items = new List<ReadItem>();
        await foreach (var item in SourceReader.ReadAsync(stream, name, format, options ?? new ReaderOptions()))
        {
            Assert.True(item.Document is null ^ item.Rejection is null, "an item is exactly one of a document or a rejection");
            items.Add(item);
        }
        return new ReadResult(items);
    }

    public static async Task<ReadResult> OfFileAsync(string path, string? format = null, ReaderOptions? options = null)
    {
        await using var stream = File.OpenRead(path);
        return await OfStreamAsync(stream, Path.GetFileName(path), format, options);
    }

    /// <summary>Reads bytes through a non-seekable stream, as an upload or object-store download would arrive.</summary>
    public static Task<ReadResult> OfBytesAsync(byte[] bytes, string name, string? format = null, ReaderOptions? options = null) =>
        OfStreamAsync(new ForwardOnlyStream(bytes), name, format, options);
}

internal static class Bytes
{
    public static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(data);
        return output.ToArray();
    }

    public static byte[] Zstd(byte[] data)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(data).ToArray();
    }

    /// <summary>What .NET's GZipStream quietly yields for (possibly truncated) gzip bytes: the real decoded prefix.</summary>
    public static byte[] LenientGunzip(byte[] gzip)
    {
        using var input = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}

/// <summary>A read-only, non-seekable stream over bytes.</summary>
internal sealed class ForwardOnlyStream(byte[] data) : Stream
{
    private readonly MemoryStream _inner = new(data, writable: false);

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => _inner.Read(buffer);
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
