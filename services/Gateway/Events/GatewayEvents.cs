using MassTransit;
using Refinery.Contracts.Curation;
using Refinery.Contracts.Dedup;
using Refinery.Contracts.Ingestion;
using Refinery.Contracts.Jobs;
using Refinery.Contracts.Signals;
using Refinery.Contracts.Training;

namespace Refinery.Gateway.Events;

/// <summary>Every platform event the gateway streams on /api/events (and later delivers to webhooks).
/// The one list: a service that adds an event contract adds one line here.</summary>
public static class GatewayEvents
{
    public static readonly IReadOnlyList<EventType> All =
    [
        EventType.Of<CorpusIngestionStarted>(),
        EventType.Of<CorpusShardIngested>(),
        EventType.Of<CorpusIngested>(),
        EventType.Of<CorpusIngestionFailed>(),
        EventType.Of<ShardSignalsComputed>(),
        EventType.Of<ShardSignalsFailed>(),
        EventType.Of<CorpusDeduplicated>(),
        EventType.Of<CorpusDeduplicationFailed>(),
        EventType.Of<DatasetVersionCreated>(),
        EventType.Of<DatasetVersionFailed>(),
        EventType.Of<JobProgressed>(),
        EventType.Of<TrainingJobStarted>(),
        EventType.Of<TrainingJobProgressed>(),
        EventType.Of<TrainingJobCompleted>(),
        EventType.Of<TrainingJobFailed>(),
        EventType.Of<TrainingJobCancelled>(),
    ];

    /// <summary>The event type with this name (case-insensitive), or null.</summary>
    public static EventType? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One streamed event type: its name on the wire (the contract's type name) and how to register the
/// consumer that fans it out to this process's subscribers.</summary>
public sealed class EventType
{
    private readonly Action<IBusRegistrationConfigurator, Action<IEndpointRegistrationConfigurator>> _addFanout;

    private EventType(Type type, Action<IBusRegistrationConfigurator, Action<IEndpointRegistrationConfigurator>> addFanout)
    {
        Type = type;
        _addFanout = addFanout;
    }

    public Type Type { get; }
    public string Name => Type.Name;

    public static EventType Of<T>() where T : class =>
        new(typeof(T), (x, endpoint) => x.AddConsumer<EventFanoutConsumer<T>>().Endpoint(endpoint));

    internal void AddFanoutConsumer(IBusRegistrationConfigurator x, Action<IEndpointRegistrationConfigurator> endpoint) =>
        _addFanout(x, endpoint);
}
