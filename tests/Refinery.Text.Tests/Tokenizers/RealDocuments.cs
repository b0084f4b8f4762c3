using System.Text.Json;
using Refinery.TestSupport;

namespace Refinery.Text.Tests.Tokenizers;

/// <summary>Texts from ../shared/data: English web pages (DCLM's labelled sample, CCNet documents) and the Universal
/// Declaration of Human Rights in its focus languages (Arabic, Hindi, Japanese, Chinese, …), so multi-byte
/// characters and the merges that split them are covered.</summary>
internal static class RealDocuments
{
    private static readonly Lazy<IReadOnlyList<string>> Texts = new(Read);

    public static IReadOnlyList<string> All => Texts.Value;

    private static List<string> Read()
    {
        var texts = new List<string>();
        foreach (var file in new[]
                 {
                     SharedData.Path("web", "dev_dclm_quality_labeled.jsonl"),
                     SharedData.Path("web", "dev_dolma_ccnet_head_en.jsonl"),
                     SharedData.Path("multilingual", "udhr_focus_languages.jsonl"),
                 })
            foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
            {
                using var document = JsonDocument.Parse(line);
                texts.Add(document.RootElement.GetProperty("text").GetString()!);
            }
        return texts;
    }
}
