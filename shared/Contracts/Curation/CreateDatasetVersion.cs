namespace Refinery.Contracts.Curation;

/// <summary>Command: cut a version of a dataset from corpora whose signals are computed, with a recipe, into kept
/// documents, token shards, a manifest, a datasheet and statistics. A version is addressed by its content: the same
/// inputs, recipe and options give the same version, which is created once and never changes.</summary>
public sealed record CreateDatasetVersion
{
    public required string Dataset { get; init; }
    public required IReadOnlyList<string> Corpora { get; init; }
    /// <summary>A built-in recipe's name (gopher, gopher-rules-pass, c4, dedup-only, none) or a recipe's text.</summary>
    public required string Recipe { get; init; }
    /// <summary>The name a recipe given as text goes by in the manifest, datasheet and errors (a built-in has its own).
    /// Not part of the version's identity: the recipe's text is.</summary>
    public string? RecipeName { get; init; }
    /// <summary>"gpt2" or "bytes".</summary>
    public TokenizerKind Tokenizer { get; init; } = TokenizerKind.Gpt2;
    /// <summary>The share of documents held out as the validation part, chosen by a hash of the document id.</summary>
    public double ValidationFraction { get; init; } = 0.01;
    public string SignalsConfig { get; init; } = "rpv2";
    /// <summary>Free text for the datasheet's motivation section.</summary>
    public string? Description { get; init; }
    /// <summary>Chosen by whoever asks (the gateway), copied into the events that answer this request so the asker
    /// can tell its answer from another's for the same dataset; not part of the version's identity.</summary>
    public Guid? RequestId { get; init; }
}
