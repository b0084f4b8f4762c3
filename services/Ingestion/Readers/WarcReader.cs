using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Refinery.Ingestion.Text;

namespace Refinery.Ingestion.Readers;

/// <summary>Reads WARC 1.0/1.1 files (and their WET variant, and the older ARC format): HTML <c>response</c> records become
/// the main text of the page, <c>conversion</c> records (WET) are already text. Other records are not documents.</summary>
/// <remarks>
/// Every record is framed by its Content-Length and must be followed by CRLF CRLF. A record whose length runs past the end,
/// that is not followed by CRLF CRLF, or whose header does not parse is quarantined as <c>warc_bad_record</c> and the
/// reader resynchronises on the next line starting with <c>WARC/1.</c>. Records are buffered up to MaxRecordBytes;
/// bigger ones are skipped in a streaming way. Position is the byte offset of the record in the decompressed stream.
/// </remarks>
public sealed class WarcReader : IDocumentReader
{
    private const int MaxHeaderBytes = 256 * 1024;
    private const int HttpSniffBytes = 64 * 1024;
    private const long MaxPendingBytes = 64L * 1024 * 1024;
    private static readonly int MaxPendingRecords = Math.Clamp(Environment.ProcessorCount * 2, 2, 32);
    private static readonly byte[] RecordStart = "WARC/1."u8.ToArray();
    private static readonly byte[] NewlineRecordStart = "\nWARC/1."u8.ToArray();

    /// <param name="format">"warc" or "wet": both are read the same way; the name is what <see cref="Format"/> reports.</param>
    public WarcReader(string format = "warc") => Format = format;

    public string Format { get; }

    public async IAsyncEnumerable<ReadItem> ReadAsync(Stream source, string sourceName, ReaderOptions options,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        using var window = new ByteWindow(source);
        await window.EnsureAsync(11, ct).ConfigureAwait(false);
        var pending = window.Available.StartsWith("filedesc://"u8)
            ? ReadArcAsync(window, options, ct)
            : ReadWarcAsync(window, options, ct);

        // HTML extraction dominates the cost, so pages are extracted on the thread pool a few records ahead of the
        // consumer and handed out in record order; the look-ahead is bounded in records and in bytes.
        var queue = new Queue<Pending>();
        long queuedBytes = 0;
        await foreach (var next in pending.ConfigureAwait(false))
        {
            queue.Enqueue(next);
            queuedBytes += next.Bytes;
            while (queue.Count > 0 && (queue.Count >= MaxPendingRecords || queuedBytes > MaxPendingBytes || queue.Peek().Result.IsCompleted))
            {
                var head = queue.Dequeue();
                queuedBytes -= head.Bytes;
                if (await head.Result.ConfigureAwait(false) is { } item) yield return item;
            }
        }
        while (queue.Count > 0)
        {
            if (await queue.Dequeue().Result.ConfigureAwait(false) is { } item) yield return item;
        }
    }

    /// <summary>What a record turns into: ready now, or being extracted on the thread pool.</summary>
    private readonly record struct Pending(Task<ReadItem?> Result, int Bytes)
    {
        public static Pending Done(ReadItem? item) => new(Task.FromResult(item), 0);
    }

    /// <summary>Schedules the extraction of an HTML response on a copy of its block; other records are handled inline.</summary>
    private static Pending Schedule(WarcRecordHeader header, ReadOnlySpan<byte> block, long position, ReaderOptions options)
    {
        if (header.Type != "response" || !HttpPayload.IsHttp(block)) return Pending.Done(ToItem(header, block, position, options));
        var copy = ArrayPool<byte>.Shared.Rent(block.Length);
        block.CopyTo(copy);
        var length = block.Length;
        var task = Task.Run(() =>
        {
            try
            {
                return ToItem(header, copy.AsSpan(0, length), position, options);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(copy);
            }
        });
        return new Pending(task, length);
    }

