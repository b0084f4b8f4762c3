namespace Refinery.Curation.Recipes;

/// <summary>A recipe that does not parse or does not type-check, with the 1-based line and column of the problem.</summary>
public sealed class RecipeError(string source, int line, int column, string message)
    : Exception($"{source}:{line}:{column}: {message}")
{
    public string RecipeName { get; } = source;
    public int Line { get; } = line;
    public int Column { get; } = column;
    public string Problem { get; } = message;
}
