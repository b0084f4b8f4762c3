using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Signals;
using Refinery.Signals.Domain;

namespace Refinery.Signals.Tests.Pipeline;

public sealed class ShardAnnouncementsTests
{
    private static CorpusShardIngested Announce(string corpus, int shard, string key) =>
        DocumentShards.Announce(corpus, shard, new ObjectRef { Bucket = "refinery", Key = key, Sha256 = new string('0', 64), Length = 1 }, 1);

    [Fact]
    public void SignalShardKey_IsNamedByCorpusShardAndConfig() =>
        Assert.Equal("signals/web/00042.rpv2.parquet", SignalsKeys.Signals("web", 42, "rpv2"));

    [Fact]
    public void AShardOfTheNamedCorpus_AtItsCatalogueKey_IsAccepted() =>
        Assert.Null(ShardAnnouncements.Problem(Announce("web-2024", 7, "docs/web-2024/00007.jsonl.zst")));

    [Theory]
    [InlineData("docs/web/00008.jsonl.zst")]
    [InlineData("raw/web/00007.jsonl.zst")]
    [InlineData("docs/other/00007.jsonl.zst")]
    public void AKeyThatIsNotTheCataloguesKeyOfTheShard_IsRejected(string key) =>
        Assert.Contains("is not docs/web/00007.jsonl.zst", ShardAnnouncements.Problem(Announce("web", 7, key)));

    [Fact]
    public void AnIdThatIsNotTheNamesId_IsRejected() =>
        Assert.Contains("does not belong to the corpus 'web'",
            ShardAnnouncements.Problem(Announce("web", 7, "docs/web/00007.jsonl.zst") with { CorpusId = CorpusNames.IdOf("other") }));

    [Theory]
    [InlineData("")]
    [InlineData("a/../web")]
    public void AnInvalidName_IsRejected_BeforeItMakesAKey(string corpus) =>
        Assert.Contains("corpus name", ShardAnnouncements.Problem(Announce("web", 7, "docs/web/00007.jsonl.zst") with
        {
            Corpus = corpus, CorpusId = CorpusNames.IdOf(corpus),
        }));
}
