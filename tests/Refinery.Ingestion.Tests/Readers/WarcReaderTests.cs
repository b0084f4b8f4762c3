using System.Text;
using Refinery.Ingestion.Readers;

namespace Refinery.Ingestion.Tests.Readers;

public sealed class WarcReaderTests
{
    private static byte[] Record(string type, byte[] block, string? uri = null, long? declaredLength = null, string id = "00000000-0000-0000-0000-000000000001")
    {
        var header = new StringBuilder()
            .Append("WARC/1.0\r\n")
            .Append("WARC-Type: ").Append(type).Append("\r\n")
            .Append("WARC-Record-ID: <urn:uuid:").Append(id).Append(">\r\n")
            .Append("WARC-Date: 2024-01-02T03:04:05Z\r\n");
        if (uri is not null) header.Append("WARC-Target-URI: ").Append(uri).Append("\r\n");
        header.Append("Content-Type: ").Append(type == "response" ? "application/http; msgtype=response" : "text/plain").Append("\r\n");
        header.Append("Content-Length: ").Append(declaredLength ?? block.Length).Append("\r\n\r\n");
        return Bytes.Concat(Bytes.Utf8(header.ToString()), block, "\r\n\r\n"u8.ToArray());
    }

    private static byte[] Conversion(string text, string uri, string id) => Record("conversion", Bytes.Utf8(text), uri, id: id);

    private static byte[] Http(int status, string contentType, byte[] body) =>
        Bytes.Concat(Bytes.Utf8($"HTTP/1.1 {status} Whatever\r\nContent-Type: {contentType}\r\nServer: test\r\n\r\n"), body);

    private static byte[] Html(string bodyHtml) => Bytes.Utf8($"<!doctype html><html><head><title>t</title></head><body>{bodyHtml}</body></html>");

    [Fact]
    public async Task Warc_CcWhirlwind_YieldsTheEscopeteArticleOnly()
    {
        var result = await ReadResult.OfFileAsync(SharedData.Web("warc", "cc_whirlwind.warc.gz"));

        Assert.Empty(result.Rejections);   // warcinfo, request and metadata records are not documents
        var doc = Assert.Single(result.Documents);
        Assert.Equal("https://an.wikipedia.org/wiki/Escopete", doc.Url);
        Assert.Equal("2aabeff2-67f5-4608-8466-e87c6296e2b6", doc.Id);
        Assert.Equal(1551, doc.Position);
        Assert.Equal("2024-05-18T01:58:10Z", doc.Meta!["warc_date"]);
        Assert.Contains("A suya población ye de 84 habitants (2007), en una superficie de 19,01 km²", doc.Text);
        Assert.Contains("Escopete ye citato en as Relaciones Topográficas", doc.Text);
        Assert.DoesNotContain("Menú principal", doc.Text);
        Assert.DoesNotContain("Asturianu", doc.Text);   // the language list
    }

    [Fact]
    public async Task Wet_CcWhirlwind_YieldsConversionTextWithLanguage()
    {
        var result = await ReadResult.OfFileAsync(SharedData.Web("warc", "cc_whirlwind.warc.wet.gz"));

        Assert.Empty(result.Rejections);
        var doc = Assert.Single(result.Documents);
        Assert.Equal(693, doc.Position);
        Assert.Equal("ba729a40-ff84-4085-8d48-0a5b2ee0c42d", doc.Id);
        Assert.Equal("https://an.wikipedia.org/wiki/Escopete", doc.Url);
        Assert.Equal("spa", doc.Meta!["content_language"]);
        Assert.StartsWith("Escopete - Biquipedia, a enciclopedia libre\n", doc.Text);
        Assert.Contains("A suya población ye de 84 habitants", doc.Text);
    }

    [Fact]
    public async Task Wet_CcNetSampleTxt_IsSniffedAndItsBareLfRecordsAreRead()
    {
        // cc_net's sample was text-normalised (LF line ends, Content-Length values that no longer match):
        // records are delimited by the next WARC/1. line instead.
        var result = await ReadResult.OfFileAsync(SharedData.Web("warc", "ccnet_sample.wet.txt"));

        Assert.Empty(result.Rejections);
        Assert.Equal(["http://sample_english.com", "http://sample_chinese.zh", "http://sample_russian.ru"], result.Documents.Select(d => d.Url));
        Assert.Equal([617L, 1310, 1959], result.Documents.Select(d => d.Position));
        Assert.StartsWith("Famous Mark Twain Quotes\nDon't part with your illusions.", result.Documents[0].Text);
        Assert.EndsWith("Truth isn't.", result.Documents[0].Text);
        Assert.StartsWith("馬克·吐溫名言", result.Documents[1].Text);
        Assert.StartsWith("Цитаты знаменитого Марка Твена", result.Documents[2].Text);
        Assert.Equal("27dccd48-27b2-4eb0-b10b-a43661cbf0bc", result.Documents[2].Id);
    }

