namespace Refinery.Quality.Formats;

/// <summary>Which signals a reader of a signal file decodes: decoding is most of the cost of reading a file, and a
/// recipe or a keep policy reads a few of its 50-odd columns. Signals left out come back as NaN (document and extra
/// signals), as no values (line signals), and the MinHash signature as null. Ids, lengths and line bounds are always read.</summary>
public sealed record SignalColumns(IReadOnlySet<string>? Signals, bool MinHash)
{
    public static readonly SignalColumns All = new(null, true);

    /// <summary>Just these signals (document, line or extra, by name), without the MinHash signature.</summary>
    public static SignalColumns Only(IEnumerable<string> signals) => new(signals.ToHashSet(StringComparer.Ordinal), false);

    public bool Reads(string signal) => Signals is null || Signals.Contains(signal);
}
