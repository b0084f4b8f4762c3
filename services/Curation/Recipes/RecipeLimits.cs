namespace Refinery.Curation.Recipes;

/// <summary>How big a recipe may be. A recipe is user text run inside a shared process, so its parser, binder and
/// evaluator must never recurse without bound (a stack overflow ends the process and every service in it) nor build
/// unbounded trees: the parser refuses a recipe past any of these while it reads it.</summary>
public static class RecipeLimits
{
    /// <summary>Characters of recipe text (the gateway refuses longer ones too).</summary>
    public const int MaxTextLength = 65_536;

    /// <summary>Rules in one recipe.</summary>
    public const int MaxRules = 256;

    /// <summary>How deep brackets, function arguments, 'not' and unary '-' may nest in one condition.</summary>
    public const int MaxNesting = 32;

    /// <summary>How deep one condition's tree may be, counting the operands of operator chains ("a or b or c" is 3
    /// deep): bounds the recursion of everything that walks the tree after the parser.</summary>
    public const int MaxDepth = 200;

    /// <summary>Values, names and operators in one rule's condition.</summary>
    public const int MaxNodes = 2_000;
}
