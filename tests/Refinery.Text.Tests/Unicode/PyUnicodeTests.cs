using Refinery.Text.Unicode;

namespace Refinery.Text.Tests.Unicode;

/// <summary>The places where Python's definitions differ from .NET's (specs/RPV2_SIGNALS.md §2.7).</summary>
public sealed class PyUnicodeTests
{
    [Theory]
    [InlineData(0x1C)] [InlineData(0x1F)] [InlineData(0x85)] [InlineData(0xA0)] [InlineData(0x3000)] [InlineData(0x2029)]
    public void IsSpace_IncludesPythonWhitespace(int c) => Assert.True(PyUnicode.IsSpace(c));

    [Theory]
    [InlineData(0x200B)] [InlineData(0xFEFF)] [InlineData('a')]
    public void IsSpace_ExcludesZeroWidthAndLetters(int c) => Assert.False(PyUnicode.IsSpace(c));

    [Theory]
    [InlineData('½')] [InlineData('²')] [InlineData('Ⅷ')] [InlineData('一')] [InlineData('_')] [InlineData('é')]
    public void IsWord_IncludesNumericCharactersAndUnderscore(int c) => Assert.True(PyUnicode.IsWord(c));

    [Theory]
    [InlineData(0x0301)] [InlineData(0x203F)] [InlineData('-')]
    public void IsWord_ExcludesCombiningMarksAndOtherConnectors(int c) => Assert.False(PyUnicode.IsWord(c));

    [Theory]
    [InlineData('Ⅷ')] [InlineData('Ⓐ')] [InlineData('A')]
    public void IsUpper_IncludesOtherUppercase(int c) => Assert.True(PyUnicode.IsUpper(c));

    [Theory]
    [InlineData("NASA2", true)] [InlineData("123", false)] [InlineData("ǅX", false)] [InlineData("ABc", false)] [InlineData("Ⅷ", true)]
    public void IsUpperToken_FollowsStrIsupper(string token, bool expected) => Assert.Equal(expected, PyUnicode.IsUpperToken(token));

    [Fact]
    public void CodePointCount_CountsAnAstralCharacterOnce() => Assert.Equal(3, PyUnicode.CodePointCount("a😀b"));

    [Fact]
    public void Tables_AreCPython311s() => Assert.Equal("14.0.0", PyUnicode.UnicodeVersion);
}

public sealed class Rpv2NormalizerTests
{
    [Theory]
    [InlineData("Hello, World!", "hello world")]
    [InlineData("  a \t\u001C b  ", "a b")]
    [InlineData("café", "cafe\u0301")]                       // NFD last: 5 code points
    [InlineData("İstanbul", "i\u0307stanbul")]                // full lowercase mapping expands İ
    [InlineData("ΟΔΟΣ ΟΔΟΣ.", "οδος οδος")]                    // Final_Sigma at word ends
    [InlineData("ΣΑ", "σα")]                                  // not final before a letter
    [InlineData("“quoted” — dash…", "“quoted” — dash…")]      // Unicode punctuation stays
    [InlineData("isn't it", "isnt it")]
    [InlineData("한국", "\u1112\u1161\u11AB\u1100\u116E\u11A8")] // Hangul decomposes algorithmically
    public void Normalize_FollowsRpv2Order(string input, string expected) => Assert.Equal(expected, Rpv2Normalizer.Normalize(input));

    [Fact]
    public void Normalize_OrdersCombiningMarksCanonically() =>
        // U+0323 (class 220) must come before U+0307 (class 230) whatever the input order.
        Assert.Equal("s\u0323\u0307", Rpv2Normalizer.Normalize("s\u0307\u0323"));
}

public sealed class WordPunctTests
{
    [Theory]
    [InlineData("isn't it...", new[] { "isn", "'", "t", "it", "..." })]
    [InlineData("½ cup, 2² x", new[] { "½", "cup", ",", "2²", "x" })]
    [InlineData("e\u0301t\u00E9", new[] { "e", "\u0301", "t\u00E9" })] // a combining mark is not \w in Python
    [InlineData("", new string[0])]
    public void Tokenize_SplitsWordAndPunctuationRuns(string text, string[] expected)
    {
        var bounds = new List<int>();
        WordPunct.Tokenize(text, bounds);
        var tokens = Enumerable.Range(0, bounds.Count / 2).Select(i => text[bounds[2 * i]..bounds[2 * i + 1]]).ToArray();
        Assert.Equal(expected, tokens);
    }
}
