using System.Text;
using Refinery.Curation.Recipes;

namespace Refinery.Curation.Tests;

/// <summary>A recipe is user text parsed inside a shared process: shapes far past the limits are refused with a
/// RecipeError naming the place, never a stack overflow. Each case is parsed on a thread with a small stack, so a
/// parser that recursed once per bracket or operator would fail here rather than only on bigger input.</summary>
public sealed class RecipeLimitsTests
{
    private const int SmallStack = 256 * 1024;

    private static RecipeError Refused(string text)
    {
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try { Recipe.Parse(text, "hostile.recipe"); }
            catch (Exception ex) { thrown = ex; }
        }, SmallStack);
        thread.Start();
        thread.Join();
        return Assert.IsType<RecipeError>(thrown);
    }

    private static string Repeat(string part, int times) => new StringBuilder(part.Length * times).Insert(0, part, times).ToString();

    [Fact]
    public void DeepBrackets_AreRefused_AtTheBracketPastTheLimit()
    {
        var error = Refused("keep doc when " + Repeat("(", 30_000) + "true" + Repeat(")", 30_000));

        Assert.Contains($"nest more than {RecipeLimits.MaxNesting} deep", error.Problem);
        Assert.Equal((1, 15 + RecipeLimits.MaxNesting), (error.Line, error.Column));
    }

    [Theory]
    [InlineData("-", "1 > 0")]
    [InlineData("not ", "true")]
    [InlineData("sum(", "rps_lines_num_words")]
    public void LongUnaryChainsAndNestedCalls_AreRefused(string prefix, string core)
    {
        var error = Refused("keep doc when " + Repeat(prefix, 60_000 / prefix.Length / 2) + core);

        Assert.Contains("nest more than", error.Problem);
    }

    [Theory]
    [InlineData(" + 1")]
    [InlineData(" * 2")]
    [InlineData(" or true")]
    public void LongOperatorChains_AreRefused_ByTheirSize(string link)
    {
        var error = Refused("drop doc when rps_doc_word_count > 0" + Repeat(link, 60_000 / link.Length));

        Assert.Contains($"more than {RecipeLimits.MaxNodes:N0} values and operators", error.Problem);
    }

    [Fact]
    public void AnOperatorChainWithinTheSizeLimit_ButDeeperThanTheTreeLimit_IsRefused()
    {
        var error = Refused("keep doc when " + string.Join(" or ", Enumerable.Repeat("language == \"en\"", 300)));

        Assert.Contains($"more than {RecipeLimits.MaxDepth} operations deep", error.Problem);
    }

    [Fact]
    public void TooLongARecipe_AndTooManyRules_AreRefused()
    {
        Assert.Contains("characters long", Refused(Repeat("# padding\n", 7_000)).Problem);
        Assert.Contains($"more than {RecipeLimits.MaxRules} rules",
            Refused(Repeat("keep doc when true\n", RecipeLimits.MaxRules + 1)).Problem);
    }

    [Fact]
    public void RecipesJustWithinTheLimits_ParseAndDecide()
    {
        var nested = "keep doc when " + Repeat("(", RecipeLimits.MaxNesting - 1) + "language == \"en\"" + Repeat(")", RecipeLimits.MaxNesting - 1);
        var chain = "drop doc when " + string.Join(" or ", Enumerable.Range(0, 90).Select(i => $"rps_doc_word_count == {i}"));
        var recipe = Recipe.Parse(nested + "\n" + chain + "\n", "edge.recipe");

        static DocumentFacts English(double words) => new()
        {
            Id = $"doc-{words}", Language = "en", Document = new Dictionary<string, double> { ["rps_doc_word_count"] = words },
            Lines = new Dictionary<string, double[]>(), LineBounds = [],
        };
        var none = new Dictionary<QuantileExpr, double>();
        Assert.True(recipe.Decide(English(500), none).Kept);
        Assert.Equal(1, recipe.Decide(English(42), none).RemovedBy);
    }
}
