using System.Text;
using Refinery.Ingestion.Readers;

namespace Refinery.Ingestion.Tests.Readers;

public sealed class JsonlReaderTests
{
    [Fact]
    public async Task Jsonl_DolmaBoilerplatePages_ReadsTenDocumentsWithIdsAndLineNumbers()
    {
        var result = await ReadResult.OfFileAsync(SharedData.Web("dev_dolma_boilerplate_pages.jsonl"));

        Assert.Empty(result.Rejections);
        Assert.Equal(10, result.Documents.Count);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), result.Documents.Select(d => d.Position));
        var first = result.Documents[0];
        Assert.Equal("http://advocatesaz.org/tag/antibiotic-resistant-bacteria/", first.Id);
        Assert.StartsWith("PPAA Home\nAbout Our Blog\n", first.Text);
        Assert.Equal("common-crawl", first.Meta!["source"]);
        Assert.False(first.Meta.ContainsKey("text"));
        Assert.All(result.Documents, d => Assert.Equal(0, d.InvalidUtf8));
    }

    [Fact]
    public async Task Jsonl_CcLicensedGzip_Reads372RecordsOf17HaveEmptyText()
    {
        var result = await ReadResult.OfFileAsync(SharedData.Web("dev_dolma_cc_licensed_pages.jsonl.gz"));

        Assert.Equal(372, result.Items.Count);
        Assert.Equal(355, result.Documents.Count);
        Assert.Equal(17, result.Rejections.Count);
        Assert.All(result.Rejections, r => Assert.Equal(RejectReasons.EmptyText, r.Reason));
        Assert.Equal([9L, 43, 82, 93, 96], result.Rejections.Take(5).Select(r => r.Position));
        var first = result.Documents[0];
        Assert.Equal("blj5uzvcoa4iybpd5o6kom5nir6ngmoj", first.Id);
        Assert.Equal("http://16thfleet.wikidot.com/chatter:anewhome", first.Url);
        Assert.StartsWith("A New Home?", first.Text);
        Assert.Equal("2019-07-17T12:15:59.000Z", first.Meta!["crawl_date"]);
        Assert.Equal(372, result.Documents[^1].Position);
    }

    [Fact]
    public async Task Jsonl_TruncatedGzip_KeepsRecordsBeforeDamage()
    {
        var gzip = await File.ReadAllBytesAsync(SharedData.Web("dev_dolma_cc_licensed_pages.jsonl.gz"));
        var cut = gzip[..(gzip.Length / 2)];
        // The records wholly inside what the first half decodes to are the ones that must survive.
        var completeLines = Bytes.LenientGunzip(cut).Count(b => b == (byte)'\n');

        var result = await ReadResult.OfBytesAsync(cut, "pages.jsonl.gz");

        Assert.True(completeLines > 100, $"the cut should keep many records, kept {completeLines}");
        Assert.Equal(completeLines + 1, result.Items.Count);
        var damage = Assert.Single(result.Rejections, r => r.Reason == RejectReasons.CorruptCompression);
        Assert.Equal(completeLines + 1, damage.Position);
        Assert.Same(damage, result.Items[^1].Rejection);
        Assert.Contains("truncated", damage.Detail);
        Assert.Equal(Enumerable.Range(1, completeLines).Select(i => (long)i),
            result.Items.SkipLast(1).Select(i => i.Document?.Position ?? i.Rejection!.Position));
    }

    [Fact]
    public async Task Jsonl_MalformedLines_AreRejectedWithReasonAndLine()
    {
        var jsonl = string.Join("\n",
            """{"id":"a","text":"first good"}""",
            """{"id":"b","text":"unterminated""",
            """[1,2,3]""",
            """42""",
            """{"id":"c","title":"no text here"}""",
            """{"id":"d","text":"   \n\t "}""",
            """{"id":7,"raw_content":"from raw_content"}""",
            """{"id":"e","content":"from content","url":"https://example.org/e"}""",
            """{"id":"f","text":"x"} trailing""",
            """{"id":"g","text":123}""",
            "\"just a string\"",
            """{"id":"h","text":"last good"}""");

        var result = await ReadResult.OfBytesAsync(Bytes.Utf8(jsonl), "mixed.jsonl");

        Assert.Equal(12, result.Items.Count);
        Assert.Equal(["a", "7", "e", "h"], result.Documents.Select(d => d.Id));
        Assert.Equal([1L, 7, 8, 12], result.Documents.Select(d => d.Position));
        Assert.Equal("from raw_content", result.Documents[1].Text);
        Assert.Equal("from content", result.Documents[2].Text);
        Assert.Equal("https://example.org/e", result.Documents[2].Url);
        Assert.Equal(
            [
                (2L, RejectReasons.MalformedJson), (3, RejectReasons.NotAnObject), (4, RejectReasons.NotAnObject),
                (5, RejectReasons.MissingText), (6, RejectReasons.EmptyText), (9, RejectReasons.MalformedJson),
                (10, RejectReasons.MissingText), (11, RejectReasons.NotAnObject),
            ],
            result.Rejections.Select(r => (r.Position, r.Reason)));
        var unterminated = result.Rejections[0];
        Assert.Contains("at byte ", unterminated.Detail);
        Assert.Contains("BytePositionInLine", unterminated.Detail);
        Assert.Contains("array", result.Rejections[1].Detail);
        Assert.Contains("'text' is not a string", result.Rejections[6].Detail);
    }

    [Fact]
    public async Task Jsonl_BlankLinesAndCrlf_AreNotRecordsButCountAsLines()
    {
        var jsonl = "\r\n{\"text\":\"one\"}\r\n   \r\n\n{\"text\":\"two\"}";   // no newline after the last record

        var result = await ReadResult.OfBytesAsync(Bytes.Utf8(jsonl), "blank.jsonl");

        Assert.Empty(result.Rejections);
        Assert.Equal(["one", "two"], result.Documents.Select(d => d.Text));
        Assert.Equal([2L, 5], result.Documents.Select(d => d.Position));
    }

    [Fact]
    public async Task Jsonl_InvalidUtf8_IsReplacedAndCounted()
    {
        var line = Bytes.Concat(Bytes.Utf8("{\"id\":\"bad\",\"text\":\"caf"), [0xC3], Bytes.Utf8(" ok "), [0xFF, 0xFE],
            Bytes.Utf8(" end "), [0xE2, 0x82], Bytes.Utf8("\"}\n{\"id\":\"good\",\"text\":\"caf\u00e9\"}\n"));

        var result = await ReadResult.OfBytesAsync(line, "utf8.jsonl");

        Assert.Empty(result.Rejections);
        var bad = result.Documents[0];
        Assert.Equal("caf\uFFFD ok \uFFFD\uFFFD end \uFFFD", bad.Text);
        Assert.Equal(4, bad.InvalidUtf8);
        Assert.Equal("caf\u00e9", result.Documents[1].Text);
        Assert.Equal(0, result.Documents[1].InvalidUtf8);
    }

    [Fact]
    public async Task Jsonl_LineLongerThanMaxRecordBytes_IsSkippedWithoutStoppingTheFile()
    {
        var options = new ReaderOptions { MaxRecordBytes = 1000 };
        var huge = "{\"id\":\"huge\",\"text\":\"" + new string('x', 5000) + "\"}";
        var jsonl = $"{{\"id\":\"a\",\"text\":\"before\"}}\n{huge}\n{{\"id\":\"b\",\"text\":\"after\"}}\n{huge}";

        var result = await ReadResult.OfBytesAsync(Bytes.Utf8(jsonl), "long.jsonl", options: options);

        Assert.Equal(["a", "b"], result.Documents.Select(d => d.Id));
        Assert.Equal([2L, 4], result.Rejections.Select(r => r.Position));
        Assert.All(result.Rejections, r => Assert.Equal(RejectReasons.OversizedDocument, r.Reason));
        Assert.Equal(4, result.Items.Count);
    }

    [Fact]
    public async Task Jsonl_RunawayLineBiggerThanTheBuffer_IsSkippedToItsNewline()
    {
        var options = new ReaderOptions { MaxRecordBytes = 1_500_000 };
        var runaway = "{\"text\":\"" + new string('y', 4_000_000) + "\"}";
        var jsonl = $"{{\"id\":\"a\",\"text\":\"before\"}}\n{runaway}\n{{\"id\":\"b\",\"text\":\"after\"}}\n";

        var result = await ReadResult.OfBytesAsync(Bytes.Utf8(jsonl), "runaway.jsonl", options: options);

        Assert.Equal(["a", "b"], result.Documents.Select(d => d.Id));
        Assert.Equal([1L, 3], result.Documents.Select(d => d.Position));
        var rejection = Assert.Single(result.Rejections);
        Assert.Equal((2L, RejectReasons.OversizedDocument), (rejection.Position, rejection.Reason));
        Assert.Contains("MaxRecordBytes", rejection.Detail);
    }

    [Fact]
    public async Task Jsonl_TextLongerThanMaxDocumentChars_IsOversized()
    {
        var options = new ReaderOptions { MaxDocumentChars = 10 };
        var jsonl = "{\"text\":\"0123456789\"}\n{\"text\":\"0123456789A\"}\n";

        var result = await ReadResult.OfBytesAsync(Bytes.Utf8(jsonl), "chars.jsonl", options: options);

        Assert.Equal("0123456789", Assert.Single(result.Documents).Text);
        var rejected = Assert.Single(result.Rejections);
        Assert.Equal((2L, RejectReasons.OversizedDocument), (rejected.Position, rejected.Reason));
        Assert.Contains("11 chars", rejected.Detail);
    }

    [Fact]
    public async Task Jsonl_ConfiguredFieldNames_AreUsedAndEscapedKeysMatch()
    {
        var options = new ReaderOptions { TextField = "body", IdField = "doc_id", UrlField = "link" };
        var jsonl = "{\"doc_id\":12345678901234567890,\"b\\u006fdy\":\"escaped key \\\"quoted\\\"\",\"link\":\"https://x.test/\",\"n\":1.5,\"ok\":true,\"nested\":{\"a\":[1,2]}}\n";

        var result = await ReadResult.OfBytesAsync(Bytes.Utf8(jsonl), "fields.jsonl", options: options);

        var doc = Assert.Single(result.Documents);
        Assert.Equal("12345678901234567890", doc.Id);
        Assert.Equal("escaped key \"quoted\"", doc.Text);
        Assert.Equal("https://x.test/", doc.Url);
        Assert.Equal(2, doc.Meta!.Count);
        Assert.Equal("1.5", doc.Meta["n"]);
        Assert.Equal("true", doc.Meta["ok"]);
    }

    [Fact]
    public async Task Jsonl_ManyRecordsAcrossBufferBoundaries_AreAllRead()
    {
        var builder = new StringBuilder();
        for (var i = 1; i <= 20_000; i++) builder.Append("{\"id\":").Append(i).Append(",\"text\":\"document ").Append(i).Append(' ', i % 97).Append("\"}\n");

        var result = await ReadResult.OfBytesAsync(Bytes.Utf8(builder.ToString()), "many.jsonl");

        Assert.Empty(result.Rejections);
        Assert.Equal(20_000, result.Documents.Count);
        Assert.All(result.Documents, d => Assert.Equal(d.Position.ToString(), d.Id));
        Assert.Equal("document 19999", result.Documents[^2].Text.TrimEnd());
    }
}
