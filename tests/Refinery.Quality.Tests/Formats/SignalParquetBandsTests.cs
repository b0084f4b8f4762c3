using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Refinery.Quality.Formats;
using Refinery.Quality.Rpv2;
using Refinery.Text.MinHash;

namespace Refinery.Quality.Tests.Formats;

public sealed class SignalParquetBandsTests
{
    [Fact]
    public void BandColumns_AreRpv2sNames_InTheCatalogThresholdOrder()
    {
        Assert.Equal(Rpv2Catalog.MinHashThresholds, MinHashBands.RpV2.Select(l => l.Threshold));
        Assert.Equal(["signature_sim1.0", "signature_sim0.9", "signature_sim0.8", "signature_sim0.7"],
            MinHashBands.RpV2.Select(l => l.ColumnName));
    }

    /// <summary>The golden RPv2 output holds every band of every setting. Its 1.0 band is the whole signature; written
    /// through the Parquet writer, each band column must hold RPv2's bytes exactly, and short documents null.</summary>
    [Fact]
    public async Task BandColumns_OfGoldenSignatures_EqualRpv2sBandBytes()
    {
        var golden = ReadGolden(120);
        Assert.Contains(golden, g => g.Bands is null);
        Assert.Contains(golden, g => g.Bands is not null);

        using var stream = new MemoryStream();
        await using (var writer = await SignalParquetWriter.CreateAsync(stream, new SignalFileInfo { Config = "rpv2" }, rowGroupDocuments: 50))
        {
            foreach (var (id, bands) in golden)
            {
                var signals = SignalsFaker.Empty(id);
                await writer.WriteAsync(new DocumentSignals
                {
                    Id = id, IdInt = 0, Length = 0, LineBounds = signals.LineBounds, Document = signals.Document, Lines = signals.Lines,
                    MinHash = bands is null ? null : SignatureOfFullBand(Convert.FromHexString(bands["signature_sim1.0"][0])),
                });
            }
            await writer.CompleteAsync();
        }

        stream.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(stream);
        foreach (var layout in MinHashBands.RpV2)
        {
            var column = await ReadBandColumnAsync(reader, layout.ColumnName);
            Assert.Equal(golden.Select(g => g.Bands?[layout.ColumnName].Select(h => h.ToLowerInvariant()).ToArray()), column);
        }
    }

    private static List<(string Id, Dictionary<string, string[]>? Bands)> ReadGolden(int count)
    {
        var documents = new List<(string, Dictionary<string, string[]>?)>();
        foreach (var line in GoldenSignalFiles.ExpectedLines().Take(count))
        {
            using var json = JsonDocument.Parse(line);
            var id = json.RootElement.GetProperty("id").GetString()!;
            var minhash = json.RootElement.GetProperty("minhash");
            var full = minhash.ValueKind == JsonValueKind.Object ? minhash.GetProperty("signature_sim1.0") : default;
            documents.Add((id, full.ValueKind != JsonValueKind.Array ? null : MinHashBands.RpV2.ToDictionary(l => l.ColumnName,
                l => minhash.GetProperty(l.ColumnName).EnumerateArray().Select(b => b.GetString()!).ToArray())));
        }
        return documents;
    }

    private static uint[] SignatureOfFullBand(byte[] band) =>
        Enumerable.Range(0, band.Length / 4).Select(i => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(band.AsSpan(i * 4))).ToArray();

    /// <summary>Every row group's band list column as hex strings per row (null for a null list).</summary>
    private static async Task<List<string[]?>> ReadBandColumnAsync(ParquetReader reader, string name)
    {
        var leaf = (DataField)((ListField)reader.Schema.Fields.Single(f => f.Name == name)).Item;
        var rows = new List<string[]?>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            var slots = (int)group.GetMetadata(leaf)!.MetaData!.NumValues;
            var values = new ReadOnlyMemory<byte>[slots];
            var definitions = new int[slots];
            var repetitions = new int[slots];
            await group.ReadRawAsync<ReadOnlyMemory<byte>>(leaf, values, definitions, repetitions, default);
            var v = 0;
            for (var i = 0; i < slots; i++)
            {
                if (repetitions[i] == 0) rows.Add(definitions[i] == 0 ? null : []);
                if (definitions[i] == leaf.MaxDefinitionLevel) rows[^1] = [.. rows[^1]!, Convert.ToHexStringLower(values[v++].Span)];
            }
        }
        return rows;
    }
}
