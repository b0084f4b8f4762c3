using Microsoft.Extensions.Hosting;
using Refinery.Storage;

namespace Refinery.Hosting;

/// <summary>Creates the bucket at start when the store is S3 and it is missing (a fresh MinIO, say); stores
/// report a missing bucket as an error rather than as an empty store.</summary>
internal sealed class ObjectStoreInitializer(IObjectStore store) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (store is S3ObjectStore s3) await s3.EnsureBucketAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
