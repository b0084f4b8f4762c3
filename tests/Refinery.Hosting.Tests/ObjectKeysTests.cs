using Refinery.Contracts.Curation;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Models;
using Refinery.Contracts.Signals;
using Xunit;

namespace Refinery.Hosting.Tests;

/// <summary>The key layouts the services share, and the parsers a sweep or a listing reads them back with: what a
/// builder writes, its parser reads, and a key of another shape is nobody's.</summary>
public sealed class ObjectKeysTests
{
    [Fact]
    public void AnIndexObject_ReadsBackAsItsKindPartitionAndVersion()
    {
        var key = DedupKeys.IndexPartition("normalized", 0x3f, 42);

        Assert.StartsWith("dedup/index/normalized/3f/0000000042-", key);
        Assert.Equal(new DedupIndexObject("normalized", 0x3f, 42), DedupKeys.IndexObjectOf(key));
        Assert.Null(DedupKeys.JobFileOf(key));
    }

    [Fact]
    public void EveryJobFile_ReadsBackAsItsCorpusAndConfig()
    {
        var owner = new DedupJobFile("web", "rpv2-0.8");
        string[] files =
        [
            DedupKeys.Clusters("web", "rpv2-0.8"), DedupKeys.Edges("web", "rpv2-0.8", 3, new string('a', 64)),
            DedupKeys.TextKeys("web", "rpv2-0.8", 1), DedupKeys.Shingles("web", "rpv2-0.8", 2),
        ];

        Assert.All(files, key => Assert.Equal(owner, DedupKeys.JobFileOf(key)));
        Assert.All(files, key => Assert.Null(DedupKeys.IndexObjectOf(key)));
        Assert.All(files, key => Assert.StartsWith(DedupKeys.AllPrefix, key));
    }

    [Theory]
    [InlineData("dedup/web/rpv2-0.8/notes.txt")]
    [InlineData("dedup/web/rpv2-0.8/edges/00001.parquet")]
    [InlineData("dedup/index/normalized/3f/42.bin")]
    [InlineData("dedup/index/normalized/zz/0000000042-0123456789abcdef0123456789abcdef.bin")]
    [InlineData("datasets/web/0123/manifest.json")]
    public void AKeyOfAnotherShape_IsNoDedupObject(string key)
    {
        Assert.Null(DedupKeys.IndexObjectOf(key));
        Assert.Null(DedupKeys.JobFileOf(key));
    }

    [Fact]
    public void AVersionsManifestAndRankingFiles_ReadBackAsTheVersion()
    {
        var version = new DatasetVersionKey("web", "0123456789ab");

        Assert.Equal(version, DatasetKeys.ManifestOf(DatasetKeys.Of("web", "0123456789ab", DatasetKeys.Manifest)));
        Assert.Equal(version, DatasetKeys.RanksOf(DatasetKeys.Of("web", "0123456789ab", DatasetKeys.Ranks(1, 2, 3))));
        Assert.Null(DatasetKeys.RanksOf(DatasetKeys.Of("web", "0123456789ab", DatasetKeys.Manifest)));
        Assert.Null(DatasetKeys.ManifestOf(DatasetKeys.Of("web", "0123456789ab", DatasetKeys.Tokens(0))));
        // A part's folder holds no manifest: a file of that name deeper down is not the version's.
        Assert.Null(DatasetKeys.ManifestOf(DatasetKeys.Of("web", "0123456789ab", DatasetKeys.DocumentsFolder + DatasetKeys.Manifest)));
        Assert.Null(DatasetKeys.ManifestOf("dedup/web/0123456789ab/manifest.json"));
    }

    [Fact]
    public void APartsFiles_SitInTheirFolders()
    {
        Assert.Equal("documents/00007.jsonl.zst", DatasetKeys.Documents(7));
        Assert.StartsWith(DatasetKeys.TokensFolder, DatasetKeys.Tokens(7));
        Assert.StartsWith(DatasetKeys.ValidationFolder, DatasetKeys.Validation(7));
    }

    [Fact]
    public void QuarantineAndModels_HaveOneLayout()
    {
        Assert.Equal("quarantine/web/", IngestionKeys.QuarantinePrefix("web"));
        Assert.StartsWith(IngestionKeys.QuarantinePrefix("web"), IngestionKeys.Quarantine("web", "a/b"));
        Assert.StartsWith(IngestionKeys.QuarantinePrefix("web"), SignalsKeys.Quarantine("web", 1, "rpv2"));
        Assert.Equal("models/signals/wikiref/v1/lm.en.rfsm", ModelKeys.SignalModel("wikiref", "v1", "lm", "en"));
        Assert.StartsWith(ModelKeys.SignalsPrefix, ModelKeys.SignalModel("wikiref", "v1", "lm", "en"));
    }
}
