namespace Refinery.Gateway.Domain;

/// <summary>The gateway's read model of one corpus, projected from the ingestion events and its own submissions.</summary>
public sealed class CorpusView
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public string Stage { get; set; } = CorpusStages.Submitted;
    public int SourceCount { get; set; }
    public int ShardCount { get; set; }
    public long Read { get; set; }
    public long Accepted { get; set; }
    public long Rejected { get; set; }
    public long InvalidUtf8Replaced { get; set; }
    /// <summary>JSON object: reason → count.</summary>
    public string RejectedByReasonJson { get; set; } = "{}";
    /// <summary>JSON object: language code → document count.</summary>
    public string LanguagesJson { get; set; } = "{}";
    public string? Error { get; set; }
    /// <summary>The step that failed ("request", "read sources"; "send" when the gateway could not hand the submission
    /// on), with <see cref="Error"/>.</summary>
    public string? FailedStep { get; set; }
    /// <summary>The newest ingestion run (generation) of the corpus the gateway has seen an event of; events of an
    /// older run change nothing.</summary>
    public int Generation { get; set; }
    /// <summary>SHA-256 (hex) of what the gateway accepted under this name: its sources' contents, formats and the
    /// reader settings. Set once, by the submission that claimed the name; null for a corpus from before fingerprints
    /// or one the gateway did not submit (then its content is unknown and its name stays taken).</summary>
    public string? Fingerprint { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>The signals of one document shard of a corpus with one configuration, as the signals service last announced
/// them: computed, or failed at a step with the reason.</summary>
public sealed class CorpusSignalShardView
{
    public Guid CorpusId { get; set; }
    public string Config { get; set; } = "";
    public int Shard { get; set; }
    public string State { get; set; } = SignalShardStates.Computed;
    public int DocumentCount { get; set; }
    public string? FailedStep { get; set; }
    public string? Error { get; set; }
    /// <summary>When the announcement was sent, by its sender's clock; an older one changes nothing.</summary>
    public DateTime UpdatedAt { get; set; }
}

public static class SignalShardStates
{
    public const string Computed = "computed", Failed = "failed";
}

/// <summary>One document shard of a corpus that the gateway has seen announced.</summary>
public sealed class CorpusShardView
{
    public Guid CorpusId { get; set; }
    public int Shard { get; set; }
    public string Key { get; set; } = "";
    public string Sha256 { get; set; } = "";
    public long Length { get; set; }
    public int DocumentCount { get; set; }
    public DateTime UpdatedAt { get; set; }
}
