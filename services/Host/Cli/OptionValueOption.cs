using System.CommandLine;
using Refinery.Contracts.Options;

namespace Refinery.Host.Cli;

/// <summary>A CLI option whose value is one of a contract's option enums, bound from the same names the bus and the
/// gateway use; the default is the contract's, passed in, so the CLI never restates it.</summary>
public static class OptionValueOption
{
    /// <param name="describe">The option's description; " (one of …; default …)" is appended.</param>
    public static Option<TEnum> Create<TEnum>(string name, TEnum defaultValue, string describe, IReadOnlyList<TEnum>? allowed = null)
        where TEnum : struct, Enum
    {
        var names = (allowed ?? Enum.GetValues<TEnum>()).Select(OptionValues<TEnum>.NameOf).ToArray();
        var option = new Option<TEnum>(name)
        {
            // Help shows the names the parser takes, not the enum's members in both spellings.
            HelpName = string.Join('|', names),
            Description = $"{describe} (one of {string.Join(", ", names)}; default {OptionValues<TEnum>.NameOf(defaultValue)})",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var token = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (OptionValues<TEnum>.TryParse(token, out var value) && names.Contains(token)) return value;
                result.AddError($"{name} '{token}' is not one of {string.Join(", ", names)}");
                return default;
            },
        };
        option.CompletionSources.Add(names);
        return option;
    }
}
