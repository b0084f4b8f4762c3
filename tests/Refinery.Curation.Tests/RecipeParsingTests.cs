using Refinery.Curation.Recipes;

namespace Refinery.Curation.Tests;

public sealed class RecipeParsingTests
{
    [Fact]
    public void TheIssuesExamples_Parse_IntoNamedDocumentAndLineRules()
    {
        var recipe = Recipe.Parse("""
            # document rules first
            rule sane_length: keep doc when rps_doc_word_count between 50 and 100000 and rps_doc_mean_word_length between 3 and 10 and not duplicate(fuzzy, 0.8)
            drop line when rps_lines_ending_with_terminal_punctution_mark == 0
            rule english: keep doc when language in ("en", "de") or url == "https://example.org/"
            rule best: keep doc when top 30% by rps_doc_ml_wikiref_score
            rule bullets: drop doc when sum(rps_lines_start_with_bulletpoint) / nlines > 0.9 \
                and -rps_doc_word_count < -1e2
            """, "test.recipe");

        Assert.Equal(["sane_length", "line 3", "english", "best", "bullets"], recipe.Rules.Select(r => r.Name));
        Assert.Equal([RuleLevel.Document, RuleLevel.Line, RuleLevel.Document, RuleLevel.Document, RuleLevel.Document], recipe.Rules.Select(r => r.Level));
        Assert.Equal([RuleAction.Keep, RuleAction.Drop, RuleAction.Keep, RuleAction.Keep, RuleAction.Drop], recipe.Rules.Select(r => r.Action));
        Assert.Equal([3], recipe.QuantileRules);
        Assert.Equal([0.8], recipe.Needs.FuzzyThresholds);
        Assert.Contains("rps_doc_ml_wikiref_score", recipe.Needs.DocumentSignals);
        Assert.Contains("rps_lines_start_with_bulletpoint", recipe.Needs.LineSignals);
        Assert.Equal("drop doc when sum(rps_lines_start_with_bulletpoint) / nlines > 0.9 and -rps_doc_word_count < -1e2", recipe.Rules[4].Text);
    }

    [Theory]
    [InlineData("keep doc when rps_doc_wordcount > 50", 1, 15, "unknown signal 'rps_doc_wordcount' (did you mean 'rps_doc_word_count'?)")]
    [InlineData("\n\nrule x: drop doc when rps_lines_num_words < 5", 3, 23, "'rps_lines_num_words' is a line signal; a document rule can use sum(rps_lines_num_words)")]
    [InlineData("keep doc when language > 3", 1, 15, "'>' needs a number here, not a string")]
    [InlineData("keep doc when rps_doc_word_count == \"many\"", 1, 37, "'==' with a number on its left needs a number here, not a string")]
    [InlineData("keep doc when rps_doc_word_count", 1, 15, "is a number, not true or false")]
    [InlineData("keep doc rps_doc_word_count > 1", 1, 10, "expected 'when', found 'rps_doc_word_count'")]
    [InlineData("keep doc when (rps_doc_word_count > 1", 1, 38, "expected ')', found the end of the line")]
    [InlineData("keep page when true", 1, 6, "expected 'doc' or 'line', found 'page'")]
    [InlineData("keep doc when count(rps_lines_num_words) > 1", 1, 15, "unknown function 'count'")]
    [InlineData("keep doc when duplicate(fuzzy)", 1, 15, "duplicate(…) takes 'exact', or 'fuzzy' and a threshold")]
    [InlineData("drop line when top 10% by rps_doc_word_count", 1, 16, "works in document rules only")]
    [InlineData("keep doc when top 150% by rps_doc_word_count", 1, 19, "expected a percentage in (0, 100]")]
    [InlineData("rule a: keep doc when true\nrule a: keep doc when false", 2, 1, "a second rule named 'a'")]
    [InlineData("keep doc when rps_doc_word_count > 5 $", 1, 38, "unexpected character '$'")]
    [InlineData("keep doc when url == \"open", 1, 22, "a string without its closing")]
    public void ABadRecipe_FailsNamingLineColumnAndProblem(string text, int line, int column, string problem)
    {
        var error = Assert.Throws<RecipeError>(() => Recipe.Parse(text, "bad.recipe"));

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Contains(problem, error.Message);
        Assert.StartsWith($"bad.recipe:{line}:{column}: ", error.Message);
    }

    [Fact]
    public void EveryBuiltInRecipe_Parses()
    {
        Assert.Equal(["c4", "dedup-only", "gopher", "gopher-rules-pass", "none"], Recipe.BuiltInNames);
        Assert.All(Recipe.BuiltInNames, name => Assert.Equal(name, Recipe.Load(name).Name));
        Assert.Empty(Recipe.Load("none").Rules);
        Assert.Equal(15, Recipe.Load("gopher").Rules.Count);
    }

    [Fact]
    public void TheRecipeHash_FollowsItsText()
    {
        Assert.Equal(Recipe.Parse("keep doc when true", "a").Sha256, Recipe.Parse("keep doc when true", "b").Sha256);
        Assert.NotEqual(Recipe.Parse("keep doc when true", "a").Sha256, Recipe.Parse("keep doc when false", "a").Sha256);
    }
}
