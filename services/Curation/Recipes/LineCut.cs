using System.Text;

namespace Refinery.Curation.Recipes;

/// <summary>A text cut to its kept lines. RPv2's line spans count code points, so they are mapped to UTF-16 first.</summary>
public static class LineCut
{
    public static string Apply(string text, int[] bounds, IReadOnlyList<int> keptLines)
    {
        var offsets = new List<int>(text.Length + 1);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1) offsets.Add(i);
        offsets.Add(text.Length);
        int At(int codePoint) => offsets[Math.Min(codePoint, offsets.Count - 1)];
        var cut = new StringBuilder(text.Length);
        foreach (var line in keptLines) cut.Append(text, At(bounds[line]), At(bounds[line + 1]) - At(bounds[line]));
        return cut.ToString();
    }
}
