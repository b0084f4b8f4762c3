namespace Refinery.Contracts.Ingestion;

/// <summary>Command: read the named raw sources and cut them into document shards.</summary>
public sealed record IngestCorpus
{
    public required Guid CorpusId { get; init; }
    public required string Name { get; init; }
    public required IReadOnlyList<SourceRef> Sources { get; init; }
    public IngestSettings Settings { get; init; } = new();
}

/// <summary>One raw source already in the object store; <see cref="Format"/> null means detect from the name.</summary>
public sealed record SourceRef
{
    public required string Key { get; init; }
    public SourceFormat? Format { get; init; }
}

/// <summary>Per-corpus reader settings that change the output (so they are part of its identity).</summary>
public sealed record IngestSettings
{
    public string TextField { get; init; } = "text";
    public string IdField { get; init; } = "id";
    public string UrlField { get; init; } = "url";
    public int ShardDocuments { get; init; } = 10_000;
    public bool DetectLanguage { get; init; } = true;
}
