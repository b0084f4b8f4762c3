namespace Refinery.Ingestion.Pipeline;

/// <summary>What one source contributed.</summary>
public sealed record SourceSummary(string Key, string Source, long Accepted, long Rejected, long InvalidUtf8Replaced);

/// <summary>The counts of a whole corpus run; Read = Accepted + Rejected by construction.</summary>
public sealed class IngestionSummary
{
    public long Accepted { get; set; }
    public long Rejected { get; set; }
    public long Read => Accepted + Rejected;
    public long InvalidUtf8Replaced { get; set; }
    public int ShardCount { get; set; }
    public SortedDictionary<string, long> RejectedByReason { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> Languages { get; } = new(StringComparer.Ordinal);
    public List<SourceSummary> Sources { get; } = [];

    public void CountRejection(string reason)
    {
        Rejected++;
        RejectedByReason[reason] = RejectedByReason.GetValueOrDefault(reason) + 1;
    }

    public void CountLanguage(string lang) => Languages[lang] = Languages.GetValueOrDefault(lang) + 1;
}
