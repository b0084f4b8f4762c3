namespace Refinery.Curation.Recipes;

/// <summary>An expression of a rule's condition, with where it starts in the recipe.</summary>
public abstract record Expr(int Line, int Column);

public sealed record NumberExpr(double Value, int Line, int Column) : Expr(Line, Column);

public sealed record StringExpr(string Value, int Line, int Column) : Expr(Line, Column);

public sealed record BoolExpr(bool Value, int Line, int Column) : Expr(Line, Column);

/// <summary>A signal, or one of the document's facts: language, url, nlines.</summary>
public sealed record NameExpr(string Name, int Line, int Column) : Expr(Line, Column);

/// <summary>"-" or "not".</summary>
public sealed record UnaryExpr(string Op, Expr Operand, int Line, int Column) : Expr(Line, Column);

/// <summary>Arithmetic (+ - * /), comparison (== != &lt; &lt;= &gt; &gt;=) or logic (and, or).</summary>
public sealed record BinaryExpr(string Op, Expr Left, Expr Right, int Line, int Column) : Expr(Line, Column);

/// <summary>Value between Low and High, both included.</summary>
public sealed record BetweenExpr(Expr Value, Expr Low, Expr High, int Line, int Column) : Expr(Line, Column);

public sealed record InExpr(Expr Value, IReadOnlyList<Expr> Options, bool Negated, int Line, int Column) : Expr(Line, Column);

/// <summary>duplicate(fuzzy, T), duplicate(exact), or an aggregate of a line signal: sum, mean, min, max.</summary>
public sealed record CallExpr(string Name, IReadOnlyList<Expr> Arguments, int Line, int Column) : Expr(Line, Column);

/// <summary>top P% by SIGNAL (or bottom): true for the documents whose value is among the highest (lowest) P percent
/// of the documents that reach the rule.</summary>
public sealed record QuantileExpr(bool Top, double Percent, string Signal, int Line, int Column) : Expr(Line, Column);

public enum RuleAction { Keep, Drop }

public enum RuleLevel { Document, Line }

/// <summary>One rule: keep or drop a document or a line when its condition holds. Its name is the one given with
/// "rule NAME:", or "line N".</summary>
public sealed record RecipeRule(string Name, RuleAction Action, RuleLevel Level, Expr Condition, int Line, string Text)
{
    /// <summary>Whether this rule removes the document (or line) for a condition value.</summary>
    public bool Removes(bool condition) => Action == RuleAction.Keep ? !condition : condition;
}
