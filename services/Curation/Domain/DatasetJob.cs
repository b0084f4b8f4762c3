using Refinery.Contracts.Curation;

namespace Refinery.Curation.Domain;

/// <summary>One dataset version being cut, or cut: its content-addressed id and version, its inputs (parts, clusters,
/// recipe, tokenizer), and once finished its manifest and totals. Part rows record the parts written.</summary>
public sealed class DatasetJob
{
    public Guid Id { get; set; }
    public string Dataset { get; set; } = "";
    /// <summary>The first 12 hex digits of the hash of every input: the version's name.</summary>
    public string Version { get; set; } = "";
    public string Status { get; set; } = DatasetJobStatus.Working;
    /// <summary>JSON list of <see cref="PartInput"/>, in part order.</summary>
    public string PartsJson { get; set; } = "[]";
    /// <summary>JSON list of <see cref="ClustersInput"/>: the dedup outputs the recipe's duplicate(…) conditions read.</summary>
    public string ClustersJson { get; set; } = "[]";
    /// <summary>JSON list, one entry per finished ranking round, of the round's <see cref="Pipeline.RankedQuantile"/>s:
    /// the thresholds of the recipe's quantile conditions, in rule order.</summary>
    public string QuantilesJson { get; set; } = "[]";
    public string RecipeName { get; set; } = "";
    public string RecipeText { get; set; } = "";
    public string RecipeSha256 { get; set; } = "";
    public TokenizerKind Tokenizer { get; set; } = TokenizerKind.Gpt2;
    public double ValidationFraction { get; set; }
    public string SignalsConfig { get; set; } = "rpv2";
    public string? Description { get; set; }
    public string? ManifestKey { get; set; }
    public string? ManifestSha256 { get; set; }
    public long ManifestLength { get; set; }
    public long Documents { get; set; }
    public long KeptDocuments { get; set; }
    public long Tokens { get; set; }
    public long ValidationTokens { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
}

public static class DatasetJobStatus
{
    public const string Working = "working", Done = "done";
}

/// <summary>One written part: its statistics and files (<see cref="Pipeline.PartStats"/> as JSON).</summary>
public sealed class DatasetPart
{
    public Guid JobId { get; set; }
    public int Part { get; set; }
    public string StatsJson { get; set; } = "{}";
}

/// <summary>One part's contribution to a ranking round: the sorted values of each of the round's quantile conditions
/// (a JSON list of <see cref="Contracts.ObjectRef"/>, in condition order).</summary>
public sealed class DatasetRanking
{
    public Guid JobId { get; set; }
    public int Round { get; set; }
    public int Part { get; set; }
    public string FilesJson { get; set; } = "[]";
}

/// <summary>One corpus shard a version reads: the document shard and its signal shard.</summary>
public sealed record PartInput(string Corpus, string Shard, Contracts.ObjectRef Documents, Contracts.ObjectRef Signals);

/// <summary>The clusters file of a corpus at a threshold.</summary>
public sealed record ClustersInput(string Corpus, double Threshold, Contracts.ObjectRef Clusters);
