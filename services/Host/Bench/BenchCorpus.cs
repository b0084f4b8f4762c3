using System.IO.Compression;
using System.Text;
using System.Text.Json;
using ZstdSharp;

namespace Refinery.Host.Bench;

/// <summary>What a generated benchmark input holds, before compression.</summary>
public sealed record BenchInput(string Path, string Format, long Documents, long TextBytes, long UncompressedBytes);

/// <summary>Generates a web-like corpus from real text (the demo's sample sources): documents of 3–25 random
/// paragraphs, as JSONL.zst and as WARC.gz HTML pages (one gzip member per record, like Common Crawl), with a
/// fixed seed so every run measures the same bytes.</summary>
public static class BenchCorpus
{
    private const string Boilerplate =
        "<header><nav class=\"menu\"><ul><li><a href=\"/\">Home</a></li><li><a href=\"/about\">About us</a></li>" +
        "<li><a href=\"/contact\">Contact</a></li></ul></nav></header>";
    private const string Footer = "<footer><p>© 2024 Example Media. All rights reserved.</p><p>Privacy · Terms · Cookies</p></footer>";

    public static async Task<(BenchInput Jsonl, BenchInput Warc)> GenerateAsync(string dir, long targetBytes,
        IReadOnlyList<string> sourceFiles, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        var jsonlPath = Path.Combine(dir, $"bench-{targetBytes / 1_000_000}mb.jsonl.zst");
        var warcPath = Path.Combine(dir, $"bench-{targetBytes / 1_000_000}mb.warc.gz");
        var metaPath = Path.Combine(dir, $"bench-{targetBytes / 1_000_000}mb.meta.json");
        if (File.Exists(metaPath) && File.Exists(jsonlPath) && File.Exists(warcPath))
        {
            var cached = JsonSerializer.Deserialize<BenchInput[]>(await File.ReadAllTextAsync(metaPath, ct))!;
            return (cached[0], cached[1]);
        }

        var paragraphs = await LoadParagraphsAsync(sourceFiles, ct);
        var random = new Random(20261126);
        long docs = 0, textBytes = 0, jsonlBytes = 0, warcBytes = 0;
        await using (var jsonlFile = File.Create(jsonlPath + ".tmp"))
        await using (var zstd = new CompressionStream(jsonlFile, 3))
        await using (var warcFile = File.Create(warcPath + ".tmp"))
        {
            warcBytes += WriteGzipMember(warcFile, WarcRecord("warcinfo", null, "application/warc-fields",
                Encoding.UTF8.GetBytes("software: refinery bench\r\nformat: WARC File Format 1.0\r\n"), 0));
            var text = new StringBuilder();
            var html = new StringBuilder();
            while (textBytes < targetBytes)
            {
                ct.ThrowIfCancellationRequested();
                text.Clear();
                html.Clear().Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Page ").Append(docs)
                    .Append("</title><script>var t=1;</script></head><body>").Append(Boilerplate).Append("<article>");
                var count = random.Next(3, 26);
                for (var i = 0; i < count; i++)
                {
                    var p = paragraphs[random.Next(paragraphs.Count)];
                    if (i > 0) text.Append('\n');
                    text.Append(p);
                    html.Append(i == 0 ? "<h1>" : "<p>").Append(System.Net.WebUtility.HtmlEncode(p)).Append(i == 0 ? "</h1>" : "</p>");
                }
                html.Append("</article>").Append(Footer).Append("</body></html>");
                var url = $"https://site{docs % 997}.example.com/articles/{docs}";
                var line = JsonSerializer.SerializeToUtf8Bytes(new { id = $"bench-{docs:D8}", url, text = text.ToString() });
                zstd.Write(line);
                zstd.WriteByte((byte)'\n');
                jsonlBytes += line.Length + 1;
                var body = Encoding.UTF8.GetBytes(html.ToString());
                var http = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\n\r\n");
                warcBytes += WriteGzipMember(warcFile, WarcRecord("response", url, "application/http; msgtype=response",
                    [.. http, .. body], docs + 1));
                textBytes += Encoding.UTF8.GetByteCount(text.ToString());
                docs++;
            }
        }
        File.Move(jsonlPath + ".tmp", jsonlPath, overwrite: true);
        File.Move(warcPath + ".tmp", warcPath, overwrite: true);
        var inputs = new[]
        {
            new BenchInput(jsonlPath, "jsonl.zst", docs, textBytes, jsonlBytes),
            new BenchInput(warcPath, "warc.gz", docs, textBytes, warcBytes),
        };
        await File.WriteAllTextAsync(metaPath, JsonSerializer.Serialize(inputs), ct);
        return (inputs[0], inputs[1]);
    }

    private static byte[] WarcRecord(string type, string? url, string contentType, byte[] block, long n)
    {
        var id = new Guid((int)n, 0x1234, 0x5678, 0, 0, 0, 0, 0, 0, 0, 0);
        var header = new StringBuilder()
            .Append("WARC/1.0\r\n")
            .Append("WARC-Type: ").Append(type).Append("\r\n")
            .Append("WARC-Date: 2024-05-01T00:00:00Z\r\n")
            .Append("WARC-Record-ID: <urn:uuid:").Append(id).Append(">\r\n");
        if (url is not null) header.Append("WARC-Target-URI: ").Append(url).Append("\r\n");
        header.Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Length: ").Append(block.Length).Append("\r\n\r\n");
        return [.. Encoding.ASCII.GetBytes(header.ToString()), .. block, .. "\r\n\r\n"u8];
    }

    private static long WriteGzipMember(Stream output, byte[] record)
    {
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(record);
        return record.Length;
    }

    private static async Task<List<string>> LoadParagraphsAsync(IReadOnlyList<string> files, CancellationToken ct)
    {
        var paragraphs = new List<string>();
        foreach (var file in files)
        {
            foreach (var line in await File.ReadAllLinesAsync(file, ct))
            {
                using var doc = JsonDocument.Parse(line);
                var text = doc.RootElement.GetProperty("text").GetString() ?? "";
                foreach (var p in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
                    if (p.Length >= 40) paragraphs.Add(p);
            }
        }
        if (paragraphs.Count < 100) throw new InvalidOperationException("Too little sample text to generate a benchmark corpus");
        return paragraphs;
    }
}
