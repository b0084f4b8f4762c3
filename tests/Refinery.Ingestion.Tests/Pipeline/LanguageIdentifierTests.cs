using System.IO.Compression;
using System.Text.Json;
using Refinery.Ingestion.Language;
using Refinery.Ingestion.Tests.Language;
using Refinery.TestSupport;

namespace Refinery.Ingestion.Tests.Pipeline;

public sealed class LanguageIdentifierTests(DetectorFixture detectors) : IClassFixture<DetectorFixture>
{
    /// <summary>Every detector ingestion can run: each case below is checked against all of them.</summary>
    private static readonly LanguageDetectorKind[] Detectors = Enum.GetValues<LanguageDetectorKind>();

    /// <summary>A UDHR translation's code in the shared data and the language it must be identified as.</summary>
    private static readonly (string Code, string Expected)[] UdhrLanguages =
        [("fin", "fi"), ("jpn", "ja"), ("hin", "hi"), ("vie", "vi"), ("eng", "en"), ("deu_1996", "de")];

    public static TheoryData<string, string, LanguageDetectorKind> UdhrCases()
    {
        var cases = new TheoryData<string, string, LanguageDetectorKind>();
        foreach (var detector in Detectors)
            foreach (var (code, expected) in UdhrLanguages) cases.Add(code, expected, detector);
        return cases;
    }

    public static TheoryData<LanguageDetectorKind> EachDetector() => new(Detectors);

    [Theory]
    [MemberData(nameof(UdhrCases))]
    public void Udhr_IsIdentifiedInItsLanguage(string code, string expected, LanguageDetectorKind detector)
    {
        var text = Udhr(code);

        var guess = detectors.Of(detector).Identify(text);

        Assert.Equal(expected, guess.Code);
        Assert.InRange(guess.Score, 0.5, 1.0);
    }

    [Theory]
    [MemberData(nameof(EachDetector))]
    public void Whitespace_IsUnknown(LanguageDetectorKind detector) =>
        Assert.Equal("unknown", detectors.Of(detector).Identify("  \n ").Code);

    [Theory]
    [MemberData(nameof(EachDetector))]
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
