namespace Refinery.Quality.Rpv2;

/// <summary>The one piece of Python's urlparse RPv2 uses: the netloc, kept as is (www. and port included).</summary>
public static class UrlParts
{
    /// <summary>What follows "//" (after an optional scheme) up to the first '/', '?' or '#'; empty when there is none.</summary>
    public static string Netloc(string url)
    {
        var rest = url.AsSpan();
        var colon = rest.IndexOf(':');
        if (colon > 0 && IsScheme(rest[..colon])) rest = rest[(colon + 1)..];
        if (!rest.StartsWith("//")) return "";
        rest = rest[2..];
        var end = rest.IndexOfAny('/', '?', '#');
        return (end < 0 ? rest : rest[..end]).ToString();
    }

    private static bool IsScheme(ReadOnlySpan<char> s) =>
        char.IsAsciiLetter(s[0]) && !s.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
}
