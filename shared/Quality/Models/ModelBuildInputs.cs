using System.Security.Cryptography;
using System.Text;

namespace Refinery.Quality.Models;

/// <summary>What a model is built from. <see cref="Reference"/> is the target class (Wikipedia, books, …),
/// <see cref="Web"/> random web text; <see cref="HeldOutFraction"/> of each is kept out of training for the metrics.</summary>
public sealed record ModelBuildInputs
{
    public required string Name { get; init; }
    public string Language { get; init; } = "en";
    public required IReadOnlyList<string> Reference { get; init; }
    public IReadOnlyList<string> Web { get; init; } = [];
    /// <summary>Names and sha256 of the input files; when empty, one descriptor per side is derived from the text.</summary>
    public IReadOnlyList<CorpusDescriptor> Corpora { get; init; } = [];
    public ulong Seed { get; init; } = 42;
    public double HeldOutFraction { get; init; } = 0.1;
    /// <summary>Recorded in the header; fixed by the caller so the same inputs give the same bytes.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    internal IReadOnlyList<CorpusDescriptor> DescribeCorpora() => Corpora.Count > 0 ? Corpora :
    [
        new CorpusDescriptor("ref", "reference", Sha256(Reference), Reference.Count),
        .. Web.Count > 0 ? [new CorpusDescriptor("web", "web", Sha256(Web), Web.Count)] : Array.Empty<CorpusDescriptor>(),
    ];

    private static string Sha256(IReadOnlyList<string> documents)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var document in documents)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(document));
            hash.AppendData([0]);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
