using System.Reflection;
using System.Text.Json;

namespace Refinery.Contracts.Options;

/// <summary>The names the values of an option enum go by everywhere outside the code: on the bus, in the gateway's
/// JSON and OpenAPI, in CLI options and in database columns. A value's name is its kebab-case member name
/// (<c>ExactMode.Set</c> is "set", <c>TokenizerKind.Gpt2</c> "gpt2"), so renaming a member changes the wire format:
/// a test pins every name.</summary>
public static class OptionValues<TEnum> where TEnum : struct, Enum
{
    private static readonly (TEnum Value, string Name)[] Members = typeof(TEnum)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => ((TEnum)f.GetValue(null)!, JsonNamingPolicy.KebabCaseLower.ConvertName(f.Name)))
        .ToArray();

    /// <summary>Every name, in declaration order.</summary>
    public static IReadOnlyList<string> Names { get; } = Members.Select(m => m.Name).ToArray();

    /// <summary>"one of set, bloom, none": what an error about a bad value says is allowed.</summary>
    public static string Expected { get; } = $"one of {string.Join(", ", Names)}";

    public static string NameOf(TEnum value)
    {
        foreach (var (member, name) in Members)
        {
            if (EqualityComparer<TEnum>.Default.Equals(member, value)) return name;
        }
        throw new ArgumentOutOfRangeException(nameof(value), value, $"not a {typeof(TEnum).Name}");
    }

    /// <summary>The value named exactly <paramref name="name"/> (names are lower case; no numbers, no other spelling).</summary>
    public static bool TryParse(string? name, out TEnum value)
    {
        foreach (var (member, memberName) in Members)
        {
            if (memberName == name)
            {
                value = member;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <exception cref="FormatException">The name is not one of <see cref="Names"/>; the message lists them.</exception>
    public static TEnum Parse(string name) =>
        TryParse(name, out var value) ? value : throw new FormatException($"'{name}' is not {Expected}");
}
