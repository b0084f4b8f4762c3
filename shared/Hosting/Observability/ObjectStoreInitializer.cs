using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Refinery.Storage;

namespace Refinery.Hosting;

/// <summary>Creates the bucket at start when the store is S3 and it is missing (a fresh MinIO, say); stores
/// report a missing bucket as an error rather than as an empty store. Also sees that the bucket aborts
/// incomplete multipart uploads, which no sweep can list.</summary>
internal sealed class ObjectStoreInitializer(IObjectStore store, ILogger<ObjectStoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (store is not S3ObjectStore s3) return;
        var days = await s3.EnsureBucketAsync(ct);
        if (days is null)
            logger.LogWarning("S3 bucket {Bucket} has no rule aborting incomplete multipart uploads; parts of killed uploads stay until one is added",
                s3.Bucket);
        else
            logger.LogInformation("S3 bucket {Bucket} aborts incomplete multipart uploads after {Days} days", s3.Bucket, days);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
