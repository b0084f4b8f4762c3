using System.ComponentModel.DataAnnotations;
using Refinery.Ingestion.Language;

namespace Refinery.Ingestion.Options;

/// <summary>Limits and defaults of the ingestion service (section Refinery:Ingestion).</summary>
public sealed class IngestionOptions
{
    public const string SectionName = "Refinery:Ingestion";

    /// <summary>Languages the identifier chooses among (ISO 639-1). Fewer languages: less memory, faster, and
    /// more accurate on short text; about 20 covers most of the web (STACK.md §6).</summary>
    [MinLength(1)]
    public string[] Languages { get; set; } =
    [
        "en", "de", "fr", "es", "it", "pt", "nl", "ru", "zh", "ja",
        "ko", "ar", "hi", "tr", "pl", "vi", "id", "fi", "sv", "cs", "uk",
    ];

    /// <summary>Which detector identifies languages: <c>fast</c> (Lingua's algorithm over one table of its 1–3-gram
    /// models: Lingua's answers on texts of 120+ chars, ~30× faster, ~1/10 of the memory) or <c>lingua</c>
    /// (SearchPioneer.Lingua itself, high-accuracy mode, ~1 GB). Bound from the name, any case.</summary>
    [EnumDataType(typeof(LanguageDetectorKind))]
    public LanguageDetectorKind LanguageDetector { get; set; } = LanguageDetectorKind.Fast;

    /// <summary>Characters of a document the identifier reads; the head of a page decides its language well.</summary>
    [Range(64, 1_000_000)] public int LanguageSampleChars { get; set; } = 2_000;

    [Range(1, 10_000_000)] public int MaxDocumentChars { get; set; } = 8 * 1024 * 1024;
    [Range(1024, int.MaxValue)] public int MaxRecordBytes { get; set; } = 32 * 1024 * 1024;
    [Range(1024, long.MaxValue)] public long MaxDecompressedBytes { get; set; } = 16L * 1024 * 1024 * 1024;

    /// <summary>How long a claimed job stays owned by a process that stops renewing it (it died).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")] public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(60);
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")] public TimeSpan JobPollInterval { get; set; } = TimeSpan.FromSeconds(2);
}
