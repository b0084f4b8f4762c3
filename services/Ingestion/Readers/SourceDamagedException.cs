namespace Refinery.Ingestion.Readers;

/// <summary>The decompressed view of a source cannot go on: corrupt or truncated compression, or the decompression limit.
/// Readers turn it into one <see cref="Rejection"/> at the position they reached and stop.</summary>
internal sealed class SourceDamagedException(string reason, string detail, Exception? inner = null) : IOException(detail, inner)
{
    /// <summary>A <see cref="RejectReasons"/> value.</summary>
    public string Reason { get; } = reason;
}
