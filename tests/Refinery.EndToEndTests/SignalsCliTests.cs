using System.IO.Compression;
using System.Text.Json;
using Refinery.Quality.Formats;
using Refinery.TestSupport;

namespace Refinery.EndToEndTests;

/// <summary>`refinery signals` as a user runs it: the stable offline contract.</summary>
public sealed class SignalsCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "refinery-signals-cli-" + Guid.NewGuid().ToString("N"));
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public SignalsCliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task GoldenDocuments_GiveTheGoldenFile_ByteForByte()
    {
        var output = Path.Combine(_dir, "out.jsonl");

        var result = await CliProcess.RunAsync(Patience, "signals", SharedData.Path("golden", "signals_dev_docs.jsonl.gz"), "-o", output, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var summary = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(1390, summary.GetProperty("documents").GetInt64());
        Assert.Equal("1.2.0", summary.GetProperty("resources").GetProperty("stopwords-json").GetString());
        using var golden = new StreamReader(new GZipStream(File.OpenRead(SharedData.Path("golden", "signals_dev_expected.jsonl.gz")), CompressionMode.Decompress));
        Assert.Equal(await golden.ReadToEndAsync(), await File.ReadAllTextAsync(output));
    }

    [Fact]
    public async Task BadLines_AreRejectedWithFileLineAndReason_AndTheRestKeepTheirOrder()
    {
        var input = Path.Combine(_dir, "mixed.jsonl");
        await File.WriteAllLinesAsync(input,
        [
            """{"id": "a", "text": "The first document. It is fine."}""",
            """{"id": "b", "text": "broken""",
            """{"id": "c", "raw_content": "Third, with raw_content.", "language": "de"}""",
            """{"id": "d"}""",
            """{"id": "e", "text": ""}""",
        ]);
        var output = Path.Combine(_dir, "mixed.out.jsonl");

        var result = await CliProcess.RunAsync(Patience, "signals", input, "-o", output, "--json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(["a", "c", "e"], File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()));
        var rejected = File.ReadAllLines(output + ".rejected.jsonl").Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal([(2L, "malformed_json"), (4L, "missing_text")],
            rejected.Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("reason").GetString()!)));
        Assert.All(rejected, r => Assert.Equal("mixed.jsonl", r.GetProperty("file").GetString()));
    }

    [Fact]
    public async Task ParquetAndRpv2Formats_HoldTheSameDocuments()
    {
        var input = SharedData.Path("golden", "signals_dev_docs.jsonl.gz");
        var parquet = Path.Combine(_dir, "out.parquet");
        var rpv2 = Path.Combine(_dir, "out.signals.json.gz");

        var first = await CliProcess.RunAsync(Patience, "signals", input, "-o", parquet, "--format", "parquet", "--json");
        var second = await CliProcess.RunAsync(Patience, "signals", input, "-o", rpv2, "--format", "rpv2", "--json");

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first.Stderr + second.Stderr);
        await using var reader = await SignalParquetReader.OpenAsync(File.OpenRead(parquet), leaveOpen: false);
        var rows = await reader.ReadAsync().ToListAsync();
        Assert.Equal(1390, rows.Count);
        Assert.Equal("1.2.0", reader.Info.Resources["naughty-words"]);
        using var lines = new StreamReader(new GZipStream(File.OpenRead(rpv2), CompressionMode.Decompress));
        var records = new List<JsonElement>();
        while (await lines.ReadLineAsync() is { } line) records.Add(JsonDocument.Parse(line).RootElement);
        Assert.Equal(rows.Select(r => r.Signals.Id), records.Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(rows.Select(r => r.Signals.IdInt), records.Select(r => r.GetProperty("id_int").GetUInt64()));
        Assert.False(records[0].TryGetProperty("minhash", out _));
        Assert.Equal("www.example.com", records[0].GetProperty("metadata").GetProperty("source_domain").GetString());
    }
}
