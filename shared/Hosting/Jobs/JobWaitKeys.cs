namespace Refinery.Hosting.Jobs;

/// <summary>The keys of the conditions requests wait for, one per awaited output, so the waiter and the releasing event
/// of any service name a condition the same way.</summary>
public static class JobWaitKeys
{
    /// <summary>The end of a corpus's ingestion run (released by <c>CorpusIngested</c>).</summary>
    public static string Ingested(Guid corpusId) => $"ingested:{corpusId:N}";

    /// <summary>The signal shards of <paramref name="config"/> of a corpus (released by each <c>ShardSignalsComputed</c>).</summary>
    public static string Signals(Guid corpusId, string config) => $"signals:{corpusId:N}:{config}";

    /// <summary>The duplicate clusters of a corpus at a dedup configuration tag (released by <c>CorpusDeduplicated</c>).</summary>
    public static string Dedup(Guid corpusId, string config) => $"dedup:{corpusId:N}:{config}";

    /// <summary>A dataset version, complete with its manifest (released by <c>DatasetVersionCreated</c>).</summary>
    public static string Dataset(string dataset, string version) => $"dataset:{dataset}@{version}";
}
