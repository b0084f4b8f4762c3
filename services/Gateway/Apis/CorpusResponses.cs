using System.Text.Json;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Domain;

namespace Refinery.Gateway.Apis;

/// <summary>Answer to an accepted submission: what will be ingested and where to follow it.</summary>
public sealed record CorpusAccepted(Guid Id, string Name, IReadOnlyList<SourceRef> Sources, string StatusUrl);

/// <summary>One corpus in the list; a failed one names the step that failed and why.</summary>
public sealed record CorpusSummary(Guid Id, string Name, string Stage, int SourceCount, int ShardCount, long Read,
    long Accepted, long Rejected, string? Error, string? FailedStep, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A page of corpora, newest first.</summary>
public sealed record CorpusPage(IReadOnlyList<CorpusSummary> Items, int Total, int Limit, int Offset);

/// <summary>One shard the gateway has seen announced.</summary>
public sealed record CorpusShardInfo(int Shard, string Key, int DocumentCount, string Sha256, long Length);

/// <summary>A shard whose signals failed for good: the step and the reason.</summary>
public sealed record SignalShardFailure(int Shard, string Step, string Reason);

/// <summary>The signals of a corpus's shards with one configuration, as announced so far: how many shards have them, and
/// the shards that failed.</summary>
public sealed record CorpusSignals(string Config, int ShardsComputed, int ShardsFailed, IReadOnlyList<SignalShardFailure> Failures)
{
    internal static IReadOnlyList<CorpusSignals> Of(IEnumerable<CorpusSignalShardView> shards) => shards
        .GroupBy(s => s.Config)
        .Select(g => new CorpusSignals(g.Key, g.Count(s => s.State == SignalShardStates.Computed), g.Count(s => s.State == SignalShardStates.Failed),
            g.Where(s => s.State == SignalShardStates.Failed).Select(s => new SignalShardFailure(s.Shard, s.FailedStep ?? "", s.Error ?? "")).ToArray()))
        .ToArray();
}

/// <summary>Everything the gateway knows of one corpus: its ingestion (a failed one names the step that failed and why),
/// its shards, and their signals.</summary>
public sealed record CorpusDetail(Guid Id, string Name, string Stage, int SourceCount, int ShardCount, long Read,
    long Accepted, long Rejected, long InvalidUtf8Replaced, IReadOnlyDictionary<string, long> RejectedByReason,
    IReadOnlyDictionary<string, long> Languages, string? Error, string? FailedStep, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<CorpusShardInfo> Shards, IReadOnlyList<CorpusSignals> Signals, string DocumentsUrl)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal static CorpusDetail From(CorpusView c, IReadOnlyList<CorpusShardInfo> shards, IReadOnlyList<CorpusSignals> signals) => new(
        c.Id, c.Name, c.Stage, c.SourceCount, c.ShardCount, c.Read, c.Accepted, c.Rejected, c.InvalidUtf8Replaced,
        Counts(c.RejectedByReasonJson), Counts(c.LanguagesJson), c.Error, c.FailedStep, Utc(c.CreatedAt), Utc(c.UpdatedAt), shards,
        signals, $"/api/corpora/{c.Id}/documents?shard=0");

    internal static CorpusSummary Summary(CorpusView c) => new(c.Id, c.Name, c.Stage, c.SourceCount, c.ShardCount,
        c.Read, c.Accepted, c.Rejected, c.Error, c.FailedStep, Utc(c.CreatedAt), Utc(c.UpdatedAt));

    private static IReadOnlyDictionary<string, long> Counts(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(json, Json) ?? [];

    // SQLite hands DateTimes back as Unspecified; they were stored as UTC.
    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
