using Refinery.Contracts;
using Refinery.Contracts.Ingestion;
using Refinery.Hosting.Bus;

namespace Refinery.Hosting.Tests;

public sealed class EndpointNamesTests
{
    [Fact]
    public void IngestCorpusQueue_IsServicePrefixedKebabCase() =>
        Assert.Equal("ingestion-ingest-corpus", EndpointNames.For<IngestCorpus>("Ingestion"));

    [Fact]
    public void CommandQueue_OfIngestCorpus_IsTheIngestionConsumersEndpoint() =>
        Assert.Equal(CommandQueues.IngestCorpus, EndpointNames.For<IngestCorpus>("ingestion"));

    [Fact]
    public void EventProjection_IsNamedForItsService() =>
        Assert.Equal("gateway-corpus-shard-ingested", EndpointNames.For<CorpusShardIngested>("gateway"));
}
