using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Options;
using Refinery.Curation.Domain;

namespace Refinery.Curation.Pipeline;

/// <summary>A job's recorded inputs, and the hash that names the version: every input's checksum, the recipe's text
/// and the options. The same inputs give the same version.</summary>
public static class JobInputs
{
    public static IReadOnlyList<PartInput> Parts(DatasetJob job) => JsonSerializer.Deserialize<List<PartInput>>(job.PartsJson) ?? [];

    public static IReadOnlyList<ClustersInput> Clusters(DatasetJob job) => JsonSerializer.Deserialize<List<ClustersInput>>(job.ClustersJson) ?? [];

    /// <summary>The SHA-256 of the version's inputs: job id from its first 16 bytes, version name from its first 12 hex digits.</summary>
    public static byte[] Hash(CreateDatasetVersion request, string recipeSha256, IReadOnlyList<PartInput> parts, IReadOnlyList<ClustersInput> clusters)
    {
        var text = new StringBuilder();
        text.Append("dataset ").Append(request.Dataset).Append('\n')
            .Append("recipe ").Append(recipeSha256).Append('\n')
            .Append("tokenizer ").Append(OptionValues<TokenizerKind>.NameOf(request.Tokenizer)).Append('\n')
            .Append("validation ").Append(request.ValidationFraction.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append('\n')
            .Append("description ").Append(request.Description ?? "").Append('\n');
        foreach (var part in parts)
            text.Append("part ").Append(part.Corpus).Append(' ').Append(part.Documents.Sha256).Append(' ').Append(part.Signals.Sha256).Append('\n');
        foreach (var c in clusters)
            text.Append("clusters ").Append(c.Corpus).Append(' ').Append(c.Threshold).Append(' ').Append(c.Clusters.Sha256).Append('\n');
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
