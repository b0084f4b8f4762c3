using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Refinery.Ingestion.Options;
using Refinery.TestSupport;

namespace Refinery.Ingestion.Tests.Language;

/// <summary>A document to identify: where it comes from, its text, and its language when the source labels it.</summary>
public sealed record LanguageSample(string Set, string? Label, string Text);

/// <summary>Documents of 200+ chars from the shared multilingual and web data: UDHR translations and LibreOffice help
/// (labelled) cut into paragraph runs, and whole web pages (mostly unlabelled). A fixed, seeded sample per set and
/// language keeps the Lingua side of the comparison within a minute.</summary>
public static class LanguageSamples
{
    public const int MinChars = 200;
    private const int PerLanguage = 150;
    private static readonly HashSet<string> Configured = [.. new IngestionOptions().Languages];

    public static IReadOnlyList<LanguageSample> Load() =>
    [
        .. Udhr(), .. LibreOffice("fi"), .. LibreOffice("hi"), .. LibreOffice("ja"), .. LibreOffice("vi"),
        .. Web("dolma-cc", Lines(SharedData.Path("web", "dev_dolma_cc_licensed_pages.jsonl.gz")), _ => null),
        .. Web("dclm", Lines(SharedData.Path("web", "dev_dclm_quality_labeled.jsonl")), _ => null),
        .. Web("ccnet", Lines(SharedData.Path("web", "dev_dolma_ccnet_head_en.jsonl")),
            d => d.GetProperty("metadata").GetProperty("language").GetString()),
    ];

    /// <summary>Every UDHR translation into a configured language (by its BCP 47 tag; not Vietnamese in Han
    /// characters), as runs of paragraphs of at least 200 chars.</summary>
    private static IEnumerable<LanguageSample> Udhr()
    {
        var byLanguage = new Dictionary<string, List<string>>();
        foreach (var path in new[] { SharedData.Path("multilingual", "udhr_all_languages.jsonl.gz"), SharedData.Path("multilingual", "udhr_focus_languages.jsonl") })
        foreach (var line in Lines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var tag = doc.RootElement.GetProperty("bcp47").GetString()!;
            var language = tag.Split('-')[0];
            if (!Configured.Contains(language) || tag.EndsWith("-Hani", StringComparison.Ordinal)) continue;
            var list = byLanguage.TryGetValue(language, out var l) ? l : byLanguage[language] = [];
            list.AddRange(Runs(doc.RootElement.GetProperty("text").GetString()!.Split('\n')));
        }
        return byLanguage.SelectMany(p => Sample(p.Value).Select(t => new LanguageSample("udhr", p.Key, t)));
    }

    /// <summary>LibreOffice help in English and one other language, paragraph by paragraph, joined into runs.</summary>
    private static IEnumerable<LanguageSample> LibreOffice(string other)
    {
        var (english, translated) = (new List<string>(), new List<string>());
        foreach (var line in Lines(SharedData.Path("multilingual", $"dev_libreoffice_help_parallel_en-{other}.jsonl.gz")))
        {
            using var doc = JsonDocument.Parse(line);
            english.Add(doc.RootElement.GetProperty("en").GetString()!);
            translated.Add(doc.RootElement.GetProperty(other).GetString()!);
        }
        return Sample(Runs(english)).Select(t => new LanguageSample("libreoffice", "en", t))
            .Concat(Sample(Runs(translated)).Select(t => new LanguageSample("libreoffice", other, t)));
    }

    private static IEnumerable<LanguageSample> Web(string set, IEnumerable<string> lines, Func<JsonElement, string?> label)
    {
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var text = doc.RootElement.GetProperty("text").GetString()!;
            if (text.Length >= MinChars) yield return new LanguageSample(set, label(doc.RootElement), text);
        }
    }

    /// <summary>Consecutive paragraphs joined until the run has 200 chars.</summary>
    private static List<string> Runs(IEnumerable<string> paragraphs)
    {
        var runs = new List<string>();
        var run = new StringBuilder();
        foreach (var paragraph in paragraphs.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            run.Append(paragraph.Trim()).Append('\n');
            if (run.Length < MinChars) continue;
            runs.Add(run.ToString());
            run.Clear();
        }
        return runs;
    }

    private static IEnumerable<string> Sample(List<string> texts) =>
        texts.Count <= PerLanguage ? texts : texts.OrderBy(t => StableHash(t)).Take(PerLanguage);

    private static ulong StableHash(string text) => System.IO.Hashing.XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));

    private static IEnumerable<string> Lines(string path)
    {
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
            if (!string.IsNullOrWhiteSpace(line)) yield return line;
    }
}
