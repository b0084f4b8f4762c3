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
        var setup = await s3.EnsureBucketAsync(ct);
        if (setup.AbortIncompleteUploadsAfterDays is { } days)
            logger.LogInformation("S3 bucket {Bucket} aborts incomplete multipart uploads after {Days} days", s3.Bucket, days);
        else
            logger.LogWarning("S3 bucket {Bucket} has no rule aborting incomplete multipart uploads ({Problem}); parts of killed uploads stay until one is added",
                s3.Bucket, setup.LifecycleProblem ?? "its lifecycle configuration has none");
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
