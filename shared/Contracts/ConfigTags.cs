using System.Text.RegularExpressions;

namespace Refinery.Contracts;

/// <summary>Configuration tags name outputs (<c>signals/{corpus}/{shard}.{tag}.parquet</c>,
/// <c>dedup/{corpus}/{tag}/…</c>), so they are short, lower-case and safe in object keys.</summary>
public static partial class ConfigTags
{
    public const string Pattern = "^[a-z0-9][a-z0-9_-]{0,31}$";
    public const string Rule = "1-32 lower-case letters, digits, '_' or '-'";

    [GeneratedRegex(Pattern)]
    private static partial Regex Regex();

    /// <summary>Null when acceptable, else why not.</summary>
    public static string? Problem(string? tag) => tag is not null && Regex().IsMatch(tag) ? null : $"must be {Rule}";
}
