namespace Refinery.Contracts;

/// <summary>The queue that owns each command (commands go to exactly one owner). A test pins these to the consumers.</summary>
public static class CommandQueues
{
    public const string IngestCorpus = "ingestion-ingest-corpus";
    public const string DeduplicateCorpus = "dedup-deduplicate-corpus";
    public const string HashDedupShard = "dedup-hash-dedup-shard";
    public const string LinkDedupPartition = "dedup-link-dedup-partition";
    public const string FinishDedup = "dedup-finish-dedup";
    public const string CreateDatasetVersion = "curation-create-dataset-version";
    public const string CreateDatasetMixture = "curation-create-dataset-mixture";
    public const string RankDatasetPart = "curation-rank-dataset-part";
    public const string FinishDatasetRanking = "curation-finish-dataset-ranking";
    public const string CurateDatasetPart = "curation-curate-dataset-part";
    public const string FinishDatasetVersion = "curation-finish-dataset-version";
    public const string SubmitTrainingJob = "training-submit-training-job";
    public const string CancelTrainingJob = "training-cancel-training-job";

    public static Uri Uri(string queue) => new($"queue:{queue}");
}
