using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Refinery.Ingestion.Text;

namespace Refinery.Ingestion.Readers;

/// <summary>Reads JSON Lines: one object a line with a text field (falling back to raw_content, then content),
/// optional id (string or number) and url, other short scalar fields kept as <see cref="RawDocument.Meta"/>.</summary>
/// <remarks>Hot path: lines are parsed in place from a pooled window with <see cref="Utf8JsonReader"/>; the only
/// per-line allocations are the strings the document keeps.</remarks>
public sealed class JsonlReader : IDocumentReader
{
    private const int MaxMetaFields = 16;
    private const int MaxMetaValueBytes = 256;
    private static readonly JsonReaderOptions JsonOptions = new() { MaxDepth = 128 };

    public string Format => "jsonl";

    public async IAsyncEnumerable<ReadItem> ReadAsync(Stream source, string sourceName, ReaderOptions options,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        var fields = new Fields(options);
        using var window = new ByteWindow(source, 1024 * 1024);
        long line = 0;
        var scanned = 0;
        while (true)
        {
            var newline = FindNewline(window, ref scanned);
            if (newline >= 0)
            {
                ct.ThrowIfCancellationRequested();
                line++;
                var item = ParseLine(window.Available[..newline], line, fields, options);
                window.Advance(newline + 1);
                scanned = 0;
                if (item is { } found) yield return found;
                continue;
            }

            if (window.Length > options.MaxRecordBytes)
            {
                // Never buffer a runaway line: drop bytes until its newline.
                line++;
                scanned = 0;
                var ended = await SkipPastNewlineAsync(window, ct).ConfigureAwait(false);
                if (!ended && window.Damage is { } brokenInside)
                {
                    yield return ReadItem.Reject(line, brokenInside.Reason, brokenInside.Message);
                    yield break;
                }
                yield return ReadItem.Reject(line, RejectReasons.OversizedDocument,
                    $"line longer than MaxRecordBytes ({options.MaxRecordBytes} bytes); skipped");
                continue;
            }

            if (await window.FillAsync(ct).ConfigureAwait(false)) continue;

            if (window.Damage is { } damage)
            {
                // The incomplete line in the window is part of the damage; everything before it was already read.
                yield return ReadItem.Reject(line + 1, damage.Reason, damage.Message);
                yield break;
            }
            if (window.Length > 0)
            {
                line++;
                var last = ParseLine(window.Available, line, fields, options);
                window.Advance(window.Length);
                if (last is { } found) yield return found;
            }
            yield break;
        }
    }

    private static int FindNewline(ByteWindow window, ref int scanned)
    {
        var available = window.Available;
        var index = available[scanned..].IndexOf((byte)'\n');
        if (index >= 0) return scanned + index;
        scanned = available.Length;
        return -1;
    }

    private static async ValueTask<bool> SkipPastNewlineAsync(ByteWindow window, CancellationToken ct)
    {
        while (true)
        {
            var index = window.Available.IndexOf((byte)'\n');
            if (index >= 0)
            {
                window.Advance(index + 1);
                return true;
            }
            window.Advance(window.Length);
            if (!await window.FillAsync(ct).ConfigureAwait(false)) return false;
        }
    }

    /// <summary>Parses one line (without its '\n'); null for a blank line, which is not a record.</summary>
    internal static ReadItem? ParseLine(ReadOnlySpan<byte> line, long number, Fields fields, ReaderOptions options)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r') line = line[..^1];
        if (number == 1 && line.StartsWith("\uFEFF"u8)) line = line[3..];
        if (line.IndexOfAnyExcept(" \t\r\f\v"u8) < 0) return null;
        if (line.Length > options.MaxRecordBytes)
            return ReadItem.Reject(number, RejectReasons.OversizedDocument,
                $"line of {line.Length} bytes is longer than MaxRecordBytes ({options.MaxRecordBytes})");

        if (Utf8.IsValid(line)) return Parse(line, number, 0, fields, options);

