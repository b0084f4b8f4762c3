namespace Refinery.Ingestion.Readers;

/// <summary>One document as a reader found it, before ids, language and sharding are assigned.</summary>
/// <param name="Position">Where it came from: 1-based line for line formats, byte offset of the record for WARC/WET, 0 for whole files.</param>
/// <param name="InvalidUtf8">How many invalid UTF-8 sequences were replaced with U+FFFD while decoding it.</param>
public sealed record RawDocument(
    string? Id,
    string Text,
    string? Url,
    long Position,
    int InvalidUtf8 = 0,
    IReadOnlyDictionary<string, string>? Meta = null);

/// <summary>A record a reader could not accept, with where it was and why (a <see cref="RejectReasons"/> value).</summary>
public sealed record Rejection(long Position, string Reason, string Detail);

/// <summary>What a reader yields: exactly one of a document or a rejection.</summary>
public readonly record struct ReadItem(RawDocument? Document, Rejection? Rejection)
{
    public static ReadItem Of(RawDocument document) => new(document, null);
    public static ReadItem Reject(long position, string reason, string detail) => new(null, new Rejection(position, reason, detail));
}

/// <summary>The closed set of reasons a record is quarantined; stable strings, counted in CorpusIngested.</summary>
public static class RejectReasons
{
    public const string MalformedJson = "malformed_json";
    public const string NotAnObject = "not_an_object";
    public const string MissingText = "missing_text";
    public const string EmptyText = "empty_text";
    public const string OversizedDocument = "oversized_document";
    public const string CorruptCompression = "corrupt_compression";
    public const string DecompressionLimit = "decompression_limit";
    public const string WarcBadRecord = "warc_bad_record";
    public const string NoExtractableText = "no_extractable_text";
    public const string EmptySource = "empty_source";
    public const string UnreadableSource = "unreadable_source";
}
