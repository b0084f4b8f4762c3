using MassTransit;
using Refinery.Dedup.Consumers;
using Refinery.TestSupport;

namespace Refinery.Dedup.Tests;

/// <summary>The dedup service on the shared <see cref="ServiceTestHost"/>, with its three consumers.</summary>
public static class DedupTestHost
{
    public static Task<ServiceTestHost> StartAsync(int partitions = 3) =>
        ServiceTestHost.StartAsync("dedup",
            new Dictionary<string, string?> { ["Refinery:Dedup:Partitions"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            b => b.AddDedupService(),
            x =>
            {
                x.AddConsumer<DeduplicateCorpusConsumer, DeduplicateCorpusConsumerDefinition>();
                x.AddConsumer<LinkDedupPartitionConsumer, LinkDedupPartitionConsumerDefinition>();
                x.AddConsumer<FinishDedupConsumer, FinishDedupConsumerDefinition>();
            });
}
