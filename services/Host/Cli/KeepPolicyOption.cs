using System.CommandLine;
using Refinery.Contracts.Dedup;

namespace Refinery.Host.Cli;

/// <summary>The dedup keep option, bound from the same text the bus and the gateway use ("first", "longest",
/// "max:SIGNAL", "min:SIGNAL"); the default is the contract's, passed in.</summary>
public static class KeepPolicyOption
{
    public static Option<KeepPolicy> Create(string name, KeepPolicy defaultValue, string describe)
    {
        var option = new Option<KeepPolicy>(name)
        {
            HelpName = "first|longest|max:SIGNAL|min:SIGNAL",
            Description = $"{describe} (default {defaultValue})",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (KeepPolicy.TryParse(token, out var value)) return value;
                result.AddError($"{name} '{token}' is not {KeepPolicy.Expected}");
                return default;
            },
        };
        option.CompletionSources.Add("first", "longest");
        return option;
    }
}
