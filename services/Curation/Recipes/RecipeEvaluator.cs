namespace Refinery.Curation.Recipes;

/// <summary>Evaluates a checked condition for one document (and, in line rules, one line). A comparison with a null
/// value is false, so a keep rule drops a document whose signal is null and a drop rule keeps it; division by zero
/// gives a value every comparison is false for.</summary>
public static class RecipeEvaluator
{
    /// <param name="line">The line, for line rules; -1 in document rules.</param>
    /// <param name="thresholds">The value each quantile condition compares with (see <see cref="Recipe"/>).</param>
    public static bool Holds(Expr condition, DocumentFacts facts, int line, IReadOnlyDictionary<QuantileExpr, double> thresholds) =>
        Bool(condition, facts, line, thresholds);

    private static bool Bool(Expr expr, DocumentFacts facts, int line, IReadOnlyDictionary<QuantileExpr, double> thresholds)
    {
        switch (expr)
        {
            case BoolExpr literal: return literal.Value;
            case UnaryExpr not: return !Bool(not.Operand, facts, line, thresholds);
            case BinaryExpr { Op: "and" } and: return Bool(and.Left, facts, line, thresholds) && Bool(and.Right, facts, line, thresholds);
            case BinaryExpr { Op: "or" } or: return Bool(or.Left, facts, line, thresholds) || Bool(or.Right, facts, line, thresholds);
            case BinaryExpr { Op: "==" or "!=" } equality when IsText(equality.Left):
                var (a, b) = (Text(equality.Left, facts), Text(equality.Right, facts));
                if (a is null || b is null) return false;
                return equality.Op == "==" ? a == b : a != b;
            case BinaryExpr comparison:
                var x = Number(comparison.Left, facts, line);
                var y = Number(comparison.Right, facts, line);
                if (double.IsNaN(x) || double.IsNaN(y)) return false;
                return comparison.Op switch
                {
                    "==" => x == y, "!=" => x != y, "<" => x < y, "<=" => x <= y, ">" => x > y, ">=" => x >= y,
                    _ => throw new InvalidOperationException($"operator {comparison.Op}"),
                };
            case BetweenExpr between:
                var v = Number(between.Value, facts, line);
                return v >= Number(between.Low, facts, line) && v <= Number(between.High, facts, line);
            case InExpr @in when IsText(@in.Value):
                var text = Text(@in.Value, facts);
                return text is not null && @in.Options.Any(o => ((StringExpr)o).Value == text) != @in.Negated;
            case InExpr @in:
                var n = Number(@in.Value, facts, line);
                return !double.IsNaN(n) && @in.Options.Any(o => ((NumberExpr)o).Value == n) != @in.Negated;
            case CallExpr { Arguments: [NameExpr { Name: "exact" }] }: return facts.ExactDuplicate;
            case CallExpr { Arguments: [_, NumberExpr threshold] }: return facts.FuzzyDuplicate(threshold.Value);
            case QuantileExpr quantile:
                var value = facts.DocumentSignal(quantile.Signal);
                var bound = thresholds[quantile];
                return !double.IsNaN(value) && (quantile.Top ? value >= bound : value <= bound);
            default: throw new InvalidOperationException($"not a condition: {expr}");
        }
    }

    private static bool IsText(Expr expr) => expr is StringExpr or NameExpr { Name: SignalNames.Language or SignalNames.Url };

    private static string? Text(Expr expr, DocumentFacts facts) => expr switch
    {
        StringExpr s => s.Value,
        NameExpr { Name: SignalNames.Language } => facts.Language,
        NameExpr { Name: SignalNames.Url } => facts.Url,
        _ => throw new InvalidOperationException($"not a string: {expr}"),
    };

    private static double Number(Expr expr, DocumentFacts facts, int line)
    {
        switch (expr)
        {
            case NumberExpr n: return n.Value;
            case NameExpr { Name: SignalNames.NLines }: return facts.NLines;
            case NameExpr name when SignalNames.Document.Contains(name.Name): return facts.DocumentSignal(name.Name);
            case NameExpr name:
                return facts.Lines.TryGetValue(name.Name, out var values) && line >= 0 && line < values.Length ? values[line] : double.NaN;
            case UnaryExpr minus: return -Number(minus.Operand, facts, line);
            case BinaryExpr arithmetic:
                var (a, b) = (Number(arithmetic.Left, facts, line), Number(arithmetic.Right, facts, line));
                return arithmetic.Op switch
                {
                    "+" => a + b, "-" => a - b, "*" => a * b,
                    "/" => b == 0 ? double.NaN : a / b,
                    _ => throw new InvalidOperationException($"operator {arithmetic.Op}"),
                };
            case CallExpr aggregate:
                var signal = ((NameExpr)aggregate.Arguments[0]).Name;
                if (!facts.Lines.TryGetValue(signal, out var all)) return double.NaN;
                var present = all.Where(x => !double.IsNaN(x)).ToArray();
                return aggregate.Name switch
                {
                    "sum" => present.Sum(),
                    "mean" => present.Length == 0 ? double.NaN : present.Average(),
                    "min" => present.Length == 0 ? double.NaN : present.Min(),
                    "max" => present.Length == 0 ? double.NaN : present.Max(),
                    _ => throw new InvalidOperationException($"aggregate {aggregate.Name}"),
                };
            default: throw new InvalidOperationException($"not a number: {expr}");
        }
    }
}