    [Fact]
    public async Task Warc_ResiliparseSample_Yields16ResponsesInTheirDeclaredCharsets()
    {
        var result = await ReadResult.OfFileAsync(SharedData.Web("warc", "resiliparse_cc_sample.warc.gz"));

        Assert.Empty(result.Rejections);
        Assert.Equal(16, result.Documents.Count);
        Assert.Equal(1428, result.Documents[0].Position);
        Assert.Equal("http://003338.cn/l41/481397.html", result.Documents[0].Url);
        var russian = Assert.Single(result.Documents, d => d.Url == "http://01spb.ru/company/");   // windows-1251
        Assert.Contains("Стратегия пожарной безопасности", russian.Text);
        var chinese = Assert.Single(result.Documents, d => d.Url == "http://037426.cn/");          // gb2312
        Assert.Contains("TEL\uFF1A0512-55111066", chinese.Text);
        Assert.All(result.Documents, d => Assert.Equal(0, d.InvalidUtf8));
        Assert.Equal(result.Documents.Count, result.Documents.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public async Task Warc_JwarcSample_YieldsTheCommonCrawlHomePage()
    {
        var result = await ReadResult.OfFileAsync(SharedData.Web("warc", "jwarc_cc.warc.gz"));

        var doc = Assert.Single(result.Items).Document!;
        Assert.Equal("http://commoncrawl.org/", doc.Url);
        Assert.Equal(0, doc.Position);
        Assert.Contains("We build and maintain an open repository of web crawl data", doc.Text);
    }

    [Fact]
    public async Task Warc_DolmaWgetSample_YieldsAll22PagesIncludingChunkedOnes()
    {
        var result = await ReadResult.OfFileAsync(SharedData.Web("warc", "dolma_wget_sample-0000.warc.gz"));

        Assert.Empty(result.Rejections);
        Assert.Equal(22, result.Documents.Count);
        Assert.Equal(result.Documents.OrderBy(d => d.Position).Select(d => d.Position), result.Documents.Select(d => d.Position));   // record order kept
        Assert.Equal("https://www.semanticscholar.org/research/research-team", result.Documents[0].Url);   // <…> removed
        Assert.StartsWith("Meet Our Team", result.Documents[0].Text);
        var chunked = Assert.Single(result.Documents, d => d.Url == "https://www.cs.washington.edu/people/faculty/weld");
        Assert.Contains("Areas of interest:", chunked.Text);
        var bigChunked = Assert.Single(result.Documents, d => d.Url == "https://amyxzhang.wordpress.com/");
        Assert.Contains("Having Trouble Keeping Up with Group\u00A0Chat?", bigChunked.Text);   // WordPress's &nbsp; is text
    }

    [Fact]
    public async Task Warc_WarcioExamples_DecodeGzipContentEncodingAndChunkedTransfer()
    {
        var gzipped = await ReadResult.OfFileAsync(SharedData.Web("warc", "warcio_example.warc.gz"));
        var plain = await ReadResult.OfFileAsync(SharedData.Web("warc", "warcio_example.warc"));
        var chunked = await ReadResult.OfFileAsync(SharedData.Web("warc", "warcio_example_chunked.warc"));

        foreach (var result in new[] { gzipped, plain })
        {
            var doc = Assert.Single(result.Items).Document!;   // the revisit record is not a document
            Assert.Equal("http://example.com/", doc.Url);
            Assert.StartsWith("Example Domain\nThis domain is established to be used for illustrative examples", doc.Text);
        }
        var iana = Assert.Single(chunked.Items).Document!;
        Assert.Equal("http://www.iana.org/", iana.Url);
        Assert.StartsWith("Domain Names\n", iana.Text);
    }

    [Fact]
    public async Task Arc_WarcioExample_ReadsTheExamplePage()
    {
        var result = await ReadResult.OfFileAsync(SharedData.Web("warc", "warcio_example.arc.gz"));

        var doc = Assert.Single(result.Items).Document!;   // the filedesc record describes the file
        Assert.Null(doc.Id);
        Assert.Equal("http://example.com/", doc.Url);
        Assert.Equal(151, doc.Position);
        Assert.Equal("2014-02-16T05:02:21Z", doc.Meta!["warc_date"]);
        Assert.StartsWith("Example Domain\n", doc.Text);
    }

    [Fact]
    public async Task Warc_ContentLengthTooShort_RejectsRecordAndReadsTheNextOne()
    {
        var bad = Record("conversion", Bytes.Utf8("this block is longer than declared"), "http://a.test/", declaredLength: 10, id: "aaaaaaaa-0000-0000-0000-000000000000");
        var good = Conversion("good record text", "http://b.test/", "bbbbbbbb-0000-0000-0000-000000000000");

        var result = await ReadResult.OfBytesAsync(Bytes.Concat(bad, good), "short.warc");

        Assert.Equal(2, result.Items.Count);
        var rejection = result.Items[0].Rejection!;
        Assert.Equal((0L, RejectReasons.WarcBadRecord), (rejection.Position, rejection.Reason));
        Assert.Contains("CRLF CRLF", rejection.Detail);
        var doc = result.Items[1].Document!;
        Assert.Equal(("bbbbbbbb-0000-0000-0000-000000000000", "good record text", (long)bad.Length), (doc.Id, doc.Text, doc.Position));
    }

    [Fact]
    public async Task Warc_ContentLengthTooLong_RejectsRecordAndReadsTheFollowingOnes()
    {
        var bad = Record("conversion", Bytes.Utf8("short block"), "http://a.test/", declaredLength: 60);
        var second = Conversion("second text", "http://b.test/", "bbbbbbbb-0000-0000-0000-000000000000");
        var third = Conversion("third text", "http://c.test/", "cccccccc-0000-0000-0000-000000000000");

        var result = await ReadResult.OfBytesAsync(Bytes.Gzip(Bytes.Concat(bad, second, third)), "long.warc.gz");

        Assert.Equal(3, result.Items.Count);
        Assert.Equal((0L, RejectReasons.WarcBadRecord), (result.Items[0].Rejection!.Position, result.Items[0].Rejection!.Reason));
        Assert.Equal(["second text", "third text"], result.Documents.Select(d => d.Text));
        Assert.Equal([(long)bad.Length, bad.Length + second.Length], result.Documents.Select(d => d.Position));
    }

    [Fact]
    public async Task Warc_ContentLengthPastEndOfStream_IsBadRecordAfterTheGoodOnes()
    {
        var good = Conversion("kept", "http://a.test/", "aaaaaaaa-0000-0000-0000-000000000000");
        var bad = Record("conversion", Bytes.Utf8("cut short"), "http://b.test/", declaredLength: 100_000);

        var result = await ReadResult.OfBytesAsync(Bytes.Concat(good, bad), "pastend.warc");

        Assert.Equal(2, result.Items.Count);
        Assert.Equal("kept", result.Items[0].Document!.Text);
        var rejection = result.Items[1].Rejection!;
        Assert.Equal(((long)good.Length, RejectReasons.WarcBadRecord), (rejection.Position, rejection.Reason));
        Assert.Contains("past the end", rejection.Detail);
    }

    [Fact]
    public async Task Warc_UnparseableHeader_IsBadRecordThenResyncs()
    {
        var garbage = Bytes.Utf8("GARBAGE LINE\r\nnot: a warc\r\n\r\nrandom bytes\r\n");
        var noLength = Bytes.Utf8("WARC/1.0\r\nWARC-Type: conversion\r\n\r\nno length\r\n\r\n");
        var good = Conversion("after garbage", "http://a.test/", "aaaaaaaa-0000-0000-0000-000000000000");

        var result = await ReadResult.OfBytesAsync(Bytes.Concat(garbage, noLength, good), "garbage.warc");

        Assert.Equal(3, result.Items.Count);
        Assert.Equal([(0L, RejectReasons.WarcBadRecord), (garbage.Length, RejectReasons.WarcBadRecord)],
            result.Rejections.Select(r => (r.Position, r.Reason)));
        Assert.Contains("Content-Length", result.Rejections[1].Detail);
        Assert.Equal("after garbage", Assert.Single(result.Documents).Text);
    }

    [Fact]
    public async Task Warc_OversizedHtmlResponse_IsRejectedAndSkipped()
    {
        var page = Html("<p>" + new string('w', 20_000) + "</p>");
        var big = Record("response", Http(200, "text/html; charset=utf-8", page), "http://big.test/");
        var image = Record("response", Http(200, "image/png", new byte[20_000]), "http://big.test/a.png");
        var small = Conversion("small one", "http://small.test/", "aaaaaaaa-0000-0000-0000-000000000000");
        var options = new ReaderOptions { MaxRecordBytes = 4096 };

        var result = await ReadResult.OfBytesAsync(Bytes.Concat(big, image, small), "big.warc", options: options);

        Assert.Equal(2, result.Items.Count);   // the oversized image is not a document and is skipped silently
        Assert.Equal((0L, RejectReasons.OversizedDocument), (result.Items[0].Rejection!.Position, result.Items[0].Rejection!.Reason));
        Assert.Equal("small one", result.Items[1].Document!.Text);
    }

    [Fact]
    public async Task Warc_RedirectsAndNonHtml_AreSkippedButErrorPagesAreKept()
    {
        var redirect = Record("response", Http(301, "text/html", Html("<p>Moved permanently to another place</p>")), "http://r.test/");
        var pdf = Record("response", Http(200, "application/pdf", Bytes.Utf8("%PDF-1.4 ...")), "http://r.test/a.pdf");
        var notFound = Record("response", Http(404, "text/html", Html("<h1>Not found</h1><p>The page you asked for is gone.</p>")), "http://r.test/x",
            id: "44444444-0000-0000-0000-000000000000");
        var request = Record("request", Bytes.Utf8("GET / HTTP/1.1\r\nHost: r.test\r\n\r\n"), "http://r.test/");

        var result = await ReadResult.OfBytesAsync(Bytes.Concat(redirect, pdf, request, notFound), "mixed.warc");

        var doc = Assert.Single(result.Items).Document!;
        Assert.Equal("44444444-0000-0000-0000-000000000000", doc.Id);
        Assert.Equal("Not found\nThe page you asked for is gone.", doc.Text);
    }

    [Fact]
    public async Task Warc_CharsetFromMetaTag_AndInvalidUtf8IsCounted()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var cp1251 = Encoding.GetEncoding("windows-1251");
        var russian = Bytes.Concat(Bytes.Utf8("<html><head><meta charset=\"windows-1251\"></head><body><p>"),
            cp1251.GetBytes("Привет, мир"), Bytes.Utf8("</p></body></html>"));
        var broken = Bytes.Concat(Bytes.Utf8("<html><body><p>bad "), [0xFF, 0xC0], Bytes.Utf8(" bytes</p></body></html>"));
        var records = Bytes.Concat(
            Record("response", Http(200, "text/html", russian), "http://ru.test/", id: "11111111-0000-0000-0000-000000000000"),
            Record("response", Http(200, "text/html", broken), "http://bad.test/", id: "22222222-0000-0000-0000-000000000000"));

        var result = await ReadResult.OfBytesAsync(records, "charset.warc");

        Assert.Empty(result.Rejections);
        Assert.Equal("Привет, мир", result.Documents[0].Text);
        Assert.Equal(0, result.Documents[0].InvalidUtf8);
        Assert.Equal("bad \uFFFD\uFFFD bytes", result.Documents[1].Text);
        Assert.Equal(2, result.Documents[1].InvalidUtf8);
    }

    [Fact]
    public async Task Warc_HtmlWithoutText_IsNoExtractableText()
    {
        var empty = Record("response", Http(200, "text/html", Html("<script>var x = 1;</script><nav><a href='/'>Home</a></nav>")), "http://e.test/");

        var result = await ReadResult.OfBytesAsync(empty, "empty.warc");

        var rejection = Assert.Single(result.Items).Rejection!;
        Assert.Equal((0L, RejectReasons.NoExtractableText), (rejection.Position, rejection.Reason));
    }

    [Fact]
    public async Task Warc_TruncatedGzip_KeepsRecordsBeforeTheCut()
    {
        var path = SharedData.Web("warc", "dolma_wget_sample-0000.warc.gz");
        var full = await ReadResult.OfFileAsync(path);
        var bytes = await File.ReadAllBytesAsync(path);

        var result = await ReadResult.OfBytesAsync(bytes[..(bytes.Length * 6 / 10)], "cut.warc.gz");

        var damage = result.Items[^1].Rejection!;
        Assert.Equal(RejectReasons.CorruptCompression, damage.Reason);
        Assert.Single(result.Rejections);
        Assert.InRange(result.Documents.Count, 5, 21);
        Assert.Equal(full.Documents.Take(result.Documents.Count).Select(d => d.Id), result.Documents.Select(d => d.Id));
        // The damaged record starts after the last kept document and no later than the first lost one.
        Assert.InRange(damage.Position, result.Documents[^1].Position + 1, full.Documents[result.Documents.Count].Position);
    }
}
