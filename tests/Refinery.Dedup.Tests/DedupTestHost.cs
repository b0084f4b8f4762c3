using Refinery.TestSupport;

namespace Refinery.Dedup.Tests;

/// <summary>The dedup service on the shared <see cref="ServiceTestHost"/>, with every consumer of the service.</summary>
public static class DedupTestHost
{
    public static Task<ServiceTestHost> StartAsync(int partitions = 3, int concurrency = 2) =>
        ServiceTestHost.StartAsync("dedup",
            new Dictionary<string, string?>
            {
                ["Refinery:Dedup:Partitions"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Refinery:Dedup:MaxConcurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            b => b.AddDedupService(),
            DedupServiceExtensions.AddConsumers);
}
