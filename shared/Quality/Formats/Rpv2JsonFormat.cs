using System.Globalization;
using System.Text;
using Refinery.Quality.Models;
using Refinery.Quality.Rpv2;
using Refinery.Text;
using Refinery.Text.MinHash;

namespace Refinery.Quality.Formats;

/// <summary>One JSON line per document in the RPv2 layout: id, id_int, quality_signals as [start, end, value] spans,
/// and the four MinHash band lists as hex (null for documents under 13 words). Byte-compatible with Python's
/// json.dumps of the same record, so files diff cleanly against RPv2 tooling output.</summary>
public static class Rpv2JsonFormat
{
    /// <summary>Writes the record without a trailing newline. The model-based signals, when computed, follow the 29
    /// document signals in <see cref="ModelSignalSet.SignalNames"/> order, before the line signals.</summary>
    /// <remarks>With <paramref name="release"/>, writes RPv2's published `.signals.json.gz` record instead: the
    /// metadata object after id_int and no MinHash (RPv2 ships signatures in separate Parquet files).</remarks>
    public static void Write(StringBuilder sb, DocumentSignals signals, ReleaseMetadata? release = null)
    {
        sb.Append("{\"id\": ");
        PyJson.String(sb, signals.Id);
        sb.Append(", \"id_int\": ").Append(signals.IdInt.ToString(CultureInfo.InvariantCulture));
        if (release is not null) WriteMetadata(sb, release);
        sb.Append(", \"quality_signals\": {");
        var first = true;
        foreach (var definition in Rpv2Catalog.DocumentSignals)
        {
            Key(sb, definition.Name, ref first);
            sb.Append("[[0, ").Append(signals.Length.ToString(CultureInfo.InvariantCulture)).Append(", ");
            Value(sb, signals.Document[definition.Index], definition.Type);
            sb.Append("]]");
        }
        for (var m = 0; m < (signals.ModelSignals?.Length ?? 0); m++)
        {
            Key(sb, ModelSignalSet.SignalNames[m], ref first);
            sb.Append("[[0, ").Append(signals.Length.ToString(CultureInfo.InvariantCulture)).Append(", ");
            Value(sb, signals.ModelSignals![m], SignalValueType.Float);
            sb.Append("]]");
        }
        foreach (var definition in Rpv2Catalog.LineSignals) LineSignal(sb, signals, definition, ref first);
        if (release is not null)
        {
            sb.Append("}}");
            return;
        }
        sb.Append("}, \"minhash\": {");
        first = true;
        foreach (var layout in MinHashBands.RpV2)
        {
            Key(sb, layout.ColumnName, ref first);
            if (signals.MinHash is null) { sb.Append("null"); continue; }
            sb.Append('[');
            for (var b = 0; b < layout.Bands; b++)
            {
                if (b > 0) sb.Append(", ");
                sb.Append('"').Append(Convert.ToHexStringLower(MinHashBands.Band(signals.MinHash, b, layout.Rows))).Append('"');
            }
            sb.Append(']');
        }
        sb.Append("}}");
    }

    public static string ToLine(DocumentSignals signals, ReleaseMetadata? release = null)
    {
        var sb = new StringBuilder(4096);
        Write(sb, signals, release);
        return sb.ToString();
    }

    private static void WriteMetadata(StringBuilder sb, ReleaseMetadata release)
    {
        sb.Append(", \"metadata\": {\"url\": ");
        if (release.Url is null) sb.Append("null"); else PyJson.String(sb, release.Url);
        sb.Append(", \"source_domain\": ");
        if (release.Url is null) sb.Append("null"); else PyJson.String(sb, Rpv2.UrlParts.Netloc(release.Url));
        sb.Append(", \"language\": ");
        PyJson.String(sb, release.Language);
        sb.Append('}');
    }

    private static void LineSignal(StringBuilder sb, DocumentSignals signals, SignalDefinition definition, ref bool first)
    {
        Key(sb, definition.Name, ref first);
        if (signals.LineCount == 0)
        {
            sb.Append(definition.Name == Rpv2Catalog.NoLinesNullSpanSignal ? "[[0, 0, null]]" : "[]");
            return;
        }
        var values = signals.Lines[definition.Index];
        sb.Append('[');
        for (var l = 0; l < signals.LineCount; l++)
        {
            if (l > 0) sb.Append(", ");
            sb.Append('[').Append(signals.LineBounds[l].ToString(CultureInfo.InvariantCulture)).Append(", ")
                .Append(signals.LineBounds[l + 1].ToString(CultureInfo.InvariantCulture)).Append(", ");
            Value(sb, values[l], definition.Type);
            sb.Append(']');
        }
        sb.Append(']');
    }

    private static void Key(StringBuilder sb, string name, ref bool first)
    {
        if (!first) sb.Append(", ");
        first = false;
        PyJson.String(sb, name);
        sb.Append(": ");
    }

    private static void Value(StringBuilder sb, double value, SignalValueType type)
    {
        if (double.IsNaN(value)) sb.Append("null");
        else if (type == SignalValueType.Int) sb.Append(((long)value).ToString(CultureInfo.InvariantCulture));
        else sb.Append(PyFloat.Repr(value));
    }
}

/// <summary>The metadata RPv2's published signal records carry.</summary>
public sealed record ReleaseMetadata(string? Url, string Language);
