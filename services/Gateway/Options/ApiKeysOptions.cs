using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Refinery.Contracts.Options;
using Refinery.Gateway.Auth;

namespace Refinery.Gateway.Options;

/// <summary>One configured API key and its role (an element of the list Refinery:ApiKeys).</summary>
public sealed class ApiKeyEntry
{
    public string Key { get; set; } = "";
    /// <summary>Null when the entry names no role: the validator refuses it rather than guess one.</summary>
    public ApiKeyRole? Role { get; set; }
}

/// <summary>The configured keys (section Refinery:ApiKeys, a list of { Key, Role }).</summary>
public sealed class ApiKeysOptions
{
    public const string SectionName = "Refinery:ApiKeys";

    public List<ApiKeyEntry> Keys { get; } = [];

    /// <summary>Reads the keys of <paramref name="section"/>, a role by its name in any case ("Writer"). Bound by hand:
    /// the configuration binder drops a list element whose enum it cannot convert, so a mistyped role would silently
    /// remove its key; here it is kept without a role, for the validator to refuse by its setting's name.</summary>
    public void Bind(IConfigurationSection section)
    {
        foreach (var entry in section.GetChildren())
        {
            var role = entry["Role"]?.ToLowerInvariant();
            Keys.Add(new ApiKeyEntry { Key = entry["Key"] ?? "", Role = OptionValues<ApiKeyRole>.TryParse(role, out var r) ? r : null });
        }
    }
}

/// <summary>Refuses to start with a key that is empty or has an unknown role; never echoes a key.</summary>
internal sealed class ApiKeysOptionsValidator : IValidateOptions<ApiKeysOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeysOptions options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Keys.Count; i++)
        {
            var entry = options.Keys[i];
            if (string.IsNullOrWhiteSpace(entry.Key))
                failures.Add($"{ApiKeysOptions.SectionName}:{i}:Key is empty");
            if (entry.Role is not { } role || !Enum.IsDefined(role))
                failures.Add($"{ApiKeysOptions.SectionName}:{i}:Role must be one of {string.Join(", ", ApiKeyRoles.All)}");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
