using Lingua;

namespace Refinery.Ingestion.Language;

/// <summary>The language of a text and the identifier's confidence in it.</summary>
public readonly record struct LanguageGuess(string Code, double Score)
{
    public static readonly LanguageGuess Unknown = new("unknown", 0);
}

/// <summary>Lingua over a fixed language set, built once per process (models cost memory and seconds to load).
/// Thread-safe: Lingua's detector may be shared.</summary>
public sealed class LanguageIdentifier
{
    private readonly LanguageDetector _detector;
    private readonly int _sampleChars;

    public LanguageIdentifier(IEnumerable<string> isoCodes, int sampleChars = 2_000)
    {
        var languages = isoCodes.Select(Parse).Distinct().ToArray();
        if (languages.Length == 0) throw new ArgumentException("At least one language is needed", nameof(isoCodes));
        // Lingua needs two languages to compare; one configured language still gets a confidence against English.
        if (languages.Length == 1) languages = [.. languages, Lingua.Language.English];
        _detector = LanguageDetectorBuilder.FromLanguages(languages.Distinct().ToArray()).Build();
        _sampleChars = sampleChars;
    }

    public IReadOnlyList<string> Languages =>
        _detector.Languages.Select(l => LanguageInfo.IsoCode6391(l).ToString().ToLowerInvariant()).Order().ToArray();

    public LanguageGuess Identify(string text)
    {
        var sample = text.Length > _sampleChars ? text[.._sampleChars] : text;
        if (string.IsNullOrWhiteSpace(sample)) return LanguageGuess.Unknown;
        var confidences = _detector.ComputeLanguageConfidenceValues(sample);
        foreach (var (language, score) in confidences)
            return score > 0
                ? new LanguageGuess(LanguageInfo.IsoCode6391(language).ToString().ToLowerInvariant(), Math.Round(score, 4))
                : LanguageGuess.Unknown;
        return LanguageGuess.Unknown;
    }

    private static Lingua.Language Parse(string code)
    {
        if (Enum.TryParse<IsoCode6391>(code, ignoreCase: true, out var iso) && iso != IsoCode6391.None)
            return LanguageInfo.GetByIsoCode6391(iso);
        throw new ArgumentException($"Unknown ISO 639-1 language code '{code}'", nameof(code));
    }
}
