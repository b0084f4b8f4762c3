using System.Globalization;

namespace Refinery.Curation.Recipes;

public enum TokenKind { Word, Number, String, Symbol, NewLine, End }

/// <summary>One token with where it starts (1-based line and column).</summary>
public readonly record struct Token(TokenKind Kind, string Text, double Number, int Line, int Column)
{
    public bool Is(string text) => Kind is TokenKind.Word or TokenKind.Symbol && Text == text;

    public override string ToString() => Kind switch
    {
        TokenKind.End => "the end of the recipe",
        TokenKind.NewLine => "the end of the line",
        TokenKind.String => $"\"{Text}\"",
        _ => $"'{Text}'",
    };
}

/// <summary>Splits a recipe into words (names and keywords), numbers, double-quoted strings, symbols and line ends.
/// '#' starts a comment to the end of the line; a line ending in '\' continues on the next.</summary>
public static class RecipeLexer
{
    private static readonly string[] Symbols = ["==", "!=", "<=", ">=", "<", ">", "(", ")", ",", ":", "%", "+", "-", "*", "/"];

    public static List<Token> Tokenize(string text, string source)
    {
        var tokens = new List<Token>();
        int line = 1, lineStart = 0, i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var column = i - lineStart + 1;
            if (c == '\n')
            {
                tokens.Add(new Token(TokenKind.NewLine, "\n", 0, line, column));
                i++;
                line++;
                lineStart = i;
            }
            else if (c == '\\' && (i + 1 == text.Length || text[i + 1] is '\n' or '\r'))
            {
                i += i + 1 < text.Length && text[i + 1] == '\r' ? 3 : 2;
                line++;
                lineStart = i;
            }
            else if (char.IsWhiteSpace(c)) i++;
            else if (c == '#') while (i < text.Length && text[i] != '\n') i++;
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                tokens.Add(new Token(TokenKind.Word, text[start..i], 0, line, column));
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] is '.' or '_')) i++;
                if (i < text.Length && text[i] is 'e' or 'E')
                {
                    i++;
                    if (i < text.Length && text[i] is '+' or '-') i++;
                    while (i < text.Length && char.IsAsciiDigit(text[i])) i++;
                }
                var literal = text[start..i].Replace("_", "");
                if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    throw new RecipeError(source, line, column, $"'{text[start..i]}' is not a number");
                tokens.Add(new Token(TokenKind.Number, text[start..i], value, line, column));
            }
            else if (c == '"')
            {
                var end = text.IndexOf('"', i + 1);
                var newline = text.IndexOf('\n', i + 1);
                if (end < 0 || (newline >= 0 && newline < end)) throw new RecipeError(source, line, column, "a string without its closing '\"'");
                tokens.Add(new Token(TokenKind.String, text[(i + 1)..end], 0, line, column));
                i = end + 1;
            }
            else if (Symbols.FirstOrDefault(s => string.CompareOrdinal(text, i, s, 0, s.Length) == 0) is { } symbol)
            {
                tokens.Add(new Token(TokenKind.Symbol, symbol, 0, line, column));
                i += symbol.Length;
            }
            else throw new RecipeError(source, line, column, $"unexpected character '{c}'");
        }
        tokens.Add(new Token(TokenKind.NewLine, "\n", 0, line, i - lineStart + 1));
        tokens.Add(new Token(TokenKind.End, "", 0, line, i - lineStart + 1));
        return tokens;
    }
}