        var rented = ArrayPool<byte>.Shared.Rent(checked(line.Length * 3));
        try
        {
            var length = Utf8Text.Sanitize(line, rented, out var invalid);
            return Parse(rented.AsSpan(0, length), number, invalid, fields, options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static ReadItem Parse(ReadOnlySpan<byte> line, long number, int invalidUtf8, Fields fields, ReaderOptions options)
    {
        var reader = new Utf8JsonReader(line, JsonOptions);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                var kind = reader.TokenType;
                reader.Skip();
                while (reader.Read()) { }   // a valid non-object value is not_an_object; garbage after it is malformed
                return ReadItem.Reject(number, RejectReasons.NotAnObject, $"line is a JSON {Describe(kind)}, not an object");
            }

            string? text = null, rawContent = null, content = null, id = null, url = null;
            string? wrongType = null;
            Dictionary<string, string>? meta = null;

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = fields.Match(ref reader);
                reader.Read();
                switch (field)
                {
                    case Field.Text:
                        text = ReadText(ref reader, fields.TextName, ref wrongType);
                        break;
                    case Field.RawContent:
                        if (text is null) rawContent = ReadText(ref reader, "raw_content", ref wrongType);
                        break;
                    case Field.Content:
                        if (text is null) content = ReadText(ref reader, "content", ref wrongType);
                        break;
                    case Field.Id:
                        id = reader.TokenType switch
                        {
                            JsonTokenType.String => reader.GetString(),
                            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                            _ => null,
                        };
                        break;
                    case Field.Url:
                        url = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                        break;
                    default:
                        AddMeta(ref reader, fields, ref meta);
                        break;
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
            if (reader.Read())   // throws for anything but whitespace after the object
                return ReadItem.Reject(number, RejectReasons.MalformedJson, "unexpected content after the object");

            var chosen = text ?? rawContent ?? content;
            if (chosen is null)
                return ReadItem.Reject(number, RejectReasons.MissingText, wrongType is null
                    ? $"no '{fields.TextName}', 'raw_content' or 'content' string field"
                    : $"field '{wrongType}' is not a string");
            if (string.IsNullOrWhiteSpace(chosen))
                return ReadItem.Reject(number, RejectReasons.EmptyText, "text is empty or whitespace only");
            if (chosen.Length > options.MaxDocumentChars)
                return ReadItem.Reject(number, RejectReasons.OversizedDocument,
                    $"text of {chosen.Length} chars is longer than MaxDocumentChars ({options.MaxDocumentChars})");
            return ReadItem.Of(new RawDocument(id, chosen, url, number, invalidUtf8, meta));
        }
        catch (JsonException ex)
        {
            return ReadItem.Reject(number, RejectReasons.MalformedJson, $"at byte {ex.BytePositionInLine} of the line: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            return ReadItem.Reject(number, RejectReasons.MalformedJson, ex.Message);
        }
    }

    private static string? ReadText(ref Utf8JsonReader reader, string name, ref string? wrongType)
    {
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        if (reader.TokenType != JsonTokenType.Null) wrongType ??= name;
        return null;
    }

    private static void AddMeta(ref Utf8JsonReader reader, Fields fields, ref Dictionary<string, string>? meta)
    {
        var name = fields.PendingName;
        if (name is null || (meta?.Count ?? 0) >= MaxMetaFields) return;
        string? value = reader.TokenType switch
        {
            JsonTokenType.String when reader.ValueSpan.Length <= MaxMetaValueBytes => reader.GetString(),
            JsonTokenType.Number when reader.ValueSpan.Length <= MaxMetaValueBytes => Encoding.UTF8.GetString(reader.ValueSpan),
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => null,
        };
        if (value is null) return;
        (meta ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = value;
    }

    private static string Describe(JsonTokenType kind) => kind switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => kind.ToString(),
    };

    internal enum Field { Other, Text, RawContent, Content, Id, Url }

    /// <summary>Field names as UTF-8 for allocation-free matching, and a small cache of other property names for Meta keys.</summary>
    internal sealed class Fields(ReaderOptions options)
    {
        private const int MaxCachedNames = 64;
        private readonly byte[] _text = Encoding.UTF8.GetBytes(options.TextField);
        private readonly byte[] _id = Encoding.UTF8.GetBytes(options.IdField);
        private readonly byte[] _url = Encoding.UTF8.GetBytes(options.UrlField);
        private readonly List<(byte[] Utf8, string Name)> _names = [];

        public string TextName { get; } = options.TextField;

        /// <summary>The name of the last property matched as <see cref="Field.Other"/>.</summary>
        public string? PendingName { get; private set; }

        public Field Match(ref Utf8JsonReader reader)
        {
            PendingName = null;
            if (reader.ValueTextEquals(_text)) return Field.Text;
            if (reader.ValueTextEquals(_id)) return Field.Id;
            if (reader.ValueTextEquals(_url)) return Field.Url;
            if (reader.ValueTextEquals("raw_content"u8)) return Field.RawContent;
            if (reader.ValueTextEquals("content"u8)) return Field.Content;
            PendingName = NameOf(ref reader);
            return Field.Other;
        }

        private string NameOf(ref Utf8JsonReader reader)
        {
            if (reader.ValueIsEscaped) return reader.GetString()!;
            var span = reader.ValueSpan;
            foreach (var (utf8, name) in _names)
            {
                if (span.SequenceEqual(utf8)) return name;
            }
            var created = reader.GetString()!;
            if (_names.Count < MaxCachedNames) _names.Add((span.ToArray(), created));
            return created;
        }
    }
}
