namespace Refinery.Curation.Recipes;

/// <summary>What a recipe sees of one document: its document signals (NaN for null or absent), its line signals (one
/// value per line span, NaN for null), its line spans in code points, language, URL, and whether it is a removable
/// duplicate (a member of a cluster that is not kept) at a fuzzy threshold or as an exact copy.</summary>
public sealed class DocumentFacts
{
    public required string Id { get; init; }
    public required IReadOnlyDictionary<string, double> Document { get; init; }
    public required IReadOnlyDictionary<string, double[]> Lines { get; init; }
    /// <summary>Line i spans code points [LineBounds[i], LineBounds[i+1]); empty when the signals have no line spans.</summary>
    public required int[] LineBounds { get; init; }
    public string? Language { get; init; }
    public string? Url { get; init; }
    public Func<double, bool> FuzzyDuplicate { get; init; } = _ => false;
    public bool ExactDuplicate { get; init; }

    public int LineCount => Math.Max(0, LineBounds.Length - 1);

    public double DocumentSignal(string name) => Document.TryGetValue(name, out var value) ? value : double.NaN;

    /// <summary>ccnet_nlines when the signals have it; else the number of line spans (the RPv2 files Refinery
    /// computes carry no CCNet fields).</summary>
    public double NLines => Document.TryGetValue("ccnet_nlines", out var n) && !double.IsNaN(n) ? n : LineCount;
}
