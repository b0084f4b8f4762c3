namespace Refinery.Curation.Pipeline;

/// <summary>The signals a dataset version's statistics show before and after its recipe, each with fixed bin edges so
/// parts add up bin by bin. A value falls in bin i when edges[i] ≤ value &lt; edges[i+1]; the last bin is open above;
/// null values are counted apart.</summary>
public static class Histograms
{
    public static readonly IReadOnlyDictionary<string, double[]> Edges = new Dictionary<string, double[]>(StringComparer.Ordinal)
    {
        ["rps_doc_word_count"] = [0, 10, 30, 50, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000],
        ["rps_doc_mean_word_length"] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15],
        ["rps_doc_frac_no_alph_words"] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1],
        ["rps_doc_symbol_to_word_ratio"] = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1],
        ["rps_doc_frac_chars_top_2gram"] = [0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1],
        ["rps_doc_unigram_entropy"] = [0, 1, 2, 3, 4, 4.5, 5, 5.5, 6, 7, 8],
        ["rps_doc_stop_word_fraction"] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1],
    };

    /// <summary>The bin of a value: 0..edges.Length-1, or edges.Length for null.</summary>
    public static int BinOf(double[] edges, double value)
    {
        if (double.IsNaN(value)) return edges.Length;
        var bin = 0;
        while (bin + 1 < edges.Length && value >= edges[bin + 1]) bin++;
        return bin;
    }
}
