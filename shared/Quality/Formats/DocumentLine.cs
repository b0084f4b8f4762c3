using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Refinery.Quality.Formats;

/// <summary>The fields of one JSON Lines document that signals read: <c>id</c> (string or number), <c>text</c> (else
/// <c>raw_content</c>), <c>url</c>, the language (<c>language</c>, or ingestion's <c>lang</c>) and its score
/// (<c>language_score</c> or <c>lang_score</c>). Other fields are skipped unread.</summary>
public readonly record struct DocumentLine(string? Id, string? Text, string? Url, string? Language, double? LanguageScore)
{
    internal const int MaxDepth = 256;
    private static readonly JsonReaderOptions Options = new() { MaxDepth = MaxDepth };

    /// <summary>Parses one line of UTF-8. Invalid UTF-8 is replaced by U+FFFD, as a decoding reader would.
    /// Throws <see cref="JsonException"/> for malformed JSON and <see cref="InvalidDataException"/> when the line is not an object.</summary>
    /// <remarks>Most lines take <see cref="DocumentLineScanner"/>'s fast path; it hands every other line to the reader.</remarks>
    public static DocumentLine Parse(ReadOnlySpan<byte> utf8) =>
        DocumentLineScanner.TryParse(utf8, out var line) ? line : ParseWithReader(utf8);

    /// <summary>The reference parse with Utf8JsonReader, which decides every line the fast path declines.</summary>
    internal static DocumentLine ParseWithReader(ReadOnlySpan<byte> utf8) =>
        Utf8.IsValid(utf8) ? ParseValid(utf8) : ParseValid(Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(utf8)));

    private static DocumentLine ParseValid(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, Options);
        try
        {
            if (!reader.Read()) throw new JsonException("the line holds no JSON value");
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                while (reader.Read()) { }   // garbage after a valid non-object is malformed, not merely "not an object"
                throw new InvalidDataException("the line is not a JSON object");
            }
            string? id = null, text = null, rawContent = null, url = null, language = null, lang = null;
            double? score = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = Field(ref reader);
                reader.Read();
                switch (field)
                {
                    case Name.Id:
                        id = reader.TokenType switch
                        {
                            JsonTokenType.String => reader.GetString(),
                            JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                            _ => null,
                        };
                        break;
                    case Name.Text: text = StringOrNull(ref reader); break;
                    case Name.RawContent: rawContent = StringOrNull(ref reader); break;
                    case Name.Url: url = StringOrNull(ref reader); break;
                    case Name.Language: language = StringOrNull(ref reader); break;
                    case Name.Lang: lang = StringOrNull(ref reader); break;
                    case Name.Score: score = reader.TokenType == JsonTokenType.Number ? reader.GetDouble() : null; break;
                }
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
            if (reader.Read()) throw new JsonException("unexpected content after the object");
            return new DocumentLine(id, text ?? rawContent, url, language ?? lang, score);
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader reports some malformed escapes this way.
            throw new JsonException(ex.Message, ex);
        }
    }

    [ThreadStatic] private static byte[]? _unescaped;

    /// <summary>reader.GetString(), without its per-call rented buffer that is zeroed on return: a document's text is
    /// mostly escaped (newlines, quotes) and kilobytes long, so that clearing cost as much as the unescaping. Escapes
    /// are decoded into a reused buffer (never longer than the escaped text) with the reader's own rules and errors.</summary>
    private static string? StringOrNull(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String) return null;
        if (!reader.ValueIsEscaped) return Encoding.UTF8.GetString(reader.ValueSpan);
        var length = reader.ValueSpan.Length;
        if (_unescaped is null || _unescaped.Length < length) _unescaped = new byte[Math.Max(length, 64 * 1024)];
        var written = reader.CopyString(_unescaped);
        return Encoding.UTF8.GetString(_unescaped, 0, written);
    }

    private enum Name { Other, Id, Text, RawContent, Url, Language, Lang, Score }

    private static Name Field(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("text"u8) ? Name.Text
        : reader.ValueTextEquals("id"u8) ? Name.Id
        : reader.ValueTextEquals("url"u8) ? Name.Url
        : reader.ValueTextEquals("raw_content"u8) ? Name.RawContent
        : reader.ValueTextEquals("language"u8) ? Name.Language
        : reader.ValueTextEquals("lang"u8) ? Name.Lang
        : reader.ValueTextEquals("language_score"u8) || reader.ValueTextEquals("lang_score"u8) ? Name.Score
        : Name.Other;
}
