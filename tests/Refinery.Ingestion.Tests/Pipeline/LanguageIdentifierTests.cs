using System.IO.Compression;
using System.Text.Json;
using Refinery.Ingestion.Language;
using Refinery.Ingestion.Tests.Language;
using Refinery.TestSupport;

namespace Refinery.Ingestion.Tests.Pipeline;

public sealed class LanguageIdentifierTests(DetectorFixture detectors) : IClassFixture<DetectorFixture>
{
    [Theory]
    [InlineData("fin", "fi", LanguageDetectorKind.Fast)]
    [InlineData("jpn", "ja", LanguageDetectorKind.Fast)]
    [InlineData("hin", "hi", LanguageDetectorKind.Fast)]
    [InlineData("vie", "vi", LanguageDetectorKind.Fast)]
    [InlineData("eng", "en", LanguageDetectorKind.Fast)]
    [InlineData("deu_1996", "de", LanguageDetectorKind.Fast)]
    [InlineData("fin", "fi", LanguageDetectorKind.Lingua)]
    [InlineData("jpn", "ja", LanguageDetectorKind.Lingua)]
    [InlineData("hin", "hi", LanguageDetectorKind.Lingua)]
    [InlineData("vie", "vi", LanguageDetectorKind.Lingua)]
    [InlineData("eng", "en", LanguageDetectorKind.Lingua)]
    [InlineData("deu_1996", "de", LanguageDetectorKind.Lingua)]
    public void Udhr_IsIdentifiedInItsLanguage(string code, string expected, LanguageDetectorKind detector)
    {
        var text = Udhr(code);

        var guess = detectors.Of(detector).Identify(text);

        Assert.Equal(expected, guess.Code);
        Assert.InRange(guess.Score, 0.5, 1.0);
    }

    [Theory]
    [InlineData(LanguageDetectorKind.Fast)]
    [InlineData(LanguageDetectorKind.Lingua)]
    public void Whitespace_IsUnknown(LanguageDetectorKind detector) =>
        Assert.Equal("unknown", detectors.Of(detector).Identify("  \n ").Code);

    [Theory]
    [InlineData(LanguageDetectorKind.Fast)]
    [InlineData(LanguageDetectorKind.Lingua)]
    public void DigitsAndPunctuation_AreUnknown(LanguageDetectorKind detector) =>
        Assert.Equal("unknown", detectors.Of(detector).Identify("12.5 % -- (3/4) ... 2026-12-07").Code);

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
