using Microsoft.Extensions.Configuration;
using Refinery.Hosting;
using Refinery.Storage;

namespace Refinery.Host.Cli;

/// <summary>The object store a running platform would use, from the configuration sources `serve` reads
/// (appsettings.json and environment variables in the `__` form), for verbs that write into it directly.</summary>
public static class PlatformStore
{
    public static async Task<IObjectStore> CreateAsync(IReadOnlyDictionary<string, string?> overrides, CancellationToken ct)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides)
            .Build();
        var store = ObjectStoreFactory.Create(configuration);
        if (store is S3ObjectStore s3) await s3.EnsureBucketAsync(ct);
        return store;
    }
}
