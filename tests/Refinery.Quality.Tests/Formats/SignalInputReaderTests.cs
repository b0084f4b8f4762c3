using System.IO.Compression;
using System.Text;
using Refinery.Quality.Formats;

namespace Refinery.Quality.Tests.Formats;

public sealed class SignalInputReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("refinery-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Lines = "{\"id\": \"x\", \"text\": \"Hello.\", \"url\": \"https://a.b/\", \"language_score\": 0.5}\n" +
                                 "{\"id\": 7, \"raw_content\": \"\"}\n\n";

    [Theory]
    [InlineData("plain")]
    [InlineData("gzip")]
    [InlineData("zstd")]
    public async Task EveryCompression_IsDetectedFromItsBytes(string compression)
    {
        var path = Path.Combine(_dir, "input.data"); // the extension says nothing: the magic bytes decide
        var bytes = Encoding.UTF8.GetBytes(Lines);
        await using (var file = File.Create(path))
        {
            Stream sink = compression switch
            {
                "gzip" => new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true),
                "zstd" => new ZstdSharp.CompressionStream(file, 3, leaveOpen: true),
                _ => file,
            };
            await sink.WriteAsync(bytes);
            if (!ReferenceEquals(sink, file)) await sink.DisposeAsync();
        }

        var items = await SignalInputReader.ReadAsync(path, "en").ToListAsync();

        Assert.Equal(2, items.Count);
        var first = items[0].Document!;
        Assert.Equal(("x", "Hello.", "https://a.b/", "en", (double?)0.5), (first.Id, first.Text, first.Url, first.Language, first.LanguageScore));
        Assert.Equal(("7", ""), (items[1].Document!.Id, items[1].Document!.Text)); // a numeric id, an empty document
    }
}
