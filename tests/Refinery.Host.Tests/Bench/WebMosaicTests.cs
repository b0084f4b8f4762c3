using System.Text;
using Refinery.Host.Bench;
using Refinery.TestSupport;

namespace Refinery.Host.Tests.Bench;

public sealed class WebMosaicTests
{
    [Fact]
    public async Task Documents_have_web_page_lengths_and_are_the_same_for_the_same_seed()
    {
        var mosaic = await WebMosaic.LoadAsync(SharedData.Path(), CancellationToken.None);
        var (first, second) = (new Random(7), new Random(7));
        var lengths = new List<int>();
        for (var i = 0; i < 3_000; i++)
        {
            var document = string.Join('\n', mosaic.NextDocument(first));
            Assert.Equal(document, string.Join('\n', mosaic.NextDocument(second)));
            lengths.Add(Encoding.UTF8.GetByteCount(document));
        }
        // The "realistic web documents": a 3–4 KB mean, with the long tail and short pages of a crawl.
        Assert.InRange(lengths.Average(), 3_000, 4_000);
        lengths.Sort();
        Assert.InRange(lengths[lengths.Count / 2], 800, 2_500);
        Assert.True(lengths[^1] > 20_000, $"longest document {lengths[^1]} bytes");
    }

    [Fact]
    public async Task Documents_keep_the_short_lines_of_web_pages_and_rarely_repeat()
    {
        var mosaic = await WebMosaic.LoadAsync(SharedData.Path(), CancellationToken.None);
        var random = new Random(11);
        var documents = Enumerable.Range(0, 2_000).Select(_ => mosaic.NextDocument(random)).ToList();
        var lines = documents.SelectMany(d => d).ToList();
        // Navigation links, dates and headings: a crawl's pages are mostly short lines, unlike book paragraphs.
        Assert.InRange(lines.Count(l => l.Length < 60) / (double)lines.Count, 0.3, 0.9);
        var distinct = documents.Select(d => string.Join('\n', d)).Distinct().Count();
        Assert.True(distinct > documents.Count * 0.9, $"{distinct} distinct of {documents.Count}");
    }
}
