using System.Text.Json;
using Refinery.Contracts.Ingestion;
using Refinery.Gateway.Domain;

namespace Refinery.Gateway.Apis;

/// <summary>Answer to an accepted submission: what will be ingested and where to follow it.</summary>
public sealed record CorpusAccepted(Guid Id, string Name, IReadOnlyList<SourceRef> Sources, string StatusUrl);

/// <summary>One corpus in the list.</summary>
public sealed record CorpusSummary(Guid Id, string Name, string Stage, int SourceCount, int ShardCount, long Read,
    long Accepted, long Rejected, string? Error, DateTime CreatedAt, DateTime UpdatedAt);

/// <summary>A page of corpora, newest first.</summary>
public sealed record CorpusPage(IReadOnlyList<CorpusSummary> Items, int Total, int Limit, int Offset);

/// <summary>One shard the gateway has seen announced.</summary>
public sealed record CorpusShardInfo(int Shard, string Key, int DocumentCount, string Sha256, long Length);

/// <summary>Everything the gateway knows of one corpus.</summary>
public sealed record CorpusDetail(Guid Id, string Name, string Stage, int SourceCount, int ShardCount, long Read,
    long Accepted, long Rejected, long InvalidUtf8Replaced, IReadOnlyDictionary<string, long> RejectedByReason,
    IReadOnlyDictionary<string, long> Languages, string? Error, DateTime CreatedAt, DateTime UpdatedAt,
    IReadOnlyList<CorpusShardInfo> Shards, string DocumentsUrl)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal static CorpusDetail From(CorpusView c, IReadOnlyList<CorpusShardInfo> shards) => new(
        c.Id, c.Name, c.Stage, c.SourceCount, c.ShardCount, c.Read, c.Accepted, c.Rejected, c.InvalidUtf8Replaced,
        Counts(c.RejectedByReasonJson), Counts(c.LanguagesJson), c.Error, Utc(c.CreatedAt), Utc(c.UpdatedAt), shards,
        $"/api/corpora/{c.Id}/documents?shard=0");

    internal static CorpusSummary Summary(CorpusView c) => new(c.Id, c.Name, c.Stage, c.SourceCount, c.ShardCount,
        c.Read, c.Accepted, c.Rejected, c.Error, Utc(c.CreatedAt), Utc(c.UpdatedAt));

    private static IReadOnlyDictionary<string, long> Counts(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, long>>(json, Json) ?? [];

    // SQLite hands DateTimes back as Unspecified; they were stored as UTC.
    private static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);
}
