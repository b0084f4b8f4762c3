namespace Refinery.Curation.Recipes;

public enum ValueType { Number, Text, Boolean }

/// <summary>Checks a parsed recipe: every name is a known signal or fact, line signals appear only in line rules or
/// inside an aggregate, operands have the types their operators need, and each condition is true or false. Errors
/// name the line and column. Also records what the recipe reads, so a run loads only that.</summary>
public sealed class RecipeBinder
{
    private static readonly HashSet<string> Aggregates = new(StringComparer.Ordinal) { "sum", "mean", "min", "max" };
    private readonly string _source;
    private RuleLevel _level;

    private RecipeBinder(string source) => _source = source;

    public HashSet<string> DocumentSignals { get; } = new(StringComparer.Ordinal);
    public HashSet<string> LineSignals { get; } = new(StringComparer.Ordinal);
    public SortedSet<double> FuzzyThresholds { get; } = [];
    public bool UsesExactDuplicates { get; private set; }

    public static RecipeBinder Check(IReadOnlyList<RecipeRule> rules, string source)
    {
        var binder = new RecipeBinder(source);
        foreach (var rule in rules)
        {
            binder._level = rule.Level;
            var type = binder.TypeOf(rule.Condition);
            if (type != ValueType.Boolean)
                throw binder.Error(rule.Condition, $"the condition of rule '{rule.Name}' is a {Describe(type)}, not true or false");
        }
        return binder;
    }

    private RecipeError Error(Expr at, string message) => new(_source, at.Line, at.Column, message);

    private static string Describe(ValueType type) => type switch
    {
        ValueType.Number => "number", ValueType.Text => "string", _ => "true/false value",
    };

    private ValueType TypeOf(Expr expr)
    {
        switch (expr)
        {
            case NumberExpr: return ValueType.Number;
            case StringExpr: return ValueType.Text;
            case BoolExpr: return ValueType.Boolean;
            case NameExpr name: return Name(name);
            case UnaryExpr { Op: "-" } minus: return Expect(minus.Operand, ValueType.Number, "'-'");
            case UnaryExpr not: return Expect(not.Operand, ValueType.Boolean, "'not'");
            case BinaryExpr { Op: "and" or "or" } logic:
                Expect(logic.Left, ValueType.Boolean, $"'{logic.Op}'");
                Expect(logic.Right, ValueType.Boolean, $"'{logic.Op}'");
                return ValueType.Boolean;
            case BinaryExpr { Op: "+" or "-" or "*" or "/" } arithmetic:
                Expect(arithmetic.Left, ValueType.Number, $"'{arithmetic.Op}'");
                Expect(arithmetic.Right, ValueType.Number, $"'{arithmetic.Op}'");
                return ValueType.Number;
            case BinaryExpr { Op: "==" or "!=" } equality:
                var left = TypeOf(equality.Left);
                if (left == ValueType.Boolean) throw Error(equality.Left, $"'{equality.Op}' compares numbers or strings, not true/false values");
                Expect(equality.Right, left, $"'{equality.Op}' with a {Describe(left)} on its left");
                return ValueType.Boolean;
            case BinaryExpr order:
                Expect(order.Left, ValueType.Number, $"'{order.Op}'");
                Expect(order.Right, ValueType.Number, $"'{order.Op}'");
                return ValueType.Boolean;
            case BetweenExpr between:
                Expect(between.Value, ValueType.Number, "'between'");
                Expect(between.Low, ValueType.Number, "'between'");
                Expect(between.High, ValueType.Number, "'between'");
                return ValueType.Boolean;
            case InExpr @in:
                var value = TypeOf(@in.Value);
                if (value == ValueType.Boolean) throw Error(@in.Value, "'in' looks up numbers or strings, not true/false values");
                foreach (var option in @in.Options)
                {
                    if (option is not (NumberExpr or StringExpr)) throw Error(option, "the list after 'in' holds numbers or strings written out");
                    Expect(option, value, $"'in' with a {Describe(value)} on its left");
                }
                return ValueType.Boolean;
            case CallExpr call: return Call(call);
            case QuantileExpr quantile:
                if (_level == RuleLevel.Line) throw Error(quantile, "'top'/'bottom' ranks documents and works in document rules only");
                if (!SignalNames.Document.Contains(quantile.Signal)) throw Error(quantile, Unknown(quantile.Signal, "document signal"));
                DocumentSignals.Add(quantile.Signal);
                return ValueType.Boolean;
            default:
                throw Error(expr, "unsupported expression");
        }
    }

    private ValueType Expect(Expr expr, ValueType expected, string context)
    {
        var type = TypeOf(expr);
        return type == expected ? type : throw Error(expr, $"{context} needs a {Describe(expected)} here, not a {Describe(type)}");
    }

    private ValueType Name(NameExpr name)
    {
        switch (name.Name)
        {
            case SignalNames.Language or SignalNames.Url: return ValueType.Text;
            case SignalNames.NLines:
                DocumentSignals.Add("ccnet_nlines");
                return ValueType.Number;
        }
        if (SignalNames.Document.Contains(name.Name))
        {
            DocumentSignals.Add(name.Name);
            return ValueType.Number;
        }
        if (!SignalNames.Line.Contains(name.Name)) throw Error(name, Unknown(name.Name, "signal"));
        if (_level == RuleLevel.Document)
            throw Error(name, $"'{name.Name}' is a line signal; a document rule can use sum({name.Name}), mean(…), min(…) or max(…)");
        LineSignals.Add(name.Name);
        return ValueType.Number;
    }

    private static string Unknown(string name, string what) =>
        SignalNames.Suggest(name) is { } suggestion ? $"unknown {what} '{name}' (did you mean '{suggestion}'?)" : $"unknown {what} '{name}'";

    private ValueType Call(CallExpr call)
    {
        if (Aggregates.Contains(call.Name))
        {
            if (call.Arguments is not [NameExpr signal]) throw Error(call, $"{call.Name}(…) takes one line signal");
            if (!SignalNames.Line.Contains(signal.Name)) throw Error(signal, Unknown(signal.Name, "line signal"));
            LineSignals.Add(signal.Name);
            return ValueType.Number;
        }
        if (call.Name != "duplicate") throw Error(call, $"unknown function '{call.Name}' (there are duplicate, sum, mean, min and max)");
        switch (call.Arguments)
        {
            case [NameExpr { Name: "exact" }]:
                UsesExactDuplicates = true;
                return ValueType.Boolean;
            case [NameExpr { Name: "fuzzy" }, NumberExpr { Value: > 0 and <= 1 } threshold]:
                FuzzyThresholds.Add(threshold.Value);
                return ValueType.Boolean;
            default:
                throw Error(call, "duplicate(…) takes 'exact', or 'fuzzy' and a threshold in (0, 1], e.g. duplicate(fuzzy, 0.8)");
        }
    }
}
