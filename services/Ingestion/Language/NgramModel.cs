using System.IO.Compression;
using System.Text.Json;

namespace Refinery.Ingestion.Language;

/// <summary>Lingua's unigram, bigram and trigram models of the configured languages, read from the files the
/// SearchPioneer.Lingua package copies beside the app (Lingua/LanguageModels/&lt;iso&gt;/*.json.br), as one matrix:
/// a row per n-gram any language has, a column per language holding ln P(n-gram) — or, where that language lacks
/// the n-gram, ln P of its longest prefix the language has (Lingua's own back-off), or 0 for none. One lookup then
/// gives every language's term, so scoring costs a vector add per n-gram, not a lookup per language.
/// Immutable once loaded; shared by all threads.</summary>
internal sealed class NgramModel
{
    public const int MaxOrder = 3;

    private readonly NgramTable[] _tables;

    private NgramModel(NgramTable[] tables, float[] rows, int stride)
    {
        _tables = tables;
        Rows = rows;
        Stride = stride;
    }

    /// <summary>Row-major, <see cref="Stride"/> columns a row (languages padded to whole SIMD vectors). Single
    /// precision halves the memory each row pulls in; summed in double, the totals differ from Lingua's all-double
    /// sums by ~1e-5 — far below any gap that decides a language.</summary>
    public float[] Rows { get; }
    public int Stride { get; }
    public long Bytes => Rows.Length * sizeof(float) + _tables.Sum(t => t.Bytes);

    /// <summary>The row for <paramref name="ngram"/> (1–3 chars): its own when some language has it, else its
    /// longest prefix's; -1 when no language has even its first char.</summary>
    public int Row(ReadOnlySpan<char> ngram)
    {
        for (var length = ngram.Length; length > 0; length--)
        {
            var row = _tables[length - 1].Find(NgramTable.Pack(ngram[..length]));
            if (row >= 0) return row;
        }
        return -1;
    }

    /// <summary>The table of n-grams of <paramref name="order"/> chars.</summary>
    public NgramTable Table(int order) => _tables[order - 1];

    /// <summary>Number of rows (all orders together).</summary>
    public int RowCount => Rows.Length / Stride;

    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "Lingua", "LanguageModels");

    public static NgramModel Load(string directory, IReadOnlyList<string> isoCodes, int stride)
    {
        // models[order - 1][column]: ln P by packed n-gram. The 63 small files decode in parallel.
        var models = new Dictionary<ulong, double>[MaxOrder][];
        for (var order = 1; order <= MaxOrder; order++) models[order - 1] = new Dictionary<ulong, double>[isoCodes.Count];
        Parallel.For(0, MaxOrder * isoCodes.Count, i =>
        {
            var (order, column) = (i / isoCodes.Count + 1, i % isoCodes.Count);
            models[order - 1][column] = Read(directory, isoCodes[column], order);
        });

        var tables = new NgramTable[MaxOrder];
        var rows = new List<float[]>();
        for (var order = 1; order <= MaxOrder; order++)
        {
            var keys = models[order - 1].SelectMany(m => m.Keys).Distinct().ToArray();
            var orderRows = keys.Select(key =>
            {
                var row = new float[stride];
                for (var column = 0; column < isoCodes.Count; column++) row[column] = (float)BackedOff(models, column, key, order);
                return row;
            }).ToArray();
            // Likeliest n-grams first (ties by key, so every load lays out the same): the rows a text hits most
            // sit together and stay in the cache.
            var byLikelihood = Enumerable.Range(0, keys.Length)
                .OrderByDescending(i => orderRows[i].Where(v => v < 0).DefaultIfEmpty(float.MinValue).Max())
                .ThenBy(i => keys[i]).ToArray();
            tables[order - 1] = new NgramTable(byLikelihood.Select(i => keys[i]).ToArray(), rows.Count);
            rows.AddRange(byLikelihood.Select(i => orderRows[i]));
        }
        var matrix = new float[rows.Count * stride];
        for (var r = 0; r < rows.Count; r++) rows[r].CopyTo(matrix, r * stride);
        return new NgramModel(tables, matrix, stride);
    }

    private static double BackedOff(Dictionary<ulong, double>[][] models, int column, ulong key, int order)
    {
        for (var length = order; length > 0; length--)
        {
            var prefix = key & ((1UL << (16 * length)) - 1);
            if (models[length - 1][column].TryGetValue(prefix, out var logProbability)) return logProbability;
        }
        return 0;
    }

    private static readonly string[] FileNames = ["unigrams", "bigrams", "trigrams"];

    /// <summary>One model file: {"language": …, "ngrams": {"numerator/denominator": "ngram ngram …", …}}.</summary>
    private static Dictionary<ulong, double> Read(string directory, string isoCode, int order)
    {
        var path = Path.Combine(directory, isoCode, FileNames[order - 1] + ".json.br");
        var result = new Dictionary<ulong, double>();
        if (!File.Exists(path))
        {
            if (order == 1)
                throw new FileNotFoundException($"Lingua's model of '{isoCode}' is not at {path}: the SearchPioneer.Lingua " +
                                                "package copies its models into the app's output folder on build", path);
            return result; // Lingua has no model of this order for the language (it counts for nothing, as in Lingua)
        }
        using var file = File.OpenRead(path);
        using var brotli = new BrotliStream(file, CompressionMode.Decompress);
        using var json = JsonDocument.Parse(brotli);
        foreach (var entry in json.RootElement.GetProperty("ngrams").EnumerateObject())
        {
            var fraction = entry.Name.AsSpan();
            var slash = fraction.IndexOf('/');
            // The same arithmetic as Lingua, so ln P is bit-identical to what it sums.
            var logProbability = Math.Log(double.Parse(fraction[..slash], System.Globalization.CultureInfo.InvariantCulture) /
                                          int.Parse(fraction[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            foreach (var ngram in entry.Value.GetString()!.Split(' '))
                if (ngram.Length == order) result.Add(NgramTable.Pack(ngram), logProbability);
        }
        return result;
    }
}
