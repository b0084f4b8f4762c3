using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Refinery.Curation.Recipes;

/// <summary>What a recipe decided for one document: kept, or removed by a document rule (its index) or because line
/// rules removed every line; and for a kept document with line rules, which lines stay and how many each line rule removed.</summary>
public sealed record Verdict(int RemovedBy, bool Emptied, IReadOnlyList<int>? KeptLines, int[]? LinesRemoved)
{
    public bool Kept => RemovedBy < 0 && !Emptied;
}

/// <summary>A parsed and checked recipe. Document rules apply first, in order, and the first that removes a document
/// is the one charged with it; line rules then remove lines from the documents that remain (a line goes when any line
/// rule removes it, charged to the first), and a document left with no line is removed as emptied. A quantile
/// condition (<c>top 30% by S</c>) ranks the documents that reach its rule, so a run with quantiles reads the input once
/// more per quantile rule (<see cref="QuantileRules"/>).</summary>
public sealed class Recipe
{
    public const string BuiltInPrefix = "recipes/";

    private Recipe(string name, string text, IReadOnlyList<RecipeRule> rules, RecipeBinder needs)
    {
        Name = name;
        Text = text;
        Rules = rules;
        Needs = needs;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        QuantileRules = Enumerable.Range(0, rules.Count).Where(i => Quantiles(rules[i].Condition).Any()).ToArray();
    }

    public string Name { get; }
    public string Text { get; }
    public string Sha256 { get; }
    public IReadOnlyList<RecipeRule> Rules { get; }
    /// <summary>The signals, duplicate thresholds and facts the recipe reads.</summary>
    public RecipeBinder Needs { get; }
    /// <summary>Indexes of the document rules with a quantile condition, in order.</summary>
    public IReadOnlyList<int> QuantileRules { get; }
    public bool HasLineRules => Rules.Any(r => r.Level == RuleLevel.Line);

    public static IReadOnlyList<string> BuiltInNames { get; } = typeof(Recipe).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(BuiltInPrefix, StringComparison.Ordinal)).Select(n => n[BuiltInPrefix.Length..^".recipe".Length]).Order().ToArray();

    /// <summary>Parses and checks <paramref name="text"/>; <paramref name="name"/> names it in errors.</summary>
    public static Recipe Parse(string text, string name)
    {
        text = text.Replace("\r\n", "\n");
        var rules = RecipeParser.Parse(text, name);
        var needs = RecipeBinder.Check(rules, name);
        return new Recipe(name, text, rules, needs);
    }

    /// <summary>A built-in recipe by name (gopher, gopher-rules-pass, c4, dedup-only, none), or a recipe file.</summary>
    public static Recipe Load(string nameOrPath)
    {
        using var stream = typeof(Recipe).Assembly.GetManifestResourceStream($"{BuiltInPrefix}{nameOrPath}.recipe");
        if (stream is not null) return Parse(new StreamReader(stream, Encoding.UTF8).ReadToEnd(), nameOrPath);
        if (!File.Exists(nameOrPath))
            throw new FileNotFoundException($"'{nameOrPath}' is neither a built-in recipe ({string.Join(", ", BuiltInNames)}) nor a file", nameOrPath);
        return Parse(File.ReadAllText(nameOrPath, Encoding.UTF8), nameOrPath);
    }

    public static IEnumerable<QuantileExpr> Quantiles(Expr expr) => expr switch
    {
        QuantileExpr q => [q],
        UnaryExpr u => Quantiles(u.Operand),
        BinaryExpr b => Quantiles(b.Left).Concat(Quantiles(b.Right)),
        _ => [],
    };

    /// <summary>Applies the document rules before <paramref name="documentRules"/> (all by default) and, when all
    /// apply, the line rules.</summary>
    public Verdict Decide(DocumentFacts facts, IReadOnlyDictionary<QuantileExpr, double> thresholds, int documentRules = int.MaxValue)
    {
        for (var r = 0; r < Rules.Count && r < documentRules; r++)
        {
            var rule = Rules[r];
            if (rule.Level == RuleLevel.Document && rule.Removes(RecipeEvaluator.Holds(rule.Condition, facts, -1, thresholds)))
                return new Verdict(r, false, null, null);
        }
        if (documentRules < Rules.Count || !HasLineRules) return new Verdict(-1, false, null, null);

        var removed = new int[Rules.Count];
        var kept = new List<int>(facts.LineCount);
        for (var line = 0; line < facts.LineCount; line++)
        {
            var by = -1;
            for (var r = 0; r < Rules.Count && by < 0; r++)
                if (Rules[r].Level == RuleLevel.Line && Rules[r].Removes(RecipeEvaluator.Holds(Rules[r].Condition, facts, line, thresholds)))
                    by = r;
            if (by < 0) kept.Add(line);
            else removed[by]++;
        }
        return new Verdict(-1, kept.Count == 0, kept, removed);
    }

    /// <summary>The value a quantile condition compares with, from the values of the documents that reach its rule:
    /// the value of the document at rank ⌈P% × n⌉ from the top (or bottom). Ties at that value are all included;
    /// documents without a value are not ranked and never pass. NaN when no document has a value.</summary>
    public static double Threshold(QuantileExpr quantile, List<double> values)
    {
        values.RemoveAll(double.IsNaN);
        if (values.Count == 0) return double.NaN;
        values.Sort();
        return values[checked((int)ThresholdIndex(quantile, values.Count))];
    }

    /// <summary>Where the threshold of a quantile condition sits among <paramref name="ranked"/> values sorted
    /// ascending: rank ⌈P% × n⌉ (at least 1) counted from the top, or from the bottom.</summary>
    public static long ThresholdIndex(QuantileExpr quantile, long ranked)
    {
        var rank = Math.Max(1, (long)Math.Ceiling(quantile.Percent / 100 * ranked));
        return quantile.Top ? ranked - rank : rank - 1;
    }
}
