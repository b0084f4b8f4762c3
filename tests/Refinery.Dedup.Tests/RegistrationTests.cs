using Refinery.Contracts;
using Refinery.Contracts.Dedup;
using Refinery.Hosting.Bus;

namespace Refinery.Dedup.Tests;

public sealed class RegistrationTests
{
    [Fact]
    public void CommandQueues_AreTheDedupServicesKebabCaseEndpoints() =>
        Assert.Equal(
            [EndpointNames.For<DeduplicateCorpus>("dedup"), EndpointNames.For<HashDedupShard>("dedup"), EndpointNames.For<LinkDedupPartition>("dedup"), EndpointNames.For<FinishDedup>("dedup")],
            [CommandQueues.DeduplicateCorpus, CommandQueues.HashDedupShard, CommandQueues.LinkDedupPartition, CommandQueues.FinishDedup]);
}
