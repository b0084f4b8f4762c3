using System.Text.Json;
using Refinery.Curation.Recipes;
using static Refinery.Curation.Tests.GoldenSignals;

namespace Refinery.Curation.Tests;

/// <summary>Recipes decide the golden documents exactly as decisions written out here, rule by rule, from the raw
/// signal JSON (a null value fails a keep condition and never triggers a drop).</summary>
public sealed class RecipeSemanticsTests
{
    private static readonly IReadOnlyDictionary<QuantileExpr, double> NoQuantiles = new Dictionary<QuantileExpr, double>();

    /// <summary>The dataset card's gopher_rules_pass, as the index of the first rule that fails (or -1).</summary>
    private static int GopherRulesPass(JsonElement r)
    {
        var words = Doc(r, "rps_doc_word_count");
        if (!(words >= 50 && words <= 100_000)) return 0;
        var mean = Doc(r, "rps_doc_mean_word_length");
        if (!(mean >= 3 && mean <= 10)) return 1;
        if (Doc(r, "rps_doc_symbol_to_word_ratio") > 0.1) return 2;
        var bullets = Lines(r, "rps_lines_start_with_bulletpoint");
        var lines = Empty(r) ? 0 : bullets.Length;
        if (lines > 0 && bullets.Where(v => !double.IsNaN(v)).Sum() / lines > 0.9) return 3;
        if (Doc(r, "rps_doc_frac_chars_top_2gram") > 0.2) return 4;
        return -1;
    }

    [Fact]
    public void GopherRulesPass_RemovesEachDocumentByTheCardsFirstFailingRule()
    {
        var recipe = Recipe.Load("gopher-rules-pass");
        var facts = Facts(recipe);

        var actual = facts.Select(f => recipe.Decide(f, NoQuantiles).RemovedBy).ToList();

        Assert.Equal(Records.Select(GopherRulesPass).ToList(), actual);
        Assert.InRange(actual.Count(a => a < 0), 100, 1_300); // the rules keep some and remove some
        Assert.True(actual.Distinct().Count() >= 4, "most rules remove something on the golden set");
    }

    [Fact]
    public void Gopher_RemovesWhatEveryRuleOfTheTableRemoves()
    {
        var recipe = Recipe.Load("gopher");
        (string Signal, double Max)[] ceilings =
        [
            ("rps_doc_symbol_to_word_ratio", 0.1), ("rps_doc_frac_lines_end_with_ellipsis", 0.3), ("rps_doc_frac_no_alph_words", 0.2),
            ("rps_doc_frac_chars_top_2gram", 0.20), ("rps_doc_frac_chars_top_3gram", 0.18), ("rps_doc_frac_chars_top_4gram", 0.16),
            ("rps_doc_frac_chars_dupe_5grams", 0.15), ("rps_doc_frac_chars_dupe_6grams", 0.14), ("rps_doc_frac_chars_dupe_7grams", 0.13),
            ("rps_doc_frac_chars_dupe_8grams", 0.12), ("rps_doc_frac_chars_dupe_9grams", 0.11), ("rps_doc_frac_chars_dupe_10grams", 0.10),
        ];
        bool Keep(JsonElement r)
        {
            var words = Doc(r, "rps_doc_word_count");
            var mean = Doc(r, "rps_doc_mean_word_length");
            var bullets = Lines(r, "rps_lines_start_with_bulletpoint");
            var lines = Empty(r) ? 0 : bullets.Length;
            return words is >= 50 and <= 100_000 && mean is >= 3 and <= 10
                   && !(lines > 0 && bullets.Where(v => !double.IsNaN(v)).Sum() / lines > 0.9)
                   && ceilings.All(c => !(Doc(r, c.Signal) > c.Max));
        }

        var actual = Facts(recipe).Select(f => recipe.Decide(f, NoQuantiles).Kept).ToList();

        Assert.Equal(Records.Select(Keep).ToList(), actual);
    }

    [Fact]
    public void C4_KeepsTheLinesNoLineRuleRemoves_InDocumentsNoDocumentRuleRemoves()
    {
        var recipe = Recipe.Load("c4");
        var facts = Facts(recipe);
        var keptLines = 0;
        for (var i = 0; i < Records.Count; i++)
        {
            var r = Records[i];
            var verdict = recipe.Decide(facts[i], NoQuantiles);
            var documentPass = !(Doc(r, "rps_doc_num_sentences") < 3) && !(Doc(r, "rps_doc_lorem_ipsum") > 0)
                               && !(Doc(r, "rps_doc_curly_bracket") > 0) && !(Doc(r, "rps_doc_ldnoobw_words") > 0);
            Assert.Equal(documentPass, verdict.RemovedBy < 0);
            if (!documentPass) continue;
            var (terminal, words, js) = (Lines(r, "rps_lines_ending_with_terminal_punctution_mark"), Lines(r, "rps_lines_num_words"),
                Lines(r, "rps_lines_javascript_counts"));
            var expected = Empty(r) ? [] : Enumerable.Range(0, words.Length).Where(l => !(terminal[l] == 0) && !(words[l] < 5) && !(js[l] > 0)).ToList();
            Assert.Equal(expected, verdict.KeptLines);
            Assert.Equal(expected.Count == 0, verdict.Emptied);
            keptLines += expected.Count;
        }
        Assert.True(keptLines > 1_000);
    }

    [Fact]
    public void TopPercent_RanksOnlyTheDocumentsThatReachItsRule()
    {
        var recipe = Recipe.Parse("""
            rule long_enough: keep doc when rps_doc_word_count > 100
            rule most_varied: keep doc when top 25% by rps_doc_frac_unique_words
            """, "quantile");
        var facts = Facts(recipe);
        var q = Recipe.Quantiles(recipe.Rules[1].Condition).Single();
        var reaching = facts.Where(f => recipe.Decide(f, NoQuantiles, documentRules: 1).Kept).ToList();
        var thresholds = new Dictionary<QuantileExpr, double> { [q] = Recipe.Threshold(q, reaching.Select(f => f.DocumentSignal(q.Signal)).ToList()) };

        var kept = facts.Where(f => recipe.Decide(f, thresholds).Kept).ToList();

        Assert.Equal((int)Math.Ceiling(0.25 * reaching.Count), kept.Count); // no ties at the cut on this data
        var lowestKept = kept.Min(f => f.DocumentSignal(q.Signal));
        Assert.All(reaching.Except(kept), f => Assert.True(f.DocumentSignal(q.Signal) < lowestKept));
        Assert.All(kept, f => Assert.True(f.DocumentSignal("rps_doc_word_count") > 100));
    }

    [Fact]
    public void AComparisonWithNull_IsFalse_SoKeepRulesDropAndDropRulesKeep()
    {
        var facts = new DocumentFacts
        {
            Id = "d", Document = new Dictionary<string, double> { ["rps_doc_word_count"] = double.NaN },
            Lines = new Dictionary<string, double[]>(), LineBounds = [],
        };
        var none = new Dictionary<QuantileExpr, double>();

        Assert.False(Recipe.Parse("keep doc when rps_doc_word_count > 5", "r").Decide(facts, none).Kept);
        Assert.True(Recipe.Parse("drop doc when rps_doc_word_count > 5", "r").Decide(facts, none).Kept);
        Assert.True(Recipe.Parse("drop doc when rps_doc_word_count != 5", "r").Decide(facts, none).Kept);
        Assert.True(Recipe.Parse("keep doc when not rps_doc_word_count > 5", "r").Decide(facts, none).Kept);
    }
}
