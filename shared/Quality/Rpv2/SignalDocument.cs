namespace Refinery.Quality.Rpv2;

/// <summary>One document to compute signals for. <paramref name="Language"/> selects stop words and word lists.</summary>
public sealed record SignalDocument(string Id, string Text, string? Url, string Language);
