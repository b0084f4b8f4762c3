namespace Refinery.Text.Tests;

public sealed class PyFloatTests
{
    [Theory]
    [InlineData(1.0 / 512, 0.00195312)]   // exact tie, rounds to even
    [InlineData(3.0 / 512, 0.00585938)]   // exact tie, rounds to even
    [InlineData(0.123456785, 0.12345678)] // not a tie in binary: 0.12345678499999… rounds down
    [InlineData(-0.5, -0.5)]
    [InlineData(1e-9, 0.0)]
    [InlineData(123456.987654321, 123456.98765432)]
    public void Round8_MatchesPythonRound(double x, double expected) => Assert.Equal(expected, PyFloat.Round8(x));

    [Theory]
    [InlineData(2.675, 2, 2.67)] // the binary value is below 2.675
    [InlineData(0.25, 1, 0.2)]
    [InlineData(0.35, 1, 0.3)]   // 0.34999…
    [InlineData(1234.55, 1, 1234.5)]
    [InlineData(2.5, 0, 2.0)]
    public void Round_MatchesPythonRound(double x, int digits, double expected) => Assert.Equal(expected, PyFloat.Round(x, digits));

    [Theory]
    [InlineData(-1e-10)]
    [InlineData(-4e-9)]
    public void Round8_NegativeTinyValue_KeepsNegativeZero(double x)
    {
        Assert.True(double.IsNegative(PyFloat.Round8(x)));
        Assert.Equal("-0.0", PyFloat.Repr(PyFloat.Round8(x)));
    }

    [Fact]
    public void Round8_FastPath_AgreesWithExactArithmetic_OnRandomRatiosAndTies()
    {
        var random = new Random(7);
        for (var i = 0; i < 200_000; i++)
        {
            var x = (i % 4) switch
            {
                0 => random.NextDouble(),
                1 => (double)random.Next(0, 100_000) / random.Next(1, 5_000),      // the ratios signals produce
                2 => random.Next(0, 1 << 20) / 1024.0 / 1024.0 / 512.0,             // dyadic values, ties included
                _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-12, 12)),
            };
            Assert.Equal(PyFloat.RoundExact(x), PyFloat.Round8(x));
        }
    }

    [Theory]
    [InlineData(1e-05, "1e-05")]
    [InlineData(1.5e16, "1.5e+16")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00012, "0.00012")]
    [InlineData(123.456, "123.456")]
    [InlineData(2.0, "2.0")]
    [InlineData(-0.5, "-0.5")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(12345678.9, "12345678.9")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(0.0, "0.0")]
    public void Repr_MatchesPythonRepr(double x, string expected) => Assert.Equal(expected, PyFloat.Repr(x));

    /// <summary>The allocation-free writer the JSON output uses must give Repr's text for every value: the signals'
    /// ratios, integers, the 1e-4 and 1e15/1e16 borders where Python switches notation, and extremes.</summary>
    [Fact]
    public void ReprUtf8_WritesWhatReprReturns()
    {
        var random = new Random(11);
        var values = new List<double>
        {
            0.0, -0.0, 1.0, -1.0, 2.0, 1e-4, 9.999999999999999e-5, 1e-5, 1e15, 1e15 - 1, 1e16, 1.5e16, 123456789012345.0,
            5e-324, double.MaxValue, double.Epsilon, 0.1 + 0.2, 1.0 / 3, double.NaN, double.PositiveInfinity, double.NegativeInfinity,
        };
        for (var i = 0; i < 20_000; i++)
        {
            values.Add(PyFloat.Round8((double)random.Next(0, 100_000) / random.Next(1, 5_000)));
            values.Add(random.Next(-1_000_000, 1_000_000));
            values.Add((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 20)));
        }
        Span<byte> buffer = stackalloc byte[32];
        foreach (var x in values)
        {
            var written = PyFloat.ReprUtf8(x, buffer);
            Assert.Equal(PyFloat.Repr(x), System.Text.Encoding.ASCII.GetString(buffer[..written]));
        }
    }
}