    private static async IAsyncEnumerable<Pending> ReadWarcAsync(ByteWindow window, ReaderOptions options,
        [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (!await SkipBlankLinesAsync(window, ct).ConfigureAwait(false))
            {
                if (window.Damage is { } endDamage) yield return Pending.Done(Damaged(window.Position, endDamage));
                yield break;
            }
            var recordStart = window.Position;

            // Header
            WarcRecordHeader? header;
            string? headerError;
            while (true)
            {
                var status = WarcRecordHeader.TryParse(window.Available, MaxHeaderBytes, out header, out headerError);
                if (status != WarcRecordHeader.Status.NeedMore) break;
                if (!await window.FillAsync(ct).ConfigureAwait(false))
                {
                    headerError = "stream ends inside a record header";
                    break;
                }
            }
            if (header is null)
            {
                if (window.Damage is { } headerDamage)
                {
                    yield return Pending.Done(Damaged(recordStart, headerDamage));
                    yield break;
                }
                yield return Pending.Done(ReadItem.Reject(recordStart, RejectReasons.WarcBadRecord, $"bad record header at offset {recordStart}: {headerError}"));
                await ResyncAsync(window, atLineStart: false, ct).ConfigureAwait(false);
                continue;
            }
            window.Advance(header.Length);

            if (header.LfFramed)
            {
                await foreach (var item in ReadLfFramedBlockAsync(window, header, recordStart, options, ct).ConfigureAwait(false))
                    yield return item;
                if (window.Damage is not null) yield break;
                continue;
            }

            var length = header.ContentLength;
            if (length > options.MaxRecordBytes)
            {
                var reportOversized = IsDocumentType(header.Type);
                if (reportOversized && header.Type == "response")
                {
                    await window.EnsureAsync(HttpSniffBytes, ct).ConfigureAwait(false);
                    reportOversized = IsHtmlResponse(window.Available[..Math.Min(window.Length, HttpSniffBytes)]);
                }
                var skipped = await window.SkipAsync(length, ct).ConfigureAwait(false);
                if (skipped < length)
                {
                    yield return Pending.Done(window.Damage is { } skipDamage
                        ? Damaged(recordStart, skipDamage)
                        : ReadItem.Reject(recordStart, RejectReasons.WarcBadRecord,
                            $"Content-Length {length} of the record at offset {recordStart} runs past the end of the stream"));
                    yield break;
                }
                await window.EnsureAsync(4, ct).ConfigureAwait(false);
                var bigTrailer = TrailerLength(window.Available, 0, window.StreamEnded);
                if (bigTrailer < 0)
                {
                    yield return Pending.Done(ReadItem.Reject(recordStart, RejectReasons.WarcBadRecord,
                        $"record at offset {recordStart} is not followed by CRLF CRLF after its Content-Length {length}"));
                    await ResyncAsync(window, atLineStart: false, ct).ConfigureAwait(false);
                    continue;
                }
                window.Advance(bigTrailer);
                if (reportOversized)
                    yield return Pending.Done(ReadItem.Reject(recordStart, RejectReasons.OversizedDocument,
                        $"record block of {length} bytes is larger than MaxRecordBytes ({options.MaxRecordBytes}); skipped"));
                continue;
            }

            var blockLength = (int)length;
            await window.EnsureAsync(blockLength + 4, ct).ConfigureAwait(false);
            if (window.Length < blockLength + 4 && window.Damage is { } blockDamage)
            {
                yield return Pending.Done(Damaged(recordStart, blockDamage));
                yield break;
            }
            if (window.Length < blockLength)
            {
                yield return Pending.Done(ReadItem.Reject(recordStart, RejectReasons.WarcBadRecord,
                    $"Content-Length {length} of the record at offset {recordStart} runs past the end of the stream " +
                    $"({window.Length} bytes left)"));
                await ResyncAsync(window, atLineStart: true, ct).ConfigureAwait(false);
                continue;
            }
            var trailer = TrailerLength(window.Available, blockLength, window.StreamEnded);
            if (trailer < 0)
            {
                yield return Pending.Done(ReadItem.Reject(recordStart, RejectReasons.WarcBadRecord,
                    $"record at offset {recordStart} is not followed by CRLF CRLF after its Content-Length {length}"));
                await ResyncAsync(window, atLineStart: true, ct).ConfigureAwait(false);
                continue;
            }
            var result = Schedule(header, window.Available[..blockLength], recordStart, options);
            window.Advance(blockLength + trailer);
            yield return result;
        }
    }

