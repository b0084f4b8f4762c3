using Refinery.Quality.Models;

namespace Refinery.Quality.Tests.Models;

/// <summary>Models trained once per test run on real subsets of the shared data, kept small for test time.</summary>
internal static class RealModels
{
    private static readonly Lazy<KneserNeyModel> Lm = new(() => SignalModelBuilder.BuildLanguageModel(new ModelBuildInputs
    {
        Name = "ccnet",
        Reference = TestCorpora.WikiText("wikitext2_valid.txt"),
        Web = TestCorpora.Records("web", "dev_dclm_quality_labeled.jsonl").Select(r => r.GetProperty("text").GetString()!).ToList(),
        CreatedAt = TestCorpora.FixedTime,
    }));

    public static KneserNeyModel LanguageModel => Lm.Value;

    /// <summary>Reference: WikiText-2 valid + 40 State of the Union addresses + Moby-Dick; web: DCLM low-quality pages.</summary>
    public static ModelBuildInputs ClassifierInputs(string name) => new()
    {
        Name = name,
        Reference = [.. TestCorpora.WikiText("wikitext2_valid.txt").Where(p => p.Length > 200), .. TestCorpora.Sotu().Take(40), .. TestCorpora.MobyDick()],
        Web = TestCorpora.LowQualityWeb(),
        CreatedAt = TestCorpora.FixedTime,
        Seed = 7,
    };
}
