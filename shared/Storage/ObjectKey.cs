namespace Refinery.Storage;

/// <summary>Validates object keys that may come from outside: relative, no traversal, bounded length.</summary>
public static class ObjectKey
{
    public const int MaxLength = 1024;

    /// <summary>Returns null when <paramref name="key"/> is acceptable, else the reason it is not.</summary>
    public static string? Problem(string? key)
    {
        if (string.IsNullOrEmpty(key)) return "key is empty";
        if (key.Length > MaxLength) return $"key is longer than {MaxLength} characters";
        if (key[0] == '/' || key[0] == '\\') return "key must be relative (it starts with a slash)";
        if (key.Contains('\\')) return "key must use '/' as separator";
        if (key.Length >= 2 && key[1] == ':') return "key must not name a drive";
        foreach (var c in key)
            if (char.IsControl(c)) return "key contains a control character";
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0) return "key has an empty path segment";
            if (segment is "." or "..") return "key must not contain '.' or '..' segments";
        }
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static string Validate(string? key, string paramName = "key")
    {
        var problem = Problem(key);
        if (problem is not null) throw new ArgumentException($"Invalid object key '{key}': {problem}", paramName);
        return key!;
    }
}
