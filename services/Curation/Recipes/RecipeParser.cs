namespace Refinery.Curation.Recipes;

/// <summary>Parses a recipe: one rule per line,
/// <c>[rule NAME:] keep|drop doc|line when CONDITION</c>, where a condition combines comparisons
/// (== != &lt; &lt;= &gt; &gt;=, <c>between A and B</c>, <c>[not] in (…)</c>) with and, or, not and parentheses over
/// numbers, strings, arithmetic, signal names, language, url, nlines, <c>sum|mean|min|max(LINE_SIGNAL)</c>,
/// <c>duplicate(fuzzy, T)</c>, <c>duplicate(exact)</c> and <c>top|bottom P% by SIGNAL</c>. Names are checked later
/// (<see cref="RecipeBinder"/>); this only checks the shape.</summary>
public sealed class RecipeParser
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
        { "rule", "keep", "drop", "doc", "line", "when", "and", "or", "not", "between", "in", "top", "bottom", "by", "true", "false" };

    private readonly List<Token> _tokens;
    private readonly string _source;
    private readonly string[] _lines;
    private int _at;
    // Limits of the rule being read (RecipeLimits): nesting is the parser's own recursion, depth the tree's.
    private int _nesting, _nodes;

    private RecipeParser(string text, string source)
    {
        _source = source;
        _tokens = RecipeLexer.Tokenize(text, source);
        _lines = text.Split('\n');
    }

    public static IReadOnlyList<RecipeRule> Parse(string text, string source)
    {
        if (text.Length > RecipeLimits.MaxTextLength)
            throw new RecipeError(source, 1, 1, $"the recipe is {text.Length:N0} characters long; at most {RecipeLimits.MaxTextLength:N0}");
        var parser = new RecipeParser(text, source);
        var rules = new List<RecipeRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (parser.Peek.Kind != TokenKind.End)
        {
            if (parser.Peek.Kind == TokenKind.NewLine) { parser._at++; continue; }
            if (rules.Count == RecipeLimits.MaxRules)
                throw parser.Error(parser.Peek, $"more than {RecipeLimits.MaxRules} rules");
            var rule = parser.Rule();
            if (!names.Add(rule.Name)) throw new RecipeError(source, rule.Line, 1, $"a second rule named '{rule.Name}'");
            rules.Add(rule);
        }
        return rules;
    }

    private Token Peek => _tokens[_at];

    private Token Next() => _tokens[_at++];

    private RecipeError Error(Token at, string message) => new(_source, at.Line, at.Column, message);

    private Token Expect(string text, string what)
    {
        var token = Next();
        return token.Is(text) ? token : throw Error(token, $"expected {what}, found {token}");
    }

    private RecipeRule Rule()
    {
        var first = Peek;
        var name = $"line {first.Line}";
        if (first.Is("rule"))
        {
            Next();
            var word = Next();
            if (word.Kind != TokenKind.Word || Keywords.Contains(word.Text)) throw Error(word, $"expected the rule's name, found {word}");
            name = word.Text;
            Expect(":", "':' after the rule's name");
        }
        var actionToken = Next();
        var action = actionToken.Is("keep") ? RuleAction.Keep
            : actionToken.Is("drop") ? RuleAction.Drop
            : throw Error(actionToken, $"expected 'keep' or 'drop', found {actionToken}");
        var levelToken = Next();
        var level = levelToken.Is("doc") ? RuleLevel.Document
            : levelToken.Is("line") ? RuleLevel.Line
            : throw Error(levelToken, $"expected 'doc' or 'line', found {levelToken}");
        Expect("when", "'when'");
        _nodes = 0;
        var condition = Or();
        CheckDepth(condition);
        var end = Next();
        if (end.Kind != TokenKind.NewLine) throw Error(end, $"expected the end of the rule, found {end}");
        // The rule as written, from its action on (the name is shown apart), continuation lines joined.
        var written = _lines.Skip(actionToken.Line - 1).Take(end.Line - actionToken.Line + 1).ToArray();
        written[0] = written[0][(actionToken.Column - 1)..];
        var text = string.Join(" ", written.Select(l => l.Split('#')[0].Trim().TrimEnd('\\').Trim()));
        return new RecipeRule(name, action, level, condition, first.Line, text.Trim());
    }

    /// <summary>Counts a node of the rule's condition, refusing the rule past <see cref="RecipeLimits.MaxNodes"/>.</summary>
    private T Node<T>(T expr) where T : Expr
    {
        if (++_nodes > RecipeLimits.MaxNodes)
            throw Error(Peek, $"the condition has more than {RecipeLimits.MaxNodes:N0} values and operators");
        return expr;
    }

    /// <summary>Parses what <paramref name="inner"/> reads one level deeper, refusing past <see cref="RecipeLimits.MaxNesting"/>
    /// before the recursion can grow.</summary>
    private Expr Nested(Token at, Func<Expr> inner)
    {
        if (++_nesting > RecipeLimits.MaxNesting)
            throw Error(at, $"brackets, arguments, 'not' and '-' nest more than {RecipeLimits.MaxNesting} deep");
        try { return inner(); }
        finally { _nesting--; }
    }

    /// <summary>The condition's tree depth, measured without recursion (operator chains are built by loops, so the
    /// parser's nesting limit does not bound it).</summary>
    private void CheckDepth(Expr condition)
    {
        var stack = new Stack<(Expr Node, int Depth)>();
        stack.Push((condition, 1));
        while (stack.Count > 0)
        {
            var (node, depth) = stack.Pop();
            if (depth > RecipeLimits.MaxDepth)
                throw Error(new Token(TokenKind.Symbol, "", 0, node.Line, node.Column),
                    $"the condition is more than {RecipeLimits.MaxDepth} operations deep; split it into several rules or use 'in (…)'");
            foreach (var child in Children(node)) stack.Push((child, depth + 1));
        }
    }

    private static IEnumerable<Expr> Children(Expr node) => node switch
    {
        UnaryExpr u => [u.Operand],
        BinaryExpr b => [b.Left, b.Right],
        BetweenExpr b => [b.Value, b.Low, b.High],
        InExpr i => [i.Value, .. i.Options],
        CallExpr c => c.Arguments,
        _ => [],
    };

    private Expr Or()
    {
        var left = And();
        while (Peek.Is("or"))
        {
            var op = Next();
            left = Node(new BinaryExpr("or", left, And(), op.Line, op.Column));
        }
        return left;
    }

    private Expr And()
    {
        var left = Not();
        while (Peek.Is("and"))
        {
            var op = Next();
            left = Node(new BinaryExpr("and", left, Not(), op.Line, op.Column));
        }
        return left;
    }

    private Expr Not()
    {
        if (!Peek.Is("not")) return Comparison();
        var op = Next();
        return Node(new UnaryExpr("not", Nested(op, Not), op.Line, op.Column));
    }

    private Expr Comparison()
    {
        var left = Sum();
        var op = Peek;
        if (op.Kind == TokenKind.Symbol && op.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            Next();
            return Node(new BinaryExpr(op.Text, left, Sum(), op.Line, op.Column));
        }
        if (op.Is("between"))
        {
            Next();
            var low = Sum();
            Expect("and", "'and' between the two bounds");
            return Node(new BetweenExpr(left, low, Sum(), op.Line, op.Column));
        }
        var negated = op.Is("not") && _tokens[_at + 1].Is("in");
        if (negated) Next();
        if (!Peek.Is("in")) return left;
        Next();
        Expect("(", "'(' before the list");
        var options = new List<Expr> { Sum() };
        while (Peek.Is(",")) { Next(); options.Add(Sum()); }
        Expect(")", "')' after the list");
        return Node(new InExpr(left, options, negated, op.Line, op.Column));
    }

    private Expr Sum()
    {
        var left = Term();
        while (Peek.Kind == TokenKind.Symbol && Peek.Text is "+" or "-")
        {
            var op = Next();
            left = Node(new BinaryExpr(op.Text, left, Term(), op.Line, op.Column));
        }
        return left;
    }

    private Expr Term()
    {
        var left = Unary();
        while (Peek.Kind == TokenKind.Symbol && Peek.Text is "*" or "/")
        {
            var op = Next();
            left = Node(new BinaryExpr(op.Text, left, Unary(), op.Line, op.Column));
        }
        return left;
    }

    private Expr Unary()
    {
        if (!Peek.Is("-")) return Primary();
        var op = Next();
        return Node(new UnaryExpr("-", Nested(op, Unary), op.Line, op.Column));
    }

    private Expr Primary()
    {
        var token = Next();
        switch (token.Kind)
        {
            case TokenKind.Number: return Node(new NumberExpr(token.Number, token.Line, token.Column));
            case TokenKind.String: return Node(new StringExpr(token.Text, token.Line, token.Column));
            case TokenKind.Symbol when token.Text == "(":
                var inner = Nested(token, Or);
                Expect(")", "')'");
                return inner;
            case TokenKind.Word when token.Text is "true" or "false": return Node(new BoolExpr(token.Text == "true", token.Line, token.Column));
            case TokenKind.Word when token.Text is "top" or "bottom":
                var percent = Next();
                if (percent.Kind != TokenKind.Number || percent.Number is <= 0 or > 100)
                    throw Error(percent, $"expected a percentage in (0, 100] after '{token.Text}', found {percent}");
                Expect("%", "'%'");
                Expect("by", "'by'");
                var signal = Next();
                if (signal.Kind != TokenKind.Word) throw Error(signal, $"expected a signal name, found {signal}");
                return Node(new QuantileExpr(token.Text == "top", percent.Number, signal.Text, token.Line, token.Column));
            case TokenKind.Word when !Keywords.Contains(token.Text):
                if (!Peek.Is("(")) return Node(new NameExpr(token.Text, token.Line, token.Column));
                Next();
                var arguments = new List<Expr>();
                if (!Peek.Is(")"))
                {
                    arguments.Add(Nested(token, Or));
                    while (Peek.Is(",")) { Next(); arguments.Add(Nested(token, Or)); }
                }
                Expect(")", $"')' after the arguments of {token.Text}");
                return Node(new CallExpr(token.Text, arguments, token.Line, token.Column));
            default:
                throw Error(token, $"expected a value, a signal name or '(', found {token}");
        }
    }
}
