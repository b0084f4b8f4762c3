namespace Refinery.Contracts.Jobs;

/// <summary>The business ids jobs go by in <see cref="JobProgressed.Job"/>, defined once so the service that publishes
/// progress and the gateway that matches it with the service's completion events name a job the same way.</summary>
public static class JobIds
{
    /// <summary>A corpus's ingestion: its name ("web").</summary>
    public static string Ingestion(string corpus) => corpus;

    /// <summary>The signals of a corpus's shards with one configuration: "web/rpv2".</summary>
    public static string Signals(string corpus, string config) => $"{corpus}/{config}";

    /// <summary>A dedup of a corpus with one configuration: "web/rpv2-0.8".</summary>
    public static string Dedup(string corpus, string config) => $"{corpus}/{config}";

    /// <summary>A dataset version: "news@3f2a9c01d4e5".</summary>
    public static string DatasetVersion(string dataset, string version) => $"{dataset}@{version}";

    /// <summary>A training job: its id, the hash of its request ("3f2a9c01d4e5").</summary>
    public static string Training(string job) => job;
}
