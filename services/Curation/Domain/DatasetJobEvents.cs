using Refinery.Contracts;
using Refinery.Contracts.Curation;

namespace Refinery.Curation.Domain;

/// <summary>The event a finished version announces; the same for the first run and every repeated request but for the
/// request it answers.</summary>
public static class DatasetJobEvents
{
    public static DatasetVersionCreated ToEvent(this DatasetJob job, string bucket, Guid? requestId) => new()
    {
        Dataset = job.Dataset,
        Version = job.Version,
        Manifest = new ObjectRef { Bucket = bucket, Key = job.ManifestKey!, Sha256 = job.ManifestSha256!, Length = job.ManifestLength },
        Documents = job.Documents,
        KeptDocuments = job.KeptDocuments,
        Tokens = job.Tokens,
        ValidationTokens = job.ValidationTokens,
        RequestId = requestId,
    };
}
