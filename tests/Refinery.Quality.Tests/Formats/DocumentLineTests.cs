using System.Text;
using System.Text.Json;
using Refinery.Quality.Formats;

namespace Refinery.Quality.Tests.Formats;

/// <summary>The text field is unescaped into a reused buffer instead of through Utf8JsonReader.GetString; the strings
/// must be the same as the reader's, and a bad escape must still make the line malformed.</summary>
public sealed class DocumentLineTests
{
    [Theory]
    [InlineData("plain text, nothing escaped")]
    [InlineData("line one\nline two\t\"quoted\" back\\slash")]
    [InlineData("caf\u00e9 \u4e2d\u6587 \U0001F600 end")]
    [InlineData("")]
    public void Text_EqualsTheReadersString(string text)
    {
        foreach (var asciiOnly in new[] { false, true })
        {
            // ensure_ascii-style escapes (\u00e9, surrogate pairs) and raw UTF-8 both occur in real files.
            var options = new JsonSerializerOptions { Encoder = asciiOnly ? null : System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            var line = Encoding.UTF8.GetBytes($"{{\"id\": \"a\", \"text\": {JsonSerializer.Serialize(text, options)}}}");
            Assert.Equal(text, DocumentLine.Parse(line).Text);
        }
    }

    [Fact]
    public void LongEscapedTexts_OneAfterAnother_AreEachExact()
    {
        // Longer than the reused buffer's first size, then shorter again: no bytes of the earlier text leak in.
        var random = new Random(3);
        foreach (var length in new[] { 100_000, 10, 70_000, 3 })
        {
            var text = new string([.. Enumerable.Range(0, length).Select(_ => "ab\n\"é"[random.Next(5)])]);
            var line = Encoding.UTF8.GetBytes($"{{\"text\": {JsonSerializer.Serialize(text)}}}");
            Assert.Equal(text, DocumentLine.Parse(line).Text);
        }
    }

    [Theory]
    [InlineData("{\"text\": \"lone \\ud800 surrogate\"}")]
    [InlineData("{\"text\": \"bad \\x escape\"}")]
    public void BadEscape_IsMalformed(string line) =>
        Assert.ThrowsAny<JsonException>(() => DocumentLine.Parse(Encoding.UTF8.GetBytes(line)));
}
