using System.Text;
using Refinery.Quality.Models;
using Refinery.Quality.Rpv2;
using Refinery.Text.MinHash;

namespace Refinery.Quality.Formats;

/// <summary>One JSON line per document in the RPv2 layout: id, id_int, quality_signals as [start, end, value] spans,
/// and the four MinHash band lists as hex (null for documents under 13 words). Byte-compatible with Python's
/// json.dumps of the same record, so files diff cleanly against RPv2 tooling output.</summary>
public static class Rpv2JsonFormat
{
    private static readonly byte[][] DocumentKeys = [.. Rpv2Catalog.DocumentSignals.Select(d => Key(d.Name))];
    private static readonly byte[][] LineKeys = [.. Rpv2Catalog.LineSignals.Select(d => Key(d.Name))];
    private static readonly byte[][] ModelKeys = [.. ModelSignalSet.SignalNames.Select(Key)];
    private static readonly byte[][] MinHashKeys = [.. MinHashBands.RpV2.Select(l => Key(l.ColumnName))];

    [ThreadStatic] private static JsonLineBuffer? _scratch;
    [ThreadStatic] private static LineSpans? _lineSpans;

    /// <summary>Writes the record, without a trailing newline, as ASCII bytes appended to <paramref name="line"/>.
    /// The model-based signals, when computed, follow the 29 document signals in <see cref="ModelSignalSet.SignalNames"/>
    /// order, before the line signals.</summary>
    /// <remarks>With <paramref name="release"/>, writes RPv2's published `.signals.json.gz` record instead: the
    /// metadata object after id_int and no MinHash (RPv2 ships signatures in separate Parquet files).</remarks>
    public static void Write(JsonLineBuffer line, DocumentSignals signals, ReleaseMetadata? release = null)
    {
        line.Append("{\"id\": "u8);
        line.AppendString(signals.Id);
        line.Append(", \"id_int\": "u8);
        line.AppendInt(signals.IdInt);
        if (release is not null) WriteMetadata(line, release);
        line.Append(", \"quality_signals\": {"u8);
        var first = true;
        foreach (var definition in Rpv2Catalog.DocumentSignals)
            DocumentSpan(line, DocumentKeys[definition.Index], signals.Length, signals.Document[definition.Index], definition.Type, ref first);
        for (var m = 0; m < (signals.ModelSignals?.Length ?? 0); m++)
            DocumentSpan(line, ModelKeys[m], signals.Length, signals.ModelSignals![m], SignalValueType.Float, ref first);
        var spans = _lineSpans ??= new LineSpans();
        spans.Write(signals.LineBounds);
        foreach (var definition in Rpv2Catalog.LineSignals) LineSignal(line, signals, spans, definition, ref first);
        if (release is not null)
        {
            line.Append("}}"u8);
            return;
        }
        line.Append("}, \"minhash\": {"u8);
        for (var k = 0; k < MinHashBands.RpV2.Count; k++)
        {
            var layout = MinHashBands.RpV2[k];
            if (k > 0) line.Append(", "u8);
            line.Append(MinHashKeys[k]);
            if (signals.MinHash is null) { line.Append("null"u8); continue; }
            line.Append((byte)'[');
            for (var b = 0; b < layout.Bands; b++)
            {
                if (b > 0) line.Append(", "u8);
                // MinHashBands.Band's bytes: the band's values big-endian, concatenated.
                line.Append((byte)'"');
                line.AppendHexBigEndian(signals.MinHash.AsSpan(b * layout.Rows, layout.Rows));
                line.Append((byte)'"');
            }
            line.Append((byte)']');
        }
        line.Append("}}"u8);
    }

    /// <summary>The same record appended to <paramref name="sb"/>.</summary>
    public static void Write(StringBuilder sb, DocumentSignals signals, ReleaseMetadata? release = null) =>
        sb.Append(ToLine(signals, release));

    public static string ToLine(DocumentSignals signals, ReleaseMetadata? release = null)
    {
        var line = _scratch ??= new JsonLineBuffer();
        line.Clear();
        Write(line, signals, release);
        return line.ToString();
    }

    private static void WriteMetadata(JsonLineBuffer line, ReleaseMetadata release)
    {
        line.Append(", \"metadata\": {\"url\": "u8);
        if (release.Url is null) line.Append("null"u8); else line.AppendString(release.Url);
        line.Append(", \"source_domain\": "u8);
        if (release.Url is null) line.Append("null"u8); else line.AppendString(Rpv2.UrlParts.Netloc(release.Url));
        line.Append(", \"language\": "u8);
        line.AppendString(release.Language);
        line.Append((byte)'}');
    }

    private static void DocumentSpan(JsonLineBuffer line, byte[] key, int length, double value, SignalValueType type, ref bool first)
    {
        if (!first) line.Append(", "u8);
        first = false;
        line.Append(key);
        line.Append("[[0, "u8);
        line.AppendInt(length);
        line.Append(", "u8);
        Value(line, value, type);
        line.Append("]]"u8);
    }

    private static void LineSignal(JsonLineBuffer line, DocumentSignals signals, LineSpans spans, SignalDefinition definition, ref bool first)
    {
        if (!first) line.Append(", "u8);
        first = false;
        line.Append(LineKeys[definition.Index]);
        if (signals.LineCount == 0)
        {
            line.Append(definition.Name == Rpv2Catalog.NoLinesNullSpanSignal ? "[[0, 0, null]]"u8 : "[]"u8);
            return;
        }
        var values = signals.Lines[definition.Index];
        var text = spans.Text;
        var ends = spans.Ends;
        line.Append((byte)'[');
        var from = 0;
        for (var l = 0; l < signals.LineCount; l++)
        {
            line.Append(text[from..ends[l]]);
            from = ends[l];
            Value(line, values[l], definition.Type);
            line.Append((byte)']');
        }
        line.Append((byte)']');
    }

    /// <summary>The start of every line's span, "[start, end, " (after ", " from the second line on), written once per
    /// document: each of the six line signals repeats them, and formatting the bounds cost more than copying them.</summary>
    private sealed class LineSpans
    {
        private readonly JsonLineBuffer _text = new(1 << 12);
        private int[] _ends = new int[256];

        public ReadOnlySpan<byte> Text => _text.Span;

        /// <summary>Where line l's opening ends in <see cref="Text"/>.</summary>
        public int[] Ends => _ends;

        public void Write(int[] bounds)
        {
            var lines = bounds.Length - 1;
            if (_ends.Length < lines) _ends = new int[Math.Max(lines, 2 * _ends.Length)];
            _text.Clear();
            for (var l = 0; l < lines; l++)
            {
                _text.Append(l == 0 ? "["u8 : ", ["u8);
                _text.AppendInt(bounds[l]);
                _text.Append(", "u8);
                _text.AppendInt(bounds[l + 1]);
                _text.Append(", "u8);
                _ends[l] = _text.Length;
            }
        }
    }

    /// <summary>The key as json.dumps writes it, with the ": " after it.</summary>
    private static byte[] Key(string name)
    {
        var line = new JsonLineBuffer(64);
        line.AppendString(name);
        line.Append(": "u8);
        return line.Span.ToArray();
    }

    private static void Value(JsonLineBuffer line, double value, SignalValueType type)
    {
        if (double.IsNaN(value)) line.Append("null"u8);
        else if (type == SignalValueType.Int) line.AppendInt((long)value);
        else line.AppendFloat(value);
    }
}

/// <summary>The metadata RPv2's published signal records carry.</summary>
public sealed record ReleaseMetadata(string? Url, string Language);
