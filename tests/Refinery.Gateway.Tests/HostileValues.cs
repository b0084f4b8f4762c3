using System.Text;

namespace Refinery.Gateway.Tests;

/// <summary>The type of a field in a write's JSON body, which decides the hostile values it is sent.</summary>
public enum FieldKind { String, Number, Integer, Boolean, List, Object }

/// <summary>Per field type, the values a careful tester sends, as raw JSON text so invalid literals (NaN), escaped lone
/// surrogates and numbers past every range reach the server as sent.</summary>
public static class HostileValues
{
    private static readonly string[] WrongForString = ["null", "1", "true", "{}", "[]"];
    private static readonly string[] WrongForNumber = ["null", "\"1\"", "true", "{}", "[]"];

    /// <summary>Strings no name, key or option may be: line breaks, invisible characters, NUL, lone surrogates, 10 KB.
    /// Declared before <see cref="Strings"/>, which holds them: static fields are set in the order they are written.</summary>
    public static readonly string[] NeverNames =
    [
        "\"a\\n\"", "\"a\\r\"", "\"a\\r\\n\"", "\"\\u202Eexe.txt\"", "\"a\\u200Bb\"", "\"\\uFEFFa\"", "\"a\\u2028b\"", "\"\\uE000\"",
        "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00x\"", "\"" + new string('a', 10 * 1024) + "\"",
    ];

    public static readonly string[] Strings =
    [
        .. NeverNames, "\"\"", "\" \"", "\"../x\"", "\"a/../b\"", "\"/etc/passwd\"", "\"a\\\\b\"", "\"C:x\"", "\"" + new string('ü', 300) + "\"",
        "\"" + string.Concat(Enumerable.Repeat("\\u20ac", 2000)) + "\"", "\"%2e%2e\"", .. WrongForString,
    ];

    public static readonly string[] Numbers =
    [
        "NaN", "\"NaN\"", "Infinity", "-Infinity", "\"Infinity\"", "-1", "0", "-0", "1e308", "-1e308", "1e309", "9223372036854775808",
        "18446744073709551616", "0.1", "1e-320", "1.0000000000000000000001", .. WrongForNumber,
    ];

    public static readonly string[] Booleans = ["\"true\"", "1", "0", "\"yes\"", .. WrongForNumber];

    public static readonly string[] Objects = ["null", "\"x\"", "[]", "42", "true", "{}", "{\"unknown\":1}"];

    /// <summary>The values for a field of <paramref name="kind"/>; a list's include 100,000 copies of its valid element.</summary>
    public static IEnumerable<string> For(FieldKind kind, string? validElement) => kind switch
    {
        FieldKind.String => Strings,
        FieldKind.Number or FieldKind.Integer => Numbers,
        FieldKind.Boolean => Booleans,
        FieldKind.Object => Objects,
        FieldKind.List => ["[null]", "[]", "null", "{}", "\"x\"", "[1]", "[[]]", "[" + string.Join(',', Enumerable.Repeat(validElement ?? "null", 100_000)) + "]"],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Hostile values for a route's {name} segment, percent-encoded as a client would put them in the URL
    /// (%ED%A0%80 is a lone surrogate's bytes, which no UTF-8 decoder accepts). No %00: the test server's client refuses
    /// to send it, as Kestrel refuses to take it.</summary>
    public static readonly string[] PathSegments =
    [
        "%20", "a%0A", "a%0D", "%E2%80%AEexe.txt", "a%E2%80%8Bb", "%EF%BB%BFa", new string('a', 10 * 1024), "..", "..%2Fx",
        "a%2F..%2Fb", "%ED%A0%80", "%FF", "Web", "w%C3%A9b", string.Concat(Enumerable.Repeat("%C3%BC", 40)),
    ];

    /// <summary>Shown in failure messages: the start of a value, with what cannot be printed escaped.</summary>
    public static string Label(string value)
    {
        var text = value.Length > 40 ? value[..40] + $"…({value.Length} chars)" : value;
        var builder = new StringBuilder();
        foreach (var c in text) builder.Append(c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString());
        return builder.ToString();
    }
}
