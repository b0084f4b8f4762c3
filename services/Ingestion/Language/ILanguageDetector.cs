namespace Refinery.Ingestion.Language;

/// <summary>Which language detector ingestion runs (Refinery:Ingestion:LanguageDetector).</summary>
public enum LanguageDetectorKind
{
    /// <summary>SearchPioneer.Lingua's own detector, high-accuracy mode: ~1 GB of models, ~1 MB of text a CPU-second.</summary>
    Lingua,

    /// <summary>Lingua's algorithm over its uni-, bi- and trigram models in one table: the same answers on texts of
    /// 120 cleaned characters or more, tens of times faster, a tenth of the memory.</summary>
    Fast,
}

/// <summary>A language detector over a fixed language set. Implementations are thread-safe.</summary>
public interface ILanguageDetector
{
    /// <summary>The configured languages, ISO 639-1, sorted.</summary>
    IReadOnlyList<string> Languages { get; }

    /// <summary>The most likely language of <paramref name="text"/> and Lingua's confidence in it (0–1, the
    /// normalised likelihood over the candidate languages), or <see cref="LanguageGuess.Unknown"/>.</summary>
    LanguageGuess Detect(string text);
}
