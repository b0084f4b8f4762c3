using System.Security.Cryptography;
using System.Text;
using Refinery.Storage;

namespace Refinery.Storage.Tests;

internal static class TestData
{
    public const int LargeSize = 20 * 1024 * 1024;

    private static readonly Lazy<byte[]> LargeBytes = new(() => Bytes(LargeSize, seed: 20));

    /// <summary>~20 MiB of deterministic pseudo-random bytes (above the 5 MiB multipart threshold of Minio, two 16 MiB parts).</summary>
    public static byte[] Large => LargeBytes.Value;

    public static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public static async Task<byte[]> GetAsync(this IObjectStore store, string key)
    {
        await using var stream = await store.OpenReadAsync(key);
        return await ReadAllAsync(stream);
    }

    public static async Task<List<ObjectInfo>> ListAllAsync(this IObjectStore store, string prefix)
    {
        var list = new List<ObjectInfo>();
        await foreach (var info in store.ListAsync(prefix)) list.Add(info);
        return list;
    }

    public static Task PutBytesAsync(this IObjectStore store, string key, byte[] bytes) =>
        store.PutAsync(key, new MemoryStream(bytes));
}

/// <summary>A forward-only stream with no length that returns short reads, like a network body.</summary>
internal sealed class TrickleStream(byte[] data, int maxRead = 7 * 1024, int failAfter = -1) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (failAfter >= 0 && _position >= failAfter) throw new IOException("source failed mid-stream");
        var n = Math.Min(Math.Min(buffer.Length, maxRead), data.Length - _position);
        if (failAfter >= 0) n = Math.Min(n, failAfter - _position);
        data.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
