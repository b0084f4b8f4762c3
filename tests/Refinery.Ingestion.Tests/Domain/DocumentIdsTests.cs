using System.IO.Hashing;
using System.Text;
using Refinery.Ingestion.Domain;

namespace Refinery.Ingestion.Tests.Domain;

/// <summary>Document ids are stored in every shard: the allocation-free encoding must give the ids the plain
/// definition (the hash of the UTF-8 of "source\nposition") gives, or a rerun would rename every document.</summary>
public sealed class DocumentIdsTests
{
    private static string Reference(string source, long position)
    {
        Span<byte> hash = stackalloc byte[16];
        XxHash128.Hash(Encoding.UTF8.GetBytes(source + "\n" + position.ToString(System.Globalization.CultureInfo.InvariantCulture)), hash);
        return Convert.ToHexStringLower(hash);
    }

    [Theory]
    [InlineData("web-00001.jsonl.zst", 1L)]
    [InlineData("crawl/CC-MAIN-2024-10.warc.gz", 123_456_789_012L)]
    [InlineData("données-süd-日本語.jsonl", 0L)]
    [InlineData("s", long.MaxValue)]
    public void Of_EqualsThePlainDefinition(string source, long position) =>
        Assert.Equal(Reference(source, position), DocumentIds.Of(source, position));

    [Fact]
    public void Of_LongSourceNames_EqualThePlainDefinition()
    {
        // Past the stack buffer: names of 1–400 chars, some with 3-byte UTF-8 chars.
        var random = new Random(15);
        for (var length = 1; length <= 400; length += 7)
        {
            var name = new string(Enumerable.Range(0, length).Select(_ => random.Next(4) == 0 ? '語' : (char)('a' + random.Next(26))).ToArray());
            var position = random.NextInt64(0, long.MaxValue);
            Assert.Equal(Reference(name, position), DocumentIds.Of(name, position));
        }
    }
}
