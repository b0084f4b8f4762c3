namespace Refinery.Text.Tests.Tokenizers;

/// <summary>Compares long id or byte sequences without xUnit's element-by-element diff, which takes seconds on a
/// document's worth, and reports where they first part.</summary>
internal static class Sequences
{
    public static void AssertSame<T>(IReadOnlyList<T> expected, IReadOnlyList<T> actual, string document) where T : IEquatable<T>
    {
        var common = Math.Min(expected.Count, actual.Count);
        var first = 0;
        while (first < common && expected[first].Equals(actual[first])) first++;
        if (first == common && expected.Count == actual.Count) return;
        Assert.Fail($"sequences of {expected.Count} and {actual.Count} part at {first} " +
                    $"(expected {Show(expected, first)}, actual {Show(actual, first)}) in a document starting \"{document[..Math.Min(60, document.Length)]}\"");
    }

    private static string Show<T>(IReadOnlyList<T> items, int at) => string.Join(" ", items.Skip(at).Take(5));
}
