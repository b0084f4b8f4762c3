using Refinery.Quality.Rpv2;

namespace Refinery.Quality.Tests.Formats;

/// <summary>Random but valid <see cref="DocumentSignals"/>: consistent line bounds, one value per line for every
/// line signal, integral values for Int signals, NaN (null) sprinkled in, and no MinHash for some documents.</summary>
internal static class SignalsFaker
{
    public static DocumentSignals Document(Random random, int n)
    {
        var lineCount = random.Next(4) == 0 ? 0 : random.Next(1, 40);
        var bounds = new int[lineCount + 1];
        for (var i = 1; i < bounds.Length; i++) bounds[i] = bounds[i - 1] + random.Next(1, 200);
        var length = bounds[^1];
        return new DocumentSignals
        {
            Id = $"doc-{n}-ü-{random.Next()}",
            IdInt = (ulong)random.NextInt64() * 2 + (ulong)random.Next(2),   // exercises the top bit
            Length = length,
            LineBounds = bounds,
            Document = Rpv2Catalog.DocumentSignals.Select(s => Value(random, s.Type)).ToArray(),
            Lines = Rpv2Catalog.LineSignals.Select(s => Enumerable.Range(0, lineCount).Select(_ => Value(random, s.Type)).ToArray()).ToArray(),
            MinHash = random.Next(3) == 0 ? null : Enumerable.Range(0, 128).Select(_ => (uint)random.NextInt64(0, 1L << 32)).ToArray(),
        };
    }

    public static DocumentSignals Empty(string id) => new()
    {
        Id = id, IdInt = 0, Length = 0, LineBounds = [0],
        Document = Rpv2Catalog.DocumentSignals.Select(_ => double.NaN).ToArray(),
        Lines = Rpv2Catalog.LineSignals.Select(_ => Array.Empty<double>()).ToArray(),
        MinHash = null,
    };

    private static double Value(Random random, SignalValueType type) =>
        random.Next(8) == 0 ? double.NaN
        : type == SignalValueType.Int ? random.Next(-5, 100_000)
        : random.NextDouble() * 10 - 1;

    public static void AssertSame(DocumentSignals expected, DocumentSignals actual)
    {
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.IdInt, actual.IdInt);
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.LineBounds, actual.LineBounds);
        // Assert.Equal on doubles treats NaN as equal to NaN, which is what null round-tripping means here.
        Assert.Equal(expected.Document, actual.Document);
        Assert.Equal(expected.Lines.Length, actual.Lines.Length);
        for (var i = 0; i < expected.Lines.Length; i++) Assert.Equal(expected.Lines[i], actual.Lines[i]);
        Assert.Equal(expected.MinHash, actual.MinHash);
    }
}
