namespace Refinery.Quality.Rpv2;

/// <summary>One document to compute signals for. <paramref name="Language"/> selects stop words, word lists and models;
/// <paramref name="LanguageScore"/> is the language identifier's confidence, passed through as ccnet_language_score.</summary>
public sealed record SignalDocument(string Id, string Text, string? Url, string Language, double? LanguageScore = null);