    // A bare-LF file cannot be framed by Content-Length (see WarcRecordHeader.LfFramed): the block runs to the next
    // line that starts a record, or to the end of the stream.
    private static async IAsyncEnumerable<Pending> ReadLfFramedBlockAsync(ByteWindow window, WarcRecordHeader header,
        long recordStart, ReaderOptions options, [EnumeratorCancellation] CancellationToken ct)
    {
        var scanned = 0;
        int blockLength;
        while (true)
        {
            var available = window.Available;
            var next = available[Math.Max(0, scanned - NewlineRecordStart.Length)..].IndexOf(NewlineRecordStart);
            if (next >= 0)
            {
                blockLength = Math.Max(0, scanned - NewlineRecordStart.Length) + next + 1;
                break;
            }
            scanned = available.Length;
            if (scanned > options.MaxRecordBytes)
            {
                if (IsDocumentType(header.Type))
                    yield return Pending.Done(ReadItem.Reject(recordStart, RejectReasons.OversizedDocument,
                        $"record is larger than MaxRecordBytes ({options.MaxRecordBytes}); skipped"));
                await ResyncAsync(window, atLineStart: false, ct).ConfigureAwait(false);
                yield break;
            }
            if (!await window.FillAsync(ct).ConfigureAwait(false))
            {
                if (window.Damage is { } damage)
                {
                    yield return Pending.Done(Damaged(recordStart, damage));
                    yield break;
                }
                blockLength = window.Length;
                break;
            }
        }
        var block = TrimTrailingNewlines(window.Available[..blockLength]);
        var item = Schedule(header, window.Available[..block], recordStart, options);
        window.Advance(blockLength);
        yield return item;
    }

    private static int TrimTrailingNewlines(ReadOnlySpan<byte> block)
    {
        var length = block.Length;
        while (length > 0 && block[length - 1] is (byte)'\n' or (byte)'\r') length--;
        return length;
    }

    /// <summary>How many bytes end the record after its block: 4 for CRLF CRLF; at the very end of the stream a missing
    /// or partial terminator is tolerated (nothing is lost). -1 when the bytes after the block are something else.</summary>
    private static int TrailerLength(ReadOnlySpan<byte> available, int blockLength, bool streamEnded)
    {
        var after = available[blockLength..];
        if (after.StartsWith("\r\n\r\n"u8)) return 4;
        if (streamEnded && after.Length <= 4 && after.IndexOfAnyExcept("\r\n"u8) < 0) return after.Length;
        return -1;
    }

    private static bool IsDocumentType(string? type) => type is "response" or "conversion";

    private static bool IsHtmlResponse(ReadOnlySpan<byte> start) =>
        HttpPayload.IsHttp(start) && HttpPayload.TryParse(start, out _) is { } http && http.IsHtml(start[http.BodyOffset..]);

    /// <summary>The document a record holds, a rejection, or null for records that are not documents.</summary>
    private static ReadItem? ToItem(WarcRecordHeader header, ReadOnlySpan<byte> block, long position, ReaderOptions options) =>
        header.Type switch
        {
            "conversion" => FromConversion(header, block, position, options),
            "response" => FromResponseGuarded(header, block, position, options),
            // request, metadata, warcinfo, revisit, resource, continuation: not pages we can take text from.
            _ => null,
        };

