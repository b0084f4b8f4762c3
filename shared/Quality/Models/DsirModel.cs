using Refinery.Text;
namespace Refinery.Quality.Models;

/// <summary>
/// DSIR importance weights (Xie et al. 2023) with RPv2's exact formula: hashed counts <c>f</c> of every raw
/// WordPunct token and token bigram, <c>ld = ln(p_t + 1e-8) − ln(p_s + 1e-8)</c> from the target (reference) and
/// source (web) count arrays, value <c>r8(f · ld)</c>; the length-corrected variant adds
/// <c>ln(Pois(len(text); λ_t) + 1e-8) − ln(Pois(len(text); λ_s) + 1e-8)</c> with <c>len</c> in code points, as RPv2
/// codes it although λ is a mean token count. Only the hash differs from RPv2 (see <see cref="FeatureHashing"/>).
/// </summary>
public sealed class DsirModel : SignalModel
{
    internal const int PayloadVersion = 1;
    public const int DefaultBuckets = 10_000;

    private readonly double[] _targetCounts;
    private readonly double[] _sourceCounts;
    private readonly double[] _logRatio;
    private readonly bool _logRatioFinite;

    internal DsirModel(ModelHeader header, double[] targetCounts, double[] sourceCounts, double targetLambda, double sourceLambda)
        : base(header)
    {
        if (targetCounts.Length != sourceCounts.Length) throw new ArgumentException("count arrays differ in length");
        _targetCounts = targetCounts;
        _sourceCounts = sourceCounts;
        TargetLambda = targetLambda;
        SourceLambda = sourceLambda;
        _logRatio = LogRatio(targetCounts, sourceCounts);
        _logRatioFinite = Array.TrueForAll(_logRatio, double.IsFinite);
    }

    public int Buckets => _logRatio.Length;
    public double TargetLambda { get; }
    public double SourceLambda { get; }

    /// <summary>ln(p_t + 1e-8) − ln(p_s + 1e-8) per bucket.</summary>
    public IReadOnlyList<double> LogRatios => _logRatio;

    internal static double[] LogRatio(double[] target, double[] source)
    {
        var (tSum, sSum) = (0.0, 0.0);
        foreach (var c in target) tSum += c;
        foreach (var c in source) sSum += c;
        var ld = new double[target.Length];
        for (var i = 0; i < ld.Length; i++)
            ld[i] = Math.Log(target[i] / tSum + 1e-8) - Math.Log(source[i] / sSum + 1e-8);
        return ld;
    }

    /// <summary>The hashed feature counts <c>f</c> of a document's raw tokens and bigrams.</summary>
    public static int[] Features(string text, int buckets = DefaultBuckets) => Count(ModelTokenizer.WordPunct(text), buckets);

    internal static int[] Count(IReadOnlyList<string> tokens, int buckets)
    {
        var f = new int[buckets];
        foreach (var bucket in FeatureHashing.UnigramsAndBigrams(tokens, buckets)) f[bucket]++;
        return f;
    }

    /// <summary>(importance, length-corrected importance), both r8-rounded; NaN for an empty text.</summary>
    public (double Importance, double LengthCorrected) Compute(string text)
    {
        if (text.Length == 0) return (double.NaN, double.NaN);
        var f = Features(text, Buckets);
        var score = 0.0;
        for (var i = 0; i < f.Length; i++) score += f[i] * _logRatio[i];
        long characters = text.EnumerateRunes().Count(); // Python len() counts code points
        var correction = PoissonLogPmf.LogPmfPlusEpsilon(characters, TargetLambda) - PoissonLogPmf.LogPmfPlusEpsilon(characters, SourceLambda);
        return (PyFloat.Round8(score), PyFloat.Round8(score + correction));
    }

    /// <summary><see cref="Compute(string)"/> from the document's shared raw-token hashes.</summary>
    internal (double Importance, double LengthCorrected) Compute(ModelDocument document)
    {
        if (document.Text.Length == 0) return (double.NaN, double.NaN);
        var f = document.BucketCounts(Buckets, out var touched);
        var score = 0.0;
        if (_logRatioFinite)
        {
            // The dense sum of Compute(string) without its zero terms, in the same bucket order: with every ld finite
            // a zero count adds ±0.0, which leaves a sum that starts at +0.0 unchanged, so the sums are bit for bit equal.
            foreach (var i in touched) score += f[i] * _logRatio[i];
        }
        else for (var i = 0; i < f.Length; i++) score += f[i] * _logRatio[i]; // 0 × ∞ is NaN there, as in the dense sum
        var characters = document.CodePoints();
        var correction = PoissonLogPmf.LogPmfPlusEpsilon(characters, TargetLambda) - PoissonLogPmf.LogPmfPlusEpsilon(characters, SourceLambda);
        return (PyFloat.Round8(score), PyFloat.Round8(score + correction));
    }

    /// <summary>Sums the features of a corpus: the count array and λ (mean raw-token count per document).</summary>
    internal static (double[] Counts, double Lambda) Accumulate(IReadOnlyList<string> documents, int buckets)
    {
        var counts = new double[buckets];
        long tokens = 0;
        foreach (var document in documents)
        {
            var words = ModelTokenizer.WordPunct(document);
            tokens += words.Count;
            foreach (var bucket in FeatureHashing.UnigramsAndBigrams(words, buckets)) counts[bucket]++;
        }
        return (counts, documents.Count == 0 ? 0 : tokens / (double)documents.Count);
    }

    internal override void WritePayload(BinaryWriter writer)
    {
        writer.Write(_targetCounts.Length);
        writer.Write(TargetLambda);
        writer.Write(SourceLambda);
        foreach (var c in _targetCounts) writer.Write(c);
        foreach (var c in _sourceCounts) writer.Write(c);
    }

    internal static DsirModel ReadPayload(ModelHeader header, BinaryReader reader)
    {
        if (header.PayloadVersion != PayloadVersion) throw new InvalidDataException($"Unsupported dsir payload version {header.PayloadVersion}");
        var buckets = reader.ReadInt32();
        if (buckets <= 0) throw new InvalidDataException("Invalid DSIR bucket count");
        var (lt, ls) = (reader.ReadDouble(), reader.ReadDouble());
        var target = new double[buckets];
        var source = new double[buckets];
        for (var i = 0; i < buckets; i++) target[i] = reader.ReadDouble();
        for (var i = 0; i < buckets; i++) source[i] = reader.ReadDouble();
        return new DsirModel(header, target, source, lt, ls);
    }
}
