using Refinery.Text.Compression;
using Refinery.TestSupport;
using Xunit;
using ZstdSharp;

namespace Refinery.Text.Tests.Compression;

/// <summary>The libzstd decoder gives exactly ZstdSharp's bytes on real data, across frames and tiny reads, and fails
/// on truncated or foreign input with a reason, never returning a short stream as if it were whole.</summary>
public sealed class NativeZstdDecompressionStreamTests
{
    private static readonly byte[] Text = File.ReadAllBytes(SharedData.Path("web", "dev_dclm_quality_labeled.jsonl"));

    [Fact]
    public void TheSystemLibrary_IsFoundOnThisMachine() =>
        // Debian's libzstd1 is part of the base system here; without it every test below would test the fallback.
        Assert.Equal("libzstd", ZstdDecompression.Decoder);

    [Theory]
    [InlineData(1, 1 << 16)]
    [InlineData(19, 7)]
    [InlineData(3, 1)]
    public async Task RealText_DecodesToTheSameBytesAsZstdSharp(int level, int readSize)
    {
        var compressed = Compress(Text, level);
        Assert.Equal(Decode(new DecompressionStream(new MemoryStream(compressed)), readSize), await DecodeAsync(Native(compressed), readSize));
        Assert.Equal(Text, Decode(Native(compressed), readSize));
    }

    [Fact]
    public void ConcatenatedFrames_DecodeOneAfterTheOther()
    {
        var (first, second) = (Text.AsSpan(0, Text.Length / 3).ToArray(), Text.AsSpan(Text.Length / 3).ToArray());
        byte[] both = [.. Compress(first, 3), .. Compress(second, 5)];
        Assert.Equal(Text, Decode(Native(both), 4096));
    }

    [Fact]
    public void TruncatedInput_FailsInsteadOfEndingEarly()
    {
        var compressed = Compress(Text, 3);
        var truncated = compressed.AsSpan(0, compressed.Length - 100).ToArray();
        var error = Assert.Throws<InvalidDataException>(() => Decode(Native(truncated), 4096));
        Assert.Contains("zstd", error.Message);
    }

    [Fact]
    public void DamagedInput_FailsNamingTheDecodersReason()
    {
        var compressed = Compress(Text, 3);
        for (var i = 20; i < 200; i++) compressed[i] ^= 0x5A;
        var error = Assert.Throws<InvalidDataException>(() => Decode(Native(compressed), 4096));
        Assert.StartsWith("zstd: ", error.Message);
    }

    [Fact]
    public void Disposing_ClosesTheSourceUnlessLeftOpen()
    {
        var kept = new MemoryStream(Compress(Text, 1));
        ZstdDecompression.Open(kept, leaveOpen: true).Dispose();
        Assert.True(kept.CanRead);
        var closed = new MemoryStream(Compress(Text, 1));
        ZstdDecompression.Open(closed, leaveOpen: false).Dispose();
        Assert.False(closed.CanRead);
    }

    private static Stream Native(byte[] compressed) => ZstdDecompression.Open(new MemoryStream(compressed), leaveOpen: false);

    private static byte[] Compress(byte[] data, int level) => new Compressor(level).Wrap(data).ToArray();

    private static byte[] Decode(Stream stream, int readSize)
    {
        using (stream)
        {
            var output = new MemoryStream();
            var buffer = new byte[readSize];
            int read;
            while ((read = stream.Read(buffer)) > 0) output.Write(buffer, 0, read);
            return output.ToArray();
        }
    }

    private static async Task<byte[]> DecodeAsync(Stream stream, int readSize)
    {
        await using (stream)
        {
            var output = new MemoryStream();
            var buffer = new byte[readSize];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0) output.Write(buffer, 0, read);
            return output.ToArray();
        }
    }
}
