using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Refinery.Gateway.Options;

namespace Refinery.Gateway.Events;

/// <summary>In-process fan-out of platform events to /api/events subscribers. Each subscriber has a bounded
/// buffer; when it is full the oldest event is dropped, so a slow client never holds up the bus.</summary>
public sealed class EventBroadcaster(IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<EventSubscription, byte> _subscribers = new();

    public int SubscriberCount => _subscribers.Count;

    public EventSubscription Subscribe(EventFilter filter)
    {
        var subscription = new EventSubscription(this, filter, options.Value.EventBufferPerSubscriber);
        _subscribers.TryAdd(subscription, 0);
        return subscription;
    }

    public void Publish(PlatformEvent e)
    {
        foreach (var subscriber in _subscribers.Keys)
            if (subscriber.Filter.Matches(e)) subscriber.Offer(e);
    }

    internal void Remove(EventSubscription subscription) => _subscribers.TryRemove(subscription, out _);
}

/// <summary>One subscriber's buffer of matching events. Dispose to unsubscribe.</summary>
public sealed class EventSubscription : IDisposable
{
    private readonly EventBroadcaster _owner;
    private readonly Channel<PlatformEvent> _channel;
    private long _dropped;

    internal EventSubscription(EventBroadcaster owner, EventFilter filter, int capacity)
    {
        _owner = owner;
        Filter = filter;
        _channel = Channel.CreateBounded<PlatformEvent>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    public EventFilter Filter { get; }
    public ChannelReader<PlatformEvent> Reader => _channel.Reader;

    /// <summary>Events dropped so far because this subscriber fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal void Offer(PlatformEvent e) => _channel.Writer.TryWrite(e);

    public void Dispose()
    {
        _owner.Remove(this);
        _channel.Writer.TryComplete();
    }
}

/// <summary>Which events a subscriber wants: a set of type names (empty: all) and subject ids (corpus, job, model).</summary>
public sealed record EventFilter(IReadOnlySet<string> Types, IReadOnlyDictionary<string, string> Subjects)
{
    public static readonly EventFilter All = new(new HashSet<string>(), new Dictionary<string, string>());

    public bool Matches(PlatformEvent e)
    {
        if (Types.Count > 0 && !Types.Contains(e.Type)) return false;
        foreach (var (subject, id) in Subjects)
            if (!e.Subjects.TryGetValue(subject, out var value) || !string.Equals(value, id, StringComparison.OrdinalIgnoreCase))
                return false;
        return true;
    }
}
