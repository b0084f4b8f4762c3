using Microsoft.Extensions.Options;
using Refinery.Gateway.Auth;

namespace Refinery.Gateway.Options;

/// <summary>One configured API key and its role (an element of the list Refinery:ApiKeys).</summary>
public sealed class ApiKeyEntry
{
    public string Key { get; set; } = "";
    /// <summary>Null when the entry names none: the validator refuses it rather than guess a role.</summary>
    public ApiKeyRole? Role { get; set; }
}

/// <summary>The configured keys (section Refinery:ApiKeys, a list of { Key, Role }).</summary>
public sealed class ApiKeysOptions
{
    public const string SectionName = "Refinery:ApiKeys";

    public List<ApiKeyEntry> Keys { get; } = [];
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
