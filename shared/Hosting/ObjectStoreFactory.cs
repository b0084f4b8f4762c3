using Microsoft.Extensions.Configuration;
using Refinery.Hosting.Options;
using Refinery.Storage;

namespace Refinery.Hosting;

/// <summary>Builds the configured object store: a folder under the data directory, or an S3 bucket.</summary>
public static class ObjectStoreFactory
{
    public static IObjectStore Create(IConfiguration configuration)
    {
        var options = configuration.GetSection(RefineryOptions.SectionName).Get<RefineryOptions>() ?? new();
        if (options.ObjectStore != ObjectStoreKind.S3)
            return new FileSystemObjectStore(Path.Combine(Path.GetFullPath(options.DataDir), "objects"), options.Bucket);
        var s3 = configuration.GetSection(S3Options.SectionName).Get<S3Options>() ?? new();
        s3.Bucket = string.IsNullOrEmpty(s3.Bucket) ? options.Bucket : s3.Bucket;
        return S3ObjectStore.Create(s3);
    }
}
