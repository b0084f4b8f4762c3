using Lingua;

namespace Refinery.Ingestion.Language;

/// <summary>SearchPioneer.Lingua's detector in high-accuracy mode. Its models (~1 GB for 21 languages) load lazily
/// on first use into Lingua's process-wide cache. Thread-safe.</summary>
public sealed class LinguaLanguageDetector : ILanguageDetector
{
    private readonly LanguageDetector _detector;

    public LinguaLanguageDetector(IReadOnlyList<Lingua.Language> languages) =>
        _detector = LanguageDetectorBuilder.FromLanguages(languages.ToArray()).Build();

    public IReadOnlyList<string> Languages =>
        _detector.Languages.Select(l => LanguageInfo.IsoCode6391(l).ToString().ToLowerInvariant()).Order().ToArray();

    public LanguageGuess Detect(string text)
    {
        foreach (var (language, score) in _detector.ComputeLanguageConfidenceValues(text))
            return score > 0 ? new LanguageGuess(LanguageInfo.IsoCode6391(language).ToString().ToLowerInvariant(), score) : LanguageGuess.Unknown;
        return LanguageGuess.Unknown;
    }
}
