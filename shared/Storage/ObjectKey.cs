using Refinery.Contracts.Names;

namespace Refinery.Storage;

/// <summary>Validates object keys that may come from outside: relative, no traversal, bounded length
/// (<see cref="NameRules.ObjectKey"/>).</summary>
public static class ObjectKey
{
    /// <summary>The longest key in UTF-8 bytes.</summary>
    public const int MaxLength = 1024;

    /// <summary>Returns null when <paramref name="key"/> is acceptable, else the reason it is not.</summary>
    public static string? Problem(string? key) => NameRules.ObjectKey.Problem(key);

    /// <summary>Throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static string Validate(string? key, string paramName = "key")
    {
        var problem = Problem(key);
        if (problem is not null) throw new ArgumentException($"Invalid object key '{key}': {problem}", paramName);
        return key!;
    }
}
