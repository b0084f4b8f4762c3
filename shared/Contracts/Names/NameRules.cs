namespace Refinery.Contracts.Names;

/// <summary>Every kind of name, key and text a client may send, in one place: the rules are recorded in
/// docs/DECISIONS.md ("Names and keys at the edges"), and the types that own each kind (CorpusNames, ConfigTags,
/// ObjectKey, UploadFileNames) call these.</summary>
public static class NameRules
{
    private static bool IsLowerOrDigit(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);

    /// <summary>Corpus and dataset names: part of object keys and of URLs.</summary>
    public static readonly NameRule Corpus = new()
    {
        What = "name", MaxBytes = 64, RefuseDoubleDot = true,
        Allowed = c => IsLowerOrDigit(c) || c is '.' or '_' or '-', AllowedText = "lower-case letters, digits, '.', '_' or '-'",
        First = IsLowerOrDigit, FirstText = "a lower-case letter or digit",
    };

    /// <summary>Configuration tags (signals configs): part of object keys.</summary>
    public static readonly NameRule ConfigTag = new()
    {
        What = "config tag", MaxBytes = 32,
        Allowed = c => IsLowerOrDigit(c) || c is '_' or '-', AllowedText = "lower-case letters, digits, '_' or '-'",
        First = IsLowerOrDigit, FirstText = "a lower-case letter or digit",
    };

    /// <summary>Signal names, as in a dedup's "keep": max:SIGNAL.</summary>
    public static readonly NameRule Signal = new()
    {
        What = "signal", MaxBytes = 64,
        Allowed = c => IsLowerOrDigit(c) || c == '_', AllowedText = "lower-case letters, digits or '_'",
        First = char.IsAsciiLetterLower, FirstText = "a lower-case letter",
    };

    /// <summary>What a recipe given as text is called.</summary>
    public static readonly NameRule RecipeName = new()
    {
        What = "recipe name", MaxBytes = 64,
        Allowed = c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.', AllowedText = "letters, digits, '-', '_' or '.'",
    };

    /// <summary>Object store keys: relative '/'-separated paths, at most 1024 bytes (S3's limit), 255 per segment.</summary>
    public static readonly NameRule ObjectKey = new() { What = "key", MaxBytes = 1024, IsPath = true };

    /// <summary>An uploaded file's name once its directories are removed: the last segment of a raw key.</summary>
    public static readonly NameRule FileName = new() { What = "file name", MaxBytes = 200, IsPath = true, RefuseDoubleDot = true };

    /// <summary>A document field a reader takes text, id or url from (any visible text).</summary>
    public static readonly NameRule DocumentField = new() { What = "field name", MaxBytes = 256 };

    /// <summary>Null when free text (a description, a recipe) is acceptable, else what is wrong with it.</summary>
    public static string? TextProblem(string? value, string what, int maxBytes)
    {
        if (value is null) return null;
        if (UnicodeRules.TextProblem(value) is { } unicode) return $"{what} {unicode}";
        var bytes = System.Text.Encoding.UTF8.GetByteCount(value);
        return bytes > maxBytes ? $"{what} is {bytes} UTF-8 bytes long, more than {maxBytes}" : null;
    }
}
