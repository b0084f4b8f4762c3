using Refinery.Contracts.Options;

namespace Refinery.Gateway.Apis;

/// <summary>A query parameter that names one value of a closed set, read into its enum where the request comes in. An
/// unknown name is the caller's to answer as a validation problem under the parameter's name, as a body field is
/// (minimal APIs' own enum binding would take "1" and "Running", and answer a bare 400).</summary>
internal static class QueryOptions
{
    /// <summary>The value <paramref name="name"/> names (null when the parameter is absent), or what is allowed.</summary>
    public static (TEnum? Value, string? Problem) Parse<TEnum>(string? name) where TEnum : struct, Enum =>
        name is null ? (null, null)
        : OptionValues<TEnum>.TryParse(name, out var value) ? (value, null)
        : (null, OptionValues<TEnum>.Expected);
}
