using Refinery.Contracts;
using Refinery.Contracts.Dedup;

namespace Refinery.Dedup.Domain;

/// <summary>The event a finished job announces; the same for the first run and every rerun.</summary>
public static class DedupJobEvents
{
    public static CorpusDeduplicated ToEvent(this DedupJob job, string bucket) => new()
    {
        CorpusId = job.CorpusId,
        Corpus = job.Corpus,
        Config = job.Config,
        Threshold = job.Threshold,
        Clusters = new ObjectRef { Bucket = bucket, Key = job.ClustersKey!, Sha256 = job.ClustersSha256!, Length = job.ClustersLength },
        Documents = job.Documents,
        ClusteredDocuments = job.ClusteredDocuments,
        ClusterCount = job.ClusterCount,
        Removed = job.Removed,
        ExactDuplicates = job.ExactDuplicates,
        EarlierCorpusDuplicates = job.EarlierCorpusDuplicates,
    };
}
