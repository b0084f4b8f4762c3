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
