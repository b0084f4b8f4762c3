using Refinery.Quality.Models;
using Refinery.Quality.Rpv2;

namespace Refinery.Curation.Recipes;

/// <summary>The names a recipe may use: every RedPajama-V2 document signal (the computable ones, the model-based ones
/// and CCNet's), every line signal, and the document facts.</summary>
public static class SignalNames
{
    public const string Language = "language", Url = "url", NLines = "nlines";

    /// <summary>CCNet's own document fields that RPv2 publishes as signals.</summary>
    public static readonly IReadOnlyList<string> CcNet = ["ccnet_length", "ccnet_original_length", "ccnet_nlines", "ccnet_original_nlines"];

    public static readonly IReadOnlySet<string> Document = Rpv2Catalog.DocumentSignals.Select(s => s.Name)
        .Concat(ModelSignalSet.SignalNames).Concat(CcNet).ToHashSet(StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> Line = Rpv2Catalog.LineSignals.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

    /// <summary>The known name closest to <paramref name="name"/> by edit distance, if it is close enough to be a typo.</summary>
    public static string? Suggest(string name)
    {
        var best = Document.Concat(Line).Concat([Language, Url, NLines]).MinBy(n => Distance(name, n))!;
        return Distance(name, best) <= Math.Max(2, name.Length / 4) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
