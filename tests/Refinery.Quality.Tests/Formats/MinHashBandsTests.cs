using System.IO.Compression;
using System.Text.Json;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.TestSupport;

namespace Refinery.Quality.Tests.Formats;

public sealed class MinHashBandsTests
{
    [Fact]
    public void Layouts_FollowTheCatalogThresholds_InRpv2ColumnOrder()
    {
        Assert.Equal(Rpv2Catalog.MinHashThresholds, MinHashBands.Layouts.Select(l => l.Threshold));
        Assert.Equal(["signature_sim1.0", "signature_sim0.9", "signature_sim0.8", "signature_sim0.7"],
            MinHashBands.Layouts.Select(l => l.Column));
        Assert.All(MinHashBands.Layouts, l => Assert.True(l.Bands * l.Rows <= MinHashBands.SignatureLength));
    }

    [Fact]
    public void Split_WritesEachValueBigEndian_InBandOrder()
    {
        var signature = Enumerable.Range(0, 128).Select(i => (uint)(0x01020300 + i)).ToArray();

        var bands = MinHashBands.Split(signature, MinHashBands.Layouts[3]);

        Assert.Equal(14, bands.Length);
        Assert.All(bands, b => Assert.Equal(36, b.Length));
        Assert.Equal(new byte[] { 1, 2, 3, 0, 1, 2, 3, 1 }, bands[0][..8]);
        Assert.Equal(new byte[] { 1, 2, 3, 9 }, bands[1][..4]);   // band 1 starts at value 9
    }

    [Fact]
    public void FromFullBand_InvertsTheOneBandSetting()
    {
        var signature = Enumerable.Range(0, 128).Select(i => (uint)(i * 2_654_435_761L)).ToArray();

        Assert.Equal(signature, MinHashBands.FromFullBand(MinHashBands.Split(signature, MinHashBands.Layouts[0])[0]));
    }

    /// <summary>The golden RPv2 output holds every band of every setting: the 1.0 band gives the signature, and
    /// splitting it again must give RPv2's bytes for the 0.9, 0.8 and 0.7 settings exactly.</summary>
    [Fact]
    public void Split_OfTheGoldenSignatures_EqualsRpv2BandsForEverySetting()
    {
        using var file = File.OpenRead(SharedData.Path("golden", "signals_dev_expected.jsonl.gz"));
        using var reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress));
        var checkedDocuments = 0;
        while (reader.ReadLine() is { } line && checkedDocuments < 200)
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.GetProperty("minhash") is not { ValueKind: JsonValueKind.Object } minhash) continue;
            if (minhash.GetProperty("signature_sim1.0").ValueKind == JsonValueKind.Null) continue;
            var full = Convert.FromHexString(minhash.GetProperty("signature_sim1.0")[0].GetString()!);
            var signature = MinHashBands.FromFullBand(full);
            foreach (var layout in MinHashBands.Layouts)
            {
                var expected = minhash.GetProperty(layout.Column).EnumerateArray().Select(b => b.GetString()!).ToArray();
                var actual = MinHashBands.Split(signature, layout).Select(Convert.ToHexStringLower).ToArray();
                Assert.Equal(expected.Select(e => e.ToLowerInvariant()), actual);
            }
            checkedDocuments++;
        }
        Assert.True(checkedDocuments > 50, $"only {checkedDocuments} golden documents had signatures");
    }
}
