using System.Text.RegularExpressions;
using Refinery.Quality.Rpv2;
using Refinery.Text;
using Refinery.Text.Unicode;

namespace Refinery.Quality.Tests.Rpv2;

public sealed class RawTokensTests
{
    [Fact]
    public void FusedPass_EqualsWordPunctAndThePlainCounts_OnRandomMixedText()
    {
        var random = new Random(3);
        var pieces = new[] { "Hello", "WORLD", "x", "ÉCOLE", "école", "ǅ", "Σ", "ß", "ﬁ", "1999", "IBM's", "C++", "...", "—", "😀", "\uD800",
            " ", "\n", "\t", "\u00A0", "\u001C", "_", "é", "Ⅻ", "ǈ", "ABC1", "abc", "!!" };
        for (var n = 0; n < 20_000; n++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 14)).Select(_ =>
                random.Next(5) == 0 ? ((char)random.Next(0, 256)).ToString() : pieces[random.Next(pieces.Length)]));
            var expected = new List<int>();
            WordPunct.Tokenize(text, expected);
            var tokens = Enumerable.Range(0, expected.Count / 2).Select(t => text[expected[2 * t]..expected[2 * t + 1]]).ToList();

            var actual = new List<int>();
            var (upper, letter) = RawTokens.Tokenize(text, actual);

            Assert.Equal(expected, actual);
            Assert.Equal(tokens.Count(t => PyUnicode.IsUpperToken(t)), upper);
            Assert.Equal(tokens.Count(t => Regex.IsMatch(t, "[a-zA-Z]")), letter);
        }
    }
}
