using System.Text;
using System.Text.Json;
using Refinery.Storage;
using ZstdSharp;

namespace Refinery.Gateway.Apis;

/// <summary>Reads the first documents of a zstd-compressed JSONL shard, bounded in count and in decompressed bytes
/// so a huge or hostile shard cannot exhaust memory.</summary>
internal static class ShardPreview
{
    /// <summary>Up to <paramref name="limit"/> documents; throws <see cref="ObjectNotFoundException"/> when the shard
    /// is absent and <see cref="InvalidDataException"/> when it is corrupt.</summary>
    public static async Task<List<JsonElement>> ReadAsync(IObjectStore store, string key, int limit, long maxBytes, CancellationToken ct)
    {
        var documents = new List<JsonElement>(Math.Min(limit, 256));
        await using var raw = await store.OpenReadAsync(key, ct);
        await using var zstd = new DecompressionStream(raw);
        var bounded = new ReadLimitStream(zstd, maxBytes);
        using var reader = new StreamReader(bounded, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
        var line = 0;
        try
        {
            while (documents.Count < limit && await reader.ReadLineAsync(ct) is { } text)
            {
                line++;
                if (text.Length == 0) continue;
                try
                {
                    using var doc = JsonDocument.Parse(text);
                    documents.Add(doc.RootElement.Clone());
                }
                catch (JsonException ex)
                {
                    // The byte limit cut the last line short: return what was read whole.
                    if (bounded.LimitReached) break;
                    throw new InvalidDataException($"line {line} is not a JSON object: {ex.Message}", ex);
                }
            }
        }
        catch (ZstdException ex)
        {
            throw new InvalidDataException($"the shard cannot be decompressed: {ex.Message}", ex);
        }
        return documents;
    }

    /// <summary>Ends the stream (reads 0) once <c>limit</c> bytes have been read.</summary>
    private sealed class ReadLimitStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public bool LimitReached => _read >= limit;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer[..Allowed(buffer.Length)]);
            _read += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var allowed = Allowed(buffer.Length);
            if (allowed == 0) return 0;
            var n = await inner.ReadAsync(buffer[..allowed], ct);
            _read += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Allowed(int requested) => (int)Math.Min(requested, Math.Max(0, limit - _read));
    }
}
