using Refinery.Contracts.Names;

namespace Refinery.Contracts;

/// <summary>Configuration tags name outputs (<c>signals/{corpus}/{shard}.{tag}.parquet</c>,
/// <c>dedup/{corpus}/{tag}/…</c>), so they are short, lower-case and safe in object keys.</summary>
public static class ConfigTags
{
    /// <summary>For options validated by attribute; <c>\z</c>, not <c>$</c>, so a final line feed does not match.</summary>
    public const string Pattern = @"^[a-z0-9][a-z0-9_-]{0,31}\z";
    public const string Rule = "1-32 lower-case letters, digits, '_' or '-'";

    /// <summary>Null when acceptable, else why not (<see cref="NameRules.ConfigTag"/>).</summary>
    public static string? Problem(string? tag) => NameRules.ConfigTag.Problem(tag);
}