    // Bad content must never stop a source: a parser failure on one page quarantines that page only.
    private static ReadItem? FromResponseGuarded(WarcRecordHeader header, ReadOnlySpan<byte> block, long position, ReaderOptions options)
    {
        try
        {
            return FromResponse(header, block, position, options);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ReadItem.Reject(position, RejectReasons.NoExtractableText, $"page could not be parsed: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static ReadItem FromConversion(WarcRecordHeader header, ReadOnlySpan<byte> block, long position, ReaderOptions options)
    {
        var text = Utf8Text.Decode(block, out var invalid).TrimEnd();
        return Accept(header, text, invalid, position, options, RejectReasons.EmptyText, "conversion record has no text");
    }

    private static ReadItem? FromResponse(WarcRecordHeader header, ReadOnlySpan<byte> block, long position, ReaderOptions options)
    {
        if (!HttpPayload.IsHttp(block)) return null;   // dns:, ftp:, whois: responses are not web pages
        if (HttpPayload.TryParse(block, out var httpError) is not { } http)
            return ReadItem.Reject(position, RejectReasons.NoExtractableText, httpError ?? "malformed HTTP response");

        // Redirects (3xx) carry no page of their own and are skipped silently. Other statuses are kept: a 404 or 500
        // page with real HTML is text like any other, and the quality filters downstream judge it, not the reader.
        if (http.Status is >= 300 and < 400) return null;
        var body = block[http.BodyOffset..];
        if (!http.IsHtml(body)) return null;

        var decoded = http.DecodeBody(body, options.MaxRecordBytes, out var decodeError);
        if (decoded is null) return ReadItem.Reject(position, RejectReasons.NoExtractableText, decodeError ?? "undecodable body");

        var html = HtmlEncoding.Decode(decoded, HtmlEncoding.CharsetFromContentType(http.ContentType), out var invalid, out _);
        var text = HtmlTextExtractor.Extract(html);
        return Accept(header, text, invalid, position, options, RejectReasons.NoExtractableText, "HTML page has no main text");
    }

    private static ReadItem Accept(WarcRecordHeader header, string text, int invalid, long position, ReaderOptions options,
        string emptyReason, string emptyDetail)
    {
        if (string.IsNullOrWhiteSpace(text)) return ReadItem.Reject(position, emptyReason, emptyDetail);
        if (text.Length > options.MaxDocumentChars)
            return ReadItem.Reject(position, RejectReasons.OversizedDocument,
                $"text of {text.Length} chars is longer than MaxDocumentChars ({options.MaxDocumentChars})");
        Dictionary<string, string>? meta = null;
        if (header.Date is { Length: > 0 } date) (meta ??= [])["warc_date"] = date;
        if (header.Language is { Length: > 0 } language) (meta ??= [])["content_language"] = language;
        return ReadItem.Of(new RawDocument(header.RecordId, text, header.TargetUri, position, invalid, meta));
    }

    private static ReadItem Damaged(long position, SourceDamagedException damage) =>
        ReadItem.Reject(position, damage.Reason, damage.Message);

    /// <summary>Consumes CR/LF between records (writers differ in how many they leave); false at the end of the stream.</summary>
    private static async ValueTask<bool> SkipBlankLinesAsync(ByteWindow window, CancellationToken ct)
    {
        while (true)
        {
            var content = window.Available.IndexOfAnyExcept("\r\n"u8);
            if (content >= 0)
            {
                window.Advance(content);
                return true;
            }
            window.Advance(window.Length);
            if (!await window.FillAsync(ct).ConfigureAwait(false)) return false;
        }
    }

    /// <summary>Moves to the next line that starts with WARC/1., or to the end of the stream.</summary>
    private static async ValueTask ResyncAsync(ByteWindow window, bool atLineStart, CancellationToken ct)
    {
        if (!atLineStart && window.Length > 0) window.Advance(1);   // never find the broken record's own first line again
        else if (atLineStart)
        {
            await window.EnsureAsync(RecordStart.Length, ct).ConfigureAwait(false);
            if (window.Available.StartsWith(RecordStart)) return;
        }
        while (true)
        {
            var next = window.Available.IndexOf(NewlineRecordStart);
            if (next >= 0)
            {
                window.Advance(next + 1);
                return;
            }
            window.Advance(Math.Max(0, window.Length - NewlineRecordStart.Length));
            if (!await window.FillAsync(ct).ConfigureAwait(false))
            {
                window.Advance(window.Length);
                return;
            }
        }
    }

    // ARC (the Internet Archive's format before WARC): "URL IP DATE MIME LENGTH" line, LENGTH bytes, a newline.
    // Version 2 headers carry more fields; the length is always the last one. The first record describes the file.
    private static async IAsyncEnumerable<Pending> ReadArcAsync(ByteWindow window, ReaderOptions options,
        [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (!await SkipBlankLinesAsync(window, ct).ConfigureAwait(false))
            {
                if (window.Damage is { } endDamage) yield return Pending.Done(Damaged(window.Position, endDamage));
                yield break;
            }
            var recordStart = window.Position;
            int lineEnd;
            while ((lineEnd = window.Available.IndexOf((byte)'\n')) < 0 && window.Length < MaxHeaderBytes)
            {
                if (!await window.FillAsync(ct).ConfigureAwait(false)) break;
            }
            if (lineEnd < 0 && window.Damage is { } lineDamage)
            {
                yield return Pending.Done(Damaged(recordStart, lineDamage));
                yield break;
            }
            var arc = lineEnd < 0 ? null : ParseArcLine(window.Available[..lineEnd]);
            if (arc is null)
            {
                yield return Pending.Done(ReadItem.Reject(recordStart, RejectReasons.WarcBadRecord,
                    $"bad ARC record header at offset {recordStart}: '{WarcRecordHeader.Printable(window.Available[..Math.Max(0, lineEnd)])}'"));
                await ResyncArcAsync(window, ct).ConfigureAwait(false);
                continue;
            }
            window.Advance(lineEnd + 1);
            var (url, date, length) = arc.Value;
            var isFileHeader = url.StartsWith("filedesc:", StringComparison.OrdinalIgnoreCase);

            if (length > options.MaxRecordBytes)
            {
                var skipped = await window.SkipAsync(length, ct).ConfigureAwait(false);
                if (skipped < length)
                {
                    yield return Pending.Done(window.Damage is { } skipDamage
                        ? Damaged(recordStart, skipDamage)
                        : ReadItem.Reject(recordStart, RejectReasons.WarcBadRecord, $"ARC length {length} runs past the end of the stream"));
                    yield break;
                }
                if (!isFileHeader)
                    yield return Pending.Done(ReadItem.Reject(recordStart, RejectReasons.OversizedDocument,
                        $"record of {length} bytes is larger than MaxRecordBytes ({options.MaxRecordBytes}); skipped"));
                continue;
            }

            var blockLength = (int)length;
            await window.EnsureAsync(blockLength + 1, ct).ConfigureAwait(false);
            if (window.Length < blockLength + 1 && window.Damage is { } blockDamage)
            {
                yield return Pending.Done(Damaged(recordStart, blockDamage));
                yield break;
            }
            var complete = window.Length >= blockLength &&
                           (window.Length == blockLength ? window.StreamEnded : window.Available[blockLength] == (byte)'\n');
            if (!complete)
            {
                yield return Pending.Done(ReadItem.Reject(recordStart, RejectReasons.WarcBadRecord,
                    $"ARC record at offset {recordStart} does not end after its length {length}"));
                await ResyncArcAsync(window, ct).ConfigureAwait(false);
                continue;
            }
            var item = isFileHeader
                ? Pending.Done(null)
                : Schedule(WarcRecordHeader.ForArc(url, date, length), window.Available[..blockLength], recordStart, options);
            window.Advance(Math.Min(window.Length, blockLength + 1));
            yield return item;
        }
    }

    private static (string Url, string Date, long Length)? ParseArcLine(ReadOnlySpan<byte> line)
    {
        line = WarcRecordHeader.TrimCr(line);
        var text = Encoding.UTF8.GetString(line);
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || !fields[0].Contains(':', StringComparison.Ordinal)) return null;
        if (!long.TryParse(fields[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var length)) return null;
        var date = fields[2];
        if (date.Length == 14 && Utf8Parser.TryParse(Encoding.ASCII.GetBytes(date), out long _, out _))
            date = $"{date[..4]}-{date[4..6]}-{date[6..8]}T{date[8..10]}:{date[10..12]}:{date[12..14]}Z";
        return (fields[0], date, length);
    }

    private static async ValueTask ResyncArcAsync(ByteWindow window, CancellationToken ct)
    {
        // Skip the current line, then every line until one parses as an ARC header.
        while (true)
        {
            var lineEnd = window.Available.IndexOf((byte)'\n');
            if (lineEnd < 0)
            {
                window.Advance(window.Length);
                if (!await window.FillAsync(ct).ConfigureAwait(false)) return;
                continue;
            }
            window.Advance(lineEnd + 1);
            while ((lineEnd = window.Available.IndexOf((byte)'\n')) < 0 && window.Length < MaxHeaderBytes)
            {
                if (!await window.FillAsync(ct).ConfigureAwait(false)) return;
            }
            if (lineEnd >= 0 && ParseArcLine(window.Available[..lineEnd]) is not null) return;
        }
    }
}
