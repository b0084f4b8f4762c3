using System.Text.Json;
using Refinery.Curation.Recipes;

namespace Refinery.Curation.Formats;

/// <summary>Reads one line of an RPv2 signals file (as `refinery signals` writes it, or as RedPajama-V2 publishes
/// <c>*.signals.json.gz</c>): <c>{"id", "quality_signals": {name: [[start, end, value], …]}}</c>, keeping only the
/// signals a recipe needs. Document signals take the first span's value; line signals one value per span; the line
/// bounds come from the first line signal in the record.</summary>
public static class Rpv2SignalRecord
{
    public sealed record Parsed(string Id, Dictionary<string, double> Document, Dictionary<string, double[]> Lines, int[] LineBounds);

    public static Parsed Parse(ReadOnlySpan<byte> utf8, RecipeBinder needs)
    {
        using var json = JsonDocument.Parse(utf8.ToArray());
        var root = json.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the line is not a JSON object");
        var id = root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? idElement.GetString()! : throw new InvalidDataException("no string field 'id'");
        if (!root.TryGetProperty("quality_signals", out var signals)) throw new InvalidDataException($"document {id}: no field 'quality_signals'");
        // RedPajama-V2's own files hold quality_signals as a JSON string.
        using var nested = signals.ValueKind == JsonValueKind.String ? JsonDocument.Parse(signals.GetString()!) : null;
        if (nested is not null) signals = nested.RootElement;
        if (signals.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"document {id}: 'quality_signals' is not an object");

        var document = new Dictionary<string, double>(StringComparer.Ordinal);
        var lines = new Dictionary<string, double[]>(StringComparer.Ordinal);
        int[]? bounds = null;
        foreach (var signal in signals.EnumerateObject())
        {
            var isLine = SignalNames.Line.Contains(signal.Name);
            if (isLine && bounds is null) bounds = Bounds(signal.Value, id, signal.Name);
            if (isLine ? !needs.LineSignals.Contains(signal.Name) : !needs.DocumentSignals.Contains(signal.Name)) continue;
            if (signal.Value.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"document {id}: '{signal.Name}' is not a list of spans");
            if (isLine) lines[signal.Name] = signal.Value.EnumerateArray().Select(span => Value(span, id, signal.Name)).ToArray();
            else document[signal.Name] = signal.Value.GetArrayLength() == 0 ? double.NaN : Value(signal.Value[0], id, signal.Name);
        }
        bounds ??= [];
        // An empty document has the one span [0, 0, null] and no lines.
        if (bounds is [0, 0]) bounds = [0];
        foreach (var (name, values) in lines)
            if (values.Length != Math.Max(0, bounds.Length - 1) && !(bounds.Length <= 1 && values.Length == 1))
                throw new InvalidDataException($"document {id}: '{name}' has {values.Length} spans, the line bounds {bounds.Length - 1}");
        return new Parsed(id, document, lines, bounds);
    }

    private static double Value(JsonElement span, string id, string name)
    {
        if (span.ValueKind != JsonValueKind.Array || span.GetArrayLength() != 3)
            throw new InvalidDataException($"document {id}: a span of '{name}' is not [start, end, value]");
        var value = span[2];
        return value.ValueKind switch
        {
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.Null => double.NaN,
            _ => throw new InvalidDataException($"document {id}: a value of '{name}' is neither a number nor null"),
        };
    }

    /// <summary>Line i covers code points [bounds[i], bounds[i+1]): the spans tile the text.</summary>
    private static int[] Bounds(JsonElement spans, string id, string name)
    {
        if (spans.ValueKind != JsonValueKind.Array || spans.GetArrayLength() == 0) return [];
        var bounds = new List<int> { spans[0][0].GetInt32() };
        foreach (var span in spans.EnumerateArray())
        {
            if (span[0].GetInt32() != bounds[^1]) throw new InvalidDataException($"document {id}: the spans of '{name}' do not tile the text");
            bounds.Add(span[1].GetInt32());
        }
        return bounds.ToArray();
    }
}
