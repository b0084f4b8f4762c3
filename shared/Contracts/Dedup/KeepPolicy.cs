using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using Refinery.Contracts.Names;
using Refinery.Contracts.Options;

namespace Refinery.Contracts.Dedup;

/// <summary>How a duplicate cluster chooses its kept member: the first in shard order, the longest text, or the highest
/// (max) or lowest (min) value of a document signal.</summary>
[JsonConverter(typeof(OptionValueJsonConverter))]
public enum KeepKind { First, Longest, Max, Min }

/// <summary>A dedup request's keep option: a <see cref="KeepKind"/> and, for max and min, the signal. Outside the code
/// (on the bus, in the gateway's JSON and OpenAPI, the CLI and the job's column) it is one string, "first", "longest",
/// "max:SIGNAL" or "min:SIGNAL", read once at the edge by <see cref="TryParse"/>. The default is first.</summary>
[JsonConverter(typeof(KeepPolicyJsonConverter))]
public readonly record struct KeepPolicy(KeepKind Kind, string? Signal = null)
{
    public static KeepPolicy First => new(KeepKind.First);

    public static KeepPolicy Longest => new(KeepKind.Longest);

    /// <summary>What an error about a bad value says is allowed.</summary>
    public const string Expected = "first, longest, max:SIGNAL or min:SIGNAL";

    /// <summary>Whether the policy reads a signal (max or min).</summary>
    public bool BySignal => Kind is KeepKind.Max or KeepKind.Min;

    /// <summary>Why the policy is no keep option (a signal where none belongs, a missing or malformed one, an unknown
    /// kind), or null. Parsed values never have one; values built in code may.</summary>
    public string? Problem =>
        !Enum.IsDefined(Kind) ? $"must be {Expected}"
        : BySignal ? (Signal is null ? $"must be {Expected}" : NameRules.Signal.Problem(Signal))
        : Signal is null ? null : $"{OptionValues<KeepKind>.NameOf(Kind)} takes no signal";

    /// <summary>The policy <paramref name="text"/> names exactly, signal name checked (<see cref="NameRules.Signal"/>).</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out KeepPolicy policy)
    {
        policy = default;
        if (text is null) return false;
        var colon = text.IndexOf(':');
        if (!OptionValues<KeepKind>.TryParse(colon < 0 ? text : text[..colon], out var kind)) return false;
        var candidate = new KeepPolicy(kind, colon < 0 ? null : text[(colon + 1)..]);
        if (candidate.Problem is not null) return false;
        policy = candidate;
        return true;
    }

    /// <exception cref="FormatException">The text names no policy; the message says what is allowed.</exception>
    public static KeepPolicy Parse(string text) =>
        TryParse(text, out var policy) ? policy : throw new FormatException($"'{text}' is not {Expected}");

    /// <summary>The policy's one string form: "first", "longest", "max:SIGNAL", "min:SIGNAL".</summary>
    public override string ToString() =>
        BySignal ? $"{OptionValues<KeepKind>.NameOf(Kind)}:{Signal}" : OptionValues<KeepKind>.NameOf(Kind);
}

/// <summary>Reads and writes a <see cref="KeepPolicy"/> as its string form; anything else fails naming what is allowed,
/// which the gateway answers as a validation problem on the field.</summary>
public sealed class KeepPolicyJsonConverter : JsonConverter<KeepPolicy>
{
    public override KeepPolicy Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (KeepPolicy.TryParse(text, out var policy)) return policy;
        var given = text is null ? $"a JSON {reader.TokenType.ToString().ToLowerInvariant()}" : $"'{text}'";
        throw new JsonException($"{given} is not {KeepPolicy.Expected}");
    }

    public override void Write(Utf8JsonWriter writer, KeepPolicy value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
