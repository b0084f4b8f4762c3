using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Tests.Rpv2;

public sealed class LineSignalsTests
{
    [Fact]
    public void AsciiFastPath_EqualsNormalisingTheLine_OnRandomAsciiLines()
    {
        var random = new Random(11);
        var pieces = new[] { "javascript", "JavaScript.", "java-script", "javascripts", "x", "42", "3.14", " ", "\t", "\u001C", "...", "!!", "a.b", "(JS)", "\r", "\n", "\v", "\0" };
        var lines = new LineSignals();
        for (var n = 0; n < 20_000; n++)
        {
            var line = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ =>
                random.Next(4) == 0 ? ((char)random.Next(0, 128)).ToString() : pieces[random.Next(pieces.Length)]));
            Assert.Equal(lines.NormalizedStatistics(line), LineSignals.AsciiLineStatistics(line, out var upper));
            Assert.Equal(LineSignals.CountUpper(line), upper);
        }
    }

    [Fact]
    public void MixedFastPath_EqualsNormalisingTheLine_WhereverItTakesTheLine()
    {
        // Web text's non-ASCII (quotes, dashes, no-break spaces, accented and Cyrillic letters, CJK) beside characters
        // that change case or length, numerals, marks, Σ and characters that become ASCII: the fast path must agree
        // with normalising the line, or decline it.
        var random = new Random(13);
        var pieces = new[] { "javascript", "JavaScript", "java\u2019script", "x", "42", " ", "\t", "\n", "...", "\u00A0", "\u2003",
            "\u3000", "\u0085", "\u1680", "\u2028", "\u2019", "\u201C", "\u2014", "\u2026", "\u2022", "\u00E9", "\u00C9", "e\u0301",
            "\u00DF", "\u0130", "\u212A", "\u03A3", "\u03C3", "\u00BD", "\u00B2", "\u0663", "\u4E00", "\uAC00", "\u0416", "\u0436",
            "\u1E9E", "\uFB01", "\u2160", "\u24B6", "\u0345", "\uD83D\uDE00", "\u00AD", "\u200B", "\uFEFF" };
        var lines = new LineSignals();
        var taken = 0;
        for (var n = 0; n < 30_000; n++)
        {
            var line = string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => random.Next(5) == 0
                ? ((char)random.Next(0, 0x3000)).ToString()
                : pieces[random.Next(pieces.Length)]));
            if (!LineSignals.MixedLineStatistics(line, out var words, out var javascript, out var numeric, out var length, out var upper))
                continue;
            taken++;
            Assert.Equal(lines.NormalizedStatistics(line), (words, javascript, numeric, length));
            Assert.Equal(LineSignals.CountUpper(line), upper);
        }
        Assert.True(taken > 5_000, $"the fast path took {taken} lines");
    }

    [Theory]
    [InlineData("L\u2019\u00E9t\u00E9 \u2014 caf\u00E9\u00A0JavaScript\n", true, 4)]
    [InlineData("\u041F\u0440\u0438\u0432\u0435\u0442, \u043C\u0438\u0440!", true, 2)]
    [InlineData("Emoji \uD83D\uDE00 here", false, 0)]
    [InlineData("\u00C9cole", true, 1)]
    [InlineData("\u212Aelvin", false, 0)]
    public void MixedFastPath_TakesWebTextsNonAscii_AndDeclinesWhatItCannotTell(string line, bool taken, int words)
    {
        Assert.Equal(taken, LineSignals.MixedLineStatistics(line, out var w, out _, out _, out _, out _));
        if (taken) Assert.Equal(words, w);
    }

    [Theory]
    [InlineData("Please enable JavaScript. javascript!\n", 4, 2)]
    [InlineData("javascript:void(0)", 1, 0)]
    [InlineData(" ... !!! \n", 0, 0)]
    public void AsciiFastPath_CountsWordsAndJavascript(string line, int words, int javascript)
    {
        var (w, j, _, _) = LineSignals.AsciiLineStatistics(line, out _);
        Assert.Equal((words, javascript), (w, j));
    }
}
