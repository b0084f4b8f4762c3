namespace Refinery.Quality.Rpv2;

/// <summary>The signals of one document. Offsets are code points into the raw text, as Python's str indices.
/// A null value is stored as <see cref="double.NaN"/> (no RPv2 signal has NaN as a real value).</summary>
public sealed class DocumentSignals
{
    public required string Id { get; init; }

    /// <summary>RPv2's id_int: the first 8 bytes of SHA-1(UTF-8 id), little-endian.</summary>
    public required ulong IdInt { get; init; }

    /// <summary>Length of the text in code points: the end of every document-level span.</summary>
    public required int Length { get; init; }

    /// <summary>Line boundaries: line i spans [LineBounds[i], LineBounds[i+1]). Lines tile the text, so an
    /// empty document has the single bound 0 and no lines.</summary>
    public required int[] LineBounds { get; init; }

    public int LineCount => LineBounds.Length - 1;

    /// <summary>Document-level values by <see cref="SignalDefinition.Index"/> of <see cref="Rpv2Catalog.DocumentSignals"/>.</summary>
    public required double[] Document { get; init; }

    /// <summary>Line-level values by <see cref="SignalDefinition.Index"/> of <see cref="Rpv2Catalog.LineSignals"/>,
    /// each with one value per line.</summary>
    public required double[][] Lines { get; init; }

    /// <summary>The model-based signals in <see cref="Models.ModelSignalSet.SignalNames"/> order (NaN = null), or null
    /// when the computer has no models.</summary>
    public double[]? ModelSignals { get; init; }

    /// <summary>The 128 MinHash values over word 13-grams, or null when the document has fewer than 13 words.</summary>
    public required uint[]? MinHash { get; init; }
}
