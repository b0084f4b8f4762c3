using System.Text;

namespace Refinery.Contracts.Names;

/// <summary>What one kind of user-supplied name or key may be (<see cref="NameRules"/> has each kind). No regular
/// expressions: a <c>$</c> anchor matches before a final line feed, and a character test cannot.</summary>
public sealed record NameRule
{
    /// <summary>What the value is called in messages ("name", "key", "file name").</summary>
    public required string What { get; init; }

    /// <summary>The longest value in UTF-8 bytes, the unit object stores and file systems count in.</summary>
    public required int MaxBytes { get; init; }

    /// <summary>The characters allowed anywhere (null: any the Unicode rules allow), and how a message says so.</summary>
    public Func<char, bool>? Allowed { get; init; }
    public string? AllowedText { get; init; }

    /// <summary>The characters allowed first (null: any allowed one), and how a message says so.</summary>
    public Func<char, bool>? First { get; init; }
    public string? FirstText { get; init; }

    /// <summary>Whether '..' is refused anywhere in the value (names that become part of a path).</summary>
    public bool RefuseDoubleDot { get; init; }

    /// <summary>Whether the value is a relative path: '/' separates segments, none empty, '.' or '..', none longer than
    /// <see cref="MaxSegmentBytes"/>; no backslash, no leading slash, no drive letter.</summary>
    public bool IsPath { get; init; }

    /// <summary>The longest path segment in UTF-8 bytes: file systems allow 255 per file name, and the file system
    /// store's hidden temp file beside an object adds 40 to its name.</summary>
    public int MaxSegmentBytes { get; init; } = 210;

    /// <summary>Null when <paramref name="value"/> is acceptable, else what is wrong with it, starting with <see cref="What"/>.</summary>
    public string? Problem(string? value)
    {
        if (string.IsNullOrEmpty(value)) return $"{What} is empty";
        if (UnicodeRules.NameProblem(value) is { } unicode) return $"{What} {unicode}";
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > MaxBytes) return $"{What} is {bytes} UTF-8 bytes long, more than {MaxBytes}";
        if (Allowed is not null && IndexOfOther(value, Allowed) is var bad and >= 0)
            return $"{What} must be {AllowedText}; {Show(value[bad])} at index {bad} is not";
        if (First is not null && !First(value[0])) return $"{What} must start with {FirstText}, not {Show(value[0])}";
        if (IsPath) return PathProblem(value);
        return RefuseDoubleDot && value.Contains("..", StringComparison.Ordinal) ? $"{What} must not contain '..'" : null;
    }

    private string? PathProblem(string value)
    {
        if (value[0] == '/') return $"{What} must be relative (it starts with a slash)";
        if (value.Contains('\\')) return $"{What} must use '/' as separator, not '\\'";
        if (value.Length >= 2 && value[1] == ':') return $"{What} must not name a drive";
        foreach (var segment in value.Split('/'))
        {
            if (segment.Length == 0) return $"{What} has an empty path segment";
            if (segment is "." or "..") return $"{What} must not contain '.' or '..' segments";
            if (RefuseDoubleDot && segment.Contains("..", StringComparison.Ordinal)) return $"{What} must not contain '..'";
            if (Encoding.UTF8.GetByteCount(segment) is var length && length > MaxSegmentBytes)
                return $"{What} has a path segment of {length} UTF-8 bytes, more than {MaxSegmentBytes}";
        }
        return null;
    }

    private static int IndexOfOther(string value, Func<char, bool> allowed)
    {
        for (var i = 0; i < value.Length; i++)
            if (!allowed(value[i])) return i;
        return -1;
    }

    private static string Show(char c) => $"'{c}' (U+{(int)c:X4})";
}
