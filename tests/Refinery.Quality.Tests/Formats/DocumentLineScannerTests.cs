using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Refinery.Quality.Formats;
using Refinery.TestSupport;

namespace Refinery.Quality.Tests.Formats;

/// <summary>The fast path must give exactly what Utf8JsonReader gives for every line it accepts, and decline every
/// line the reader rejects or would decode differently, so that <see cref="DocumentLine.Parse"/> is unchanged.</summary>
public sealed class DocumentLineScannerTests
{
    public static TheoryData<string> RealFiles() =>
    [
        "golden/signals_dev_docs.jsonl.gz",
        "dedup/dev_neardup_docs.jsonl.gz",
        "web/dev_dolma_ccnet_head_en.jsonl",   // nested metadata objects and arrays
        "web/dev_dclm_quality_labeled.jsonl",
        "multilingual/udhr_focus_languages.jsonl",
        "reference/moby_dick_chapters.jsonl.gz",
    ];

    [Theory]
    [MemberData(nameof(RealFiles))]
    public void RealDocuments_TakeTheFastPath_AndEqualTheReaders(string file)
    {
        var lines = ReadLines(file);
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            // As written, and re-escaped to ASCII the way Python's json.dumps does (\u escapes, surrogate pairs for emoji).
            var ascii = Encoding.UTF8.GetBytes(JsonNode.Parse(line)!.ToJsonString());
            foreach (var utf8 in new[] { line, ascii })
            {
                if (!DocumentLineScanner.TryParse(utf8, out var fast)) Assert.Fail($"declined: {Encoding.UTF8.GetString(utf8)}");
                Assert.Equal(DocumentLine.ParseWithReader(utf8), fast);
            }
        }
    }

    [Theory]
    [InlineData("""{"text":"a\nb\"c\\d\/e\tf\rg\bh\fi\u0000j"}""")]
    [InlineData("""{"text":"\ud83d\ude00 \u00e9\u4E2D \uD83D\uDE00 caf\u00E9"}""")]
    [InlineData("""{"url":"https://a.b/","text":"t","id":"i","language":"fr"}""")]
    [InlineData("""{"id":"a","extra":{"x":[1,2,{"y":"\ud800"}],"z":{}},"n":null,"b":true,"f":false,"num":-1.5e+3,"text":"t"}""")]
    [InlineData("""{"id": 12345, "text": "x"}""")]
    [InlineData("""{"id": -0.5E-10, "text": ""}""")]
    [InlineData("""{"id": true, "text": "x"}""")]
    [InlineData("""{"id": ["a"], "text": "x"}""")]
    [InlineData("""{"text":"x","language_score":0.75,"lang":"de","lang_score":1}""")]
    [InlineData("""{"text":"x","lang_score":"high"}""")]
    [InlineData("""{"text":"a","text":"b"}""")]
    [InlineData("""{"language_score": 1e400, "text": "x"}""")]
    [InlineData("""{"text":"a","text":5}""")]
    [InlineData("""{"raw_content":"r","text":null}""")]
    [InlineData("""{}""")]
    [InlineData(" \t{ \"text\" :\t\"x\" , \"id\":\"y\"\r}  \r")]
    [InlineData("""{"skipped":"a lone \ud800 is checked only when decoded","text":"x"}""")]
    [InlineData("""{"TEXT":"other case","texts":"longer","tex":"shorter"}""")]
    public void UsualLines_TakeTheFastPath(string line)
    {
        var utf8 = Encoding.UTF8.GetBytes(line);
        Assert.True(DocumentLineScanner.TryParse(utf8, out var fast));
        Assert.Equal(DocumentLine.ParseWithReader(utf8), fast);
    }

    [Theory]
    [InlineData("""{"text":"lone \ud800 high"}""")]
    [InlineData("""{"text":"low first \udc00\ud800"}""")]
    [InlineData("""{"text":"high then letter \ud800\u0041"}""")]
    [InlineData("""{"id":"lone \udfff"}""")]
    [InlineData("""{"text":"bad \x escape"}""")]
    [InlineData("""{"text":"short \u12"}""")]
    [InlineData("""{"other":"bad \q escape","text":"x"}""")]
    [InlineData("""{"te\u0078t":"an escaped key the reader matches"}""")]
    [InlineData("{\"text\":\"raw\ttab\"}")]
    [InlineData("""{"text":"x",}""")]
    [InlineData("""{"text":"x"} trailing""")]
    [InlineData("""{"text":"x"}{}""")]
    [InlineData("""["text"]""")]
    [InlineData("\"text\"")]
    [InlineData("""{"text":"x" """)]
    [InlineData("{\"text\":\"x")]
    [InlineData("""{"text" "x"}""")]
    [InlineData("""{"id": 01}""")]
    [InlineData("""{"id": 1.}""")]
    [InlineData("""{"id": -}""")]
    [InlineData("""{"id": 1e}""")]
    [InlineData("""{"id": tru}""")]
    [InlineData("""{"id": nulls}""")]
    [InlineData("""{"meta": {"a": [1, 2}, "text": "x"}""")]
    [InlineData("""{"text": 'single'}""")]
    [InlineData("""{"text": "x" /* comment */}""")]
    [InlineData("")]
    [InlineData("   ")]
    public void UnusualLines_GoToTheReader(string line)
    {
        var utf8 = Encoding.UTF8.GetBytes(line);
        Assert.False(DocumentLineScanner.TryParse(utf8, out _));
        Assert.Equal(Outcome(utf8, b => DocumentLine.ParseWithReader(b)), Outcome(utf8, b => DocumentLine.Parse(b)));
    }

    [Fact]
    public void InvalidUtf8_InAKeptString_GoesToTheReader_WhichReplacesIt()
    {
        byte[] line = [.. "{\"text\":\"caf"u8, 0xC3, 0x28, .. "\\n\"}"u8];
        Assert.False(DocumentLineScanner.TryParse(line, out _));
        Assert.Equal("caf\uFFFD(\n", DocumentLine.Parse(line).Text);
    }

    [Fact]
    public void InvalidUtf8_InASkippedField_KeepsTheFastPath()
    {
        byte[] line = [.. "{\"other\":\"caf"u8, 0xFF, .. "\",\"text\":\"x\"}"u8];
        Assert.True(DocumentLineScanner.TryParse(line, out var fast));
        Assert.Equal(DocumentLine.ParseWithReader(line), fast);
    }

    [Theory]
    [InlineData(254)]   // with the line's own object, 255 levels
    [InlineData(255)]   // 256: the deepest the reader allows
    [InlineData(256)]   // one too deep
    public void NestedSkippedValues_KeepTheReadersDepthLimit(int arrays)
    {
        var utf8 = Encoding.UTF8.GetBytes($"{{\"a\":{new string('[', arrays)}{new string(']', arrays)},\"text\":\"x\"}}");
        Assert.Equal(Outcome(utf8, b => DocumentLine.ParseWithReader(b)), Outcome(utf8, b => DocumentLine.Parse(b)));
        Assert.Equal(arrays < 256, DocumentLineScanner.TryParse(utf8, out _));
    }

    private static string Outcome(byte[] utf8, Func<byte[], DocumentLine> parse)
    {
        try
        {
            return parse(utf8).ToString();
        }
        catch (Exception ex)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private static List<byte[]> ReadLines(string file)
    {
        Stream stream = File.OpenRead(SharedData.Path(file.Split('/')));
        if (file.EndsWith(".gz")) stream = new GZipStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(stream);
        var lines = new List<byte[]>();
        while (reader.ReadLine() is { } line)
            if (line.Length > 0) lines.Add(Encoding.UTF8.GetBytes(line));
        return lines;
    }
}
