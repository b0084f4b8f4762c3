namespace Refinery.Quality.Models;

/// <summary>The kinds of model file; the value is what the header's <c>kind</c> field holds.</summary>
public static class ModelKinds
{
    public const string LanguageModel = "lm";
    public const string Classifier = "classifier";
    public const string Dsir = "dsir";

    public static readonly IReadOnlyList<string> All = [LanguageModel, Classifier, Dsir];
}

/// <summary>One corpus a model was built from: its role (<c>ref</c> = target/reference, <c>web</c> = source/random
/// web), a display name, the sha256 of its input files in order, and how many documents it gave.</summary>
public sealed record CorpusDescriptor(string Role, string Name, string Sha256, int Documents);

/// <summary>The self-describing part of a model file (JSON): what the model is, what it was built from and how.
/// Everything but <see cref="CreatedAt"/> is a function of the inputs, so the same inputs give the same header.</summary>
public sealed record ModelHeader
{
    public required string Kind { get; init; }
    /// <summary>The model's name (e.g. <c>wikiref</c>, <c>books</c>, <c>ccnet</c>); decides which signals it feeds.</summary>
    public required string Name { get; init; }
    /// <summary>Content-derived version (<c>v</c> + 12 hex of sha256 over payload and settings).</summary>
    public required string Version { get; init; }
    /// <summary>ISO language code the model serves (en, fi, …).</summary>
    public required string Language { get; init; }
    /// <summary>Version of the kind-specific payload layout.</summary>
    public required int PayloadVersion { get; init; }
    public required IReadOnlyList<CorpusDescriptor> Corpora { get; init; }
    /// <summary>Settings as invariant strings, sorted by key so the JSON is canonical.</summary>
    public required SortedDictionary<string, string> HyperParameters { get; init; }
    /// <summary>Held-out figures measured at build time, sorted by key.</summary>
    public required SortedDictionary<string, double> Metrics { get; init; }
    /// <summary>UTC build time, ISO 8601 to the second; builders take it as an input so rebuilds can be byte-identical.</summary>
    public required string CreatedAt { get; init; }
}
