using MassTransit;

namespace Refinery.Hosting.Bus;

/// <summary>A queue that every process of a service shares (competing consumers), each process taking at most
/// <c>concurrency</c> messages at once and prefetching no more, so a second process gets work instead of waiting
/// behind messages the first has buffered.</summary>
public abstract class CompetingConsumerDefinition<TConsumer> : ConsumerDefinition<TConsumer> where TConsumer : class, IConsumer
{
    private readonly int _concurrency;

    protected CompetingConsumerDefinition(string queue, int concurrency)
    {
        EndpointName = queue;
        _concurrency = concurrency;
        ConcurrentMessageLimit = concurrency;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.PrefetchCount = _concurrency;
}
