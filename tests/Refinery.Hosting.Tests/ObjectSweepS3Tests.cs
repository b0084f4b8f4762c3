using Microsoft.Extensions.Logging.Abstractions;
using Minio;
using Minio.DataModel.Args;
using Refinery.Hosting.Storage;
using Refinery.Storage;
using Refinery.TestSupport;

namespace Refinery.Hosting.Tests;

/// <summary>The sweep on the S3 test server, whose listings give times to the millisecond and stats to the second:
/// released objects older than the grace go, young and unreleased ones stay.</summary>
public sealed class ObjectSweepS3Tests
{
    /// <summary>Releases the keys it is given whose name ends with ".old".</summary>
    private sealed class OldFilesRule(string prefix) : IStorageSweepRule
    {
        public string Service => "s3-test";
        public IReadOnlyList<string> Prefixes => [prefix];

        public Task<IReadOnlySet<string>> ReleasedAsync(IReadOnlyCollection<string> keys, CancellationToken ct) =>
            Task.FromResult<IReadOnlySet<string>>(keys.Where(k => k.EndsWith(".old", StringComparison.Ordinal)).ToHashSet());
    }

    [Fact]
    public async Task On_S3_released_objects_past_the_grace_are_deleted_and_the_rest_kept()
    {
        var bucket = await TestInfrastructure.CreateS3BucketAsync("sweep");
        using var store = S3ObjectStore.Create(new S3Options
        {
            Endpoint = TestInfrastructure.S3Endpoint, AccessKey = TestInfrastructure.S3AccessKey, SecretKey = TestInfrastructure.S3SecretKey, Bucket = bucket,
        });
        var sweep = new ObjectSweep(store, TimeProvider.System, NullLogger<ObjectSweep>.Instance);
        await store.PutAsync("area/a.old", new MemoryStream(new byte[5]));
        await store.PutAsync("area/b.keep", new MemoryStream(new byte[6]));
        await store.PutAsync("other/c.old", new MemoryStream(new byte[7]));
        await Task.Delay(2100); // past the second the puts were stamped in, and past a 1 s grace

        await store.PutAsync("area/young.old", new MemoryStream(new byte[8]));
        var result = await sweep.RunAsync(new OldFilesRule("area/"), new SweepSettings(TimeSpan.FromSeconds(1), DryRun: false), CancellationToken.None);

        Assert.Equal(["area/a.old"], result.Swept.Select(s => s.Key));
        Assert.Equal(5, result.Bytes);
        Assert.Null(await store.StatAsync("area/a.old"));
        foreach (var key in new[] { "area/b.keep", "other/c.old", "area/young.old" }) Assert.NotNull(await store.StatAsync(key));
        foreach (var key in new[] { "area/b.keep", "other/c.old", "area/young.old" }) await store.DeleteAsync(key);
        using var raw = new MinioClient().WithEndpoint(TestInfrastructure.S3Endpoint)
            .WithCredentials(TestInfrastructure.S3AccessKey, TestInfrastructure.S3SecretKey).Build();
        await raw.RemoveBucketAsync(new RemoveBucketArgs().WithBucket(bucket));
    }
}
