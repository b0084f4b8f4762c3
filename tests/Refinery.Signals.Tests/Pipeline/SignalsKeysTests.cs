using Refinery.Contracts;
using Refinery.Signals.Domain;

namespace Refinery.Signals.Tests.Pipeline;

public sealed class SignalsKeysTests
{
    private static (string? Corpus, string? Problem) CorpusOf(string corpus, int shard, string key) =>
        SignalsKeys.CorpusOf(DocumentShards.Announce(corpus, shard,
            new ObjectRef { Bucket = "refinery", Key = key, Sha256 = new string('0', 64), Length = 1 }, 1));

    [Fact]
    public void SignalShardKey_IsNamedByCorpusShardAndConfig() =>
        Assert.Equal("signals/web/00042.rpv2.parquet", SignalsKeys.Signals("web", 42, "rpv2"));

    [Fact]
    public void CorpusOf_ReadsTheNameFromTheDocumentsKey() =>
        Assert.Equal(("web-2024", null), CorpusOf("web-2024", 7, "docs/web-2024/00007.jsonl.zst"));

    [Theory]
    [InlineData("docs/web/00008.jsonl.zst", "is not docs/{corpus}/00007.jsonl.zst")]
    [InlineData("raw/web/00007.jsonl.zst", "is not docs/{corpus}/00007.jsonl.zst")]
    [InlineData("docs/other/00007.jsonl.zst", "does not belong")]
    [InlineData("docs/a/../web/00007.jsonl.zst", "corpus name")]
    public void CorpusOf_RejectsAKeyThatIsNotThisCorpusShard(string key, string problem) =>
        Assert.Contains(problem, CorpusOf("web", 7, key).Problem);
}
