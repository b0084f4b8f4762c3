using System.Buffers.Binary;
using System.Text;
using Refinery.Quality.Models;
using Refinery.Text.Hashing;
using Refinery.Text.MinHash;

namespace Refinery.Quality.Rpv2;

/// <summary>Computes the 29 exact RPv2 signals and the MinHash signature of one document at a time.
/// Not thread-safe: it reuses scratch buffers, so create one per thread.</summary>
public sealed class Rpv2SignalComputer(Rpv2Resources resources, ModelSignalSet? models = null)
{
    /// <summary>RPv2's MinHash: word 13-grams, 128 permutations from seed 42.</summary>
    public const int MinHashNGram = 13;

    private readonly DocumentAnalysis _analysis = new();
    private readonly RepetitionSignals _repetitions = new();
    private readonly NaturalLanguageSignals _naturalLanguage = new();
    private readonly LineSignals _lines = new();
    private readonly MinHasher _minHasher = new(MinHashPermutations.RpV2, MinHashNGram);

    public Rpv2Resources Resources { get; } = resources;

    /// <summary>The substitute models for RPv2's model-based signals; null computes the 29 exact signals only.</summary>
    public ModelSignalSet? Models { get; } = models;

    public DocumentSignals Compute(SignalDocument document)
    {
        _analysis.Analyze(document.Text);
        var values = new double[Rpv2Catalog.Doc.Count];
        ContentSignals.Compute(_analysis, document, Resources, values);
        _repetitions.Compute(_analysis, values);
        _naturalLanguage.Compute(_analysis, values);
        return new DocumentSignals
        {
            Id = document.Id,
            IdInt = IdInt(document.Id),
            Length = _analysis.Length,
            LineBounds = [.. _analysis.LineBounds],
            Document = values,
            Lines = _lines.Compute(_analysis),
            MinHash = MinHash(),
            ModelSignals = ModelValues(document),
        };
    }

    /// <summary>int.from_bytes(sha1(id).digest()[:8], "little").</summary>
    public static ulong IdInt(string id)
    {
        Span<byte> digest = stackalloc byte[20];
        Sha1.Hash(Encoding.UTF8.GetBytes(id), digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }

    private double[]? ModelValues(SignalDocument document)
    {
        if (Models is null) return null;
        var values = new double[ModelSignalSet.SignalNames.Count];
        Models.Compute(document.Text, document.Language, document.LanguageScore, values);
        return values;
    }

    private uint[]? MinHash()
    {
        if (_analysis.WordCount < MinHashNGram) return null;
        var utf8 = _analysis.NormalizedUtf8(out var starts, out var ends);
        var signature = new uint[_minHasher.Count];
        return _minHasher.TryCompute(utf8, starts, ends, signature) ? signature : null;
    }
}
