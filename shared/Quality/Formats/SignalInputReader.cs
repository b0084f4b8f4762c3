using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Refinery.Quality.Rpv2;
using Refinery.Text.Compression;

namespace Refinery.Quality.Formats;

/// <summary>Reads the offline input of `refinery signals`: JSON Lines (plain, .gz or .zst, detected by magic bytes)
/// with `id`, `text` (or `raw_content`), optional `url` and `language`. Empty text is a valid document. A line that
/// cannot be used becomes a rejection naming the file, the line and the reason; reading goes on.</summary>
public static class SignalInputReader
{
    public const int MaxLineBytes = 64 * 1024 * 1024;

    public static async IAsyncEnumerable<SignalInput> ReadAsync(string path, string defaultLanguage,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        // Reads of a local file are served inline: an asynchronous read would hop to the thread pool for every 64 KB.
        await using var file = new InlineReadStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16));
        await using var decompressed = await DecompressAsync(file, ct);
        using var lines = new Utf8Lines(decompressed, MaxLineBytes);
        var name = Path.GetFileName(path);
        while (await lines.MoveNextAsync(ct))
        {
            if (lines.Oversized)
            {
                yield return SignalInput.Reject(name, lines.Number, "oversized_line", $"line longer than {MaxLineBytes} bytes");
                continue;
            }
            if (lines.Current.IndexOfAnyExcept(" \t\r\f\v"u8) < 0) continue;
            yield return Parse(lines.Current, name, lines.Number, defaultLanguage);
        }
    }

    private static SignalInput Parse(ReadOnlySpan<byte> utf8, string file, long line, string defaultLanguage)
    {
        DocumentLine fields;
        try
        {
            fields = DocumentLine.Parse(utf8);
        }
        catch (JsonException ex)
        {
            return SignalInput.Reject(file, line, "malformed_json", ex.Message);
        }
        catch (InvalidDataException)
        {
            return SignalInput.Reject(file, line, "not_an_object", "the line is not a JSON object");
        }
        if (fields.Text is null) return SignalInput.Reject(file, line, "missing_text", "no string field `text` or `raw_content`");
        var language = fields.Language is { Length: > 0 } lang ? lang : defaultLanguage;
        var document = new SignalDocument(fields.Id ?? $"{file}/{line - 1}", fields.Text, fields.Url, language, fields.LanguageScore);
        return new SignalInput(document, null);
    }

    /// <summary>The file's content, decompressed when its magic bytes say gzip or zstd; disposing it leaves the file open.</summary>
    public static async Task<Stream> DecompressAsync(Stream file, CancellationToken ct)
    {
        var head = new byte[4];
        var read = 0;
        while (read < head.Length && await file.ReadAsync(head.AsMemory(read), ct) is var n and > 0) read += n;
        file.Seek(0, SeekOrigin.Begin);
        if (read >= 2 && head[0] == 0x1F && head[1] == 0x8B) return new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        if (read == 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD) return ZstdDecompression.Open(file, leaveOpen: true);
        return new NonClosingStream(file);
    }

    /// <summary>Lets the caller's using dispose the file, not the wrapper.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>A read-only file whose asynchronous reads complete synchronously on the caller's thread. For a local file
/// the read itself takes microseconds; queueing it to the thread pool costs more than it saves and wakes idle pool
/// threads that spin before they sleep.</summary>
internal sealed class InlineReadStream(FileStream file) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => file.Length;
    public override long Position { get => file.Position; set => file.Position = value; }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => file.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => file.Read(buffer);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(file.Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => file.Seek(offset, origin);
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) file.Dispose();
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        file.Dispose();
        return base.DisposeAsync();
    }
}

/// <summary>Exactly one of a document or why its line was rejected (file, 1-based line, reason, detail).</summary>
public sealed record SignalInput(SignalDocument? Document, InputRejection? Rejection)
{
    public static SignalInput Reject(string file, long line, string reason, string detail) =>
        new(null, new InputRejection(file, line, reason, detail));
}

public sealed record InputRejection(string File, long Line, string Reason, string Detail);
