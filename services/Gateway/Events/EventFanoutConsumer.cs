using MassTransit;

namespace Refinery.Gateway.Events;

/// <summary>Hands every event of type <typeparamref name="T"/> to this process's event-stream subscribers. It sits on
/// a temporary endpoint of its own per process, so every gateway process sees every event; it never blocks.</summary>
public sealed class EventFanoutConsumer<T>(EventBroadcaster broadcaster) : IConsumer<T> where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        broadcaster.Publish(PlatformEvent.From(context.Message, context.MessageId ?? NewId.NextGuid()));
        return Task.CompletedTask;
    }
}
