using Refinery.Quality.Models;

namespace Refinery.Quality.Tests.Models;

/// <summary>
/// <see cref="ModelSignalSet.Compute"/> analyses a document once for all models (one normalisation, one tokenisation,
/// hashed features shared); each model's string API is the straightforward definition (per-line normalisation and
/// tokenisation for the LM, the joined lines for the classifiers, string features). The two must agree bit for bit.
/// </summary>
public sealed class ModelSignalSetEquivalenceTests
{
    private static readonly Lazy<(KneserNeyModel Lm, HashedNGramClassifier Wikiref, HashedNGramClassifier Palm, DsirModel Books, DsirModel Owt)> Models = new(() =>
    (
        RealModels.LanguageModel,
        // 2^20 buckets (a mask) and a prime count (a modulo): both ways of reducing a feature hash.
        SignalModelBuilder.BuildClassifier(RealModels.ClassifierInputs("wikiref"), new ClassifierOptions(Epochs: 2)),
        SignalModelBuilder.BuildClassifier(RealModels.ClassifierInputs("palm"), new ClassifierOptions(Buckets: 100_003, Epochs: 2)),
        SignalModelBuilder.BuildDsir(RealModels.ClassifierInputs("books")),
        SignalModelBuilder.BuildDsir(RealModels.ClassifierInputs("openwebtext"), buckets: 7_919)
    ));

    /// <summary>Web pages, the UDHR in many scripts (accents, combining marks, non-Latin digits, CJK), and edge cases
    /// of line breaks and whitespace.</summary>
    public static TheoryData<string> Corpora() => ["ccnet-head", "dclm", "boilerplate", "udhr", "edge-cases"];

    private static IEnumerable<string> Documents(string corpus) => corpus switch
    {
        "ccnet-head" => TestCorpora.Jsonl("text", "web", "dev_dolma_ccnet_head_en.jsonl").Take(150),
        "dclm" => TestCorpora.Jsonl("text", "web", "dev_dclm_quality_labeled.jsonl").Take(150),
        "boilerplate" => TestCorpora.BoilerplatePages().Take(150),
        "udhr" => TestCorpora.Jsonl("text", "multilingual", "udhr_focus_languages.jsonl").Select(t => t.Length > 20_000 ? t[..20_000] : t),
        _ =>
        [
            "The Ship\r\nSAILED 1851\r\n\r\nwest", "line one\u2028line two\u2029three\u0085four\ffive\vsix",
            "  \n\n  leading and trailing  \n", " ", "\n", "x", "Café naïve résumé Ångström 2024-05-01",
            "ٱلْعَرَبِيَّة ٣٤٥ and ४५६ and １２３", "emoji 😀 in 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text", "e\u0301 combining, \u00E9 precomposed",
            "ΣΊΣΥΦΟΣ and İstanbul and ß", "word,punct!!... (brackets) [x] \"quotes\" — dash",
        ],
    };

    [Theory]
    [MemberData(nameof(Corpora))]
    public void Compute_EqualsEachModelsStringDefinition(string corpus)
    {
        var (lm, wikiref, palm, books, owt) = Models.Value;
        var set = new ModelSignalSet([lm, wikiref, palm, books, owt]);
        var actual = new double[ModelSignalSet.SignalNames.Count];
        var count = 0;
        foreach (var text in Documents(corpus))
        {
            set.Compute(text, "en", 0.5, actual);
            var expected = Expected(text, lm, wikiref, palm, books, owt);
            for (var i = 0; i < expected.Length; i++)
                Assert.True(expected[i].Equals(actual[i]),
                    $"{ModelSignalSet.SignalNames[i]}: {expected[i]:R} ≠ {actual[i]:R} for document {count} of {corpus}");
            count++;
        }
        Assert.True(count >= 10, $"only {count} documents in {corpus}");
    }

    private static double[] Expected(string text, KneserNeyModel lm, HashedNGramClassifier wikiref, HashedNGramClassifier palm,
        DsirModel books, DsirModel owt)
    {
        var values = Enumerable.Repeat(double.NaN, ModelSignalSet.SignalNames.Count).ToArray();
        values[0] = 0.5;
        if (text.Length == 0) return values;
        values[1] = lm.Perplexity(text);
        values[2] = lm.Bucket(values[1]);
        values[3] = wikiref.Score(text);
        values[4] = palm.Score(text);
        (values[6], values[9]) = books.Compute(text);
        (values[8], values[11]) = owt.Compute(text);
        return values;
    }
}
