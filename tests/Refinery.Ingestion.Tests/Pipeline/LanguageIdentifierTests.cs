using System.IO.Compression;
using System.Text.Json;
using Refinery.TestSupport;

namespace Refinery.Ingestion.Tests.Pipeline;

public sealed class LanguageIdentifierTests(LanguageFixture languages) : IClassFixture<LanguageFixture>
{
    [Theory]
    [InlineData("fin", "fi")]
    [InlineData("jpn", "ja")]
    [InlineData("hin", "hi")]
    [InlineData("vie", "vi")]
    [InlineData("eng", "en")]
    [InlineData("deu_1996", "de")]
    public void Udhr_IsIdentifiedInItsLanguage(string code, string expected)
    {
        var text = Udhr(code);

        var guess = languages.Identifier.Value.Identify(text);

        Assert.Equal(expected, guess.Code);
        Assert.InRange(guess.Score, 0.5, 1.0);
    }

    [Fact]
    public void Whitespace_IsUnknown() => Assert.Equal("unknown", languages.Identifier.Value.Identify("  \n ").Code);

    private static string Udhr(string code)
    {
        using var file = File.OpenRead(SharedData.Path("multilingual", "udhr_all_languages.jsonl.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        while (reader.ReadLine() is { } line)
        {
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.GetProperty("code").GetString() == code) return doc.RootElement.GetProperty("text").GetString()!;
        }
        throw new InvalidOperationException($"UDHR {code} not in the shared data");
    }
}
