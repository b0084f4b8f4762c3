namespace Refinery.Ingestion.Pipeline;

/// <summary>One line of a document shard (DESIGN §6): id, text, url, lang, lang_score, source, meta.</summary>
public sealed record IngestedDocument(
    string Id,
    string Text,
    string? Url,
    string Lang,
    double LangScore,
    string Source,
    IReadOnlyDictionary<string, string> Meta);
