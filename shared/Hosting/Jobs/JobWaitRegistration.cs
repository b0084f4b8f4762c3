using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Refinery.Hosting.Jobs;

/// <summary>Declares which of a service's requests may wait and which events release or fail their waits; the
/// releasing and failing consumers share one queue of the service.</summary>
public sealed class JobWaitDeclarations<TDbContext> where TDbContext : DbContext
{
    private readonly IBusRegistrationConfigurator _bus;
    private readonly string _queue;
    private readonly JobWaiters<TDbContext> _waiters;

    internal JobWaitDeclarations(IBusRegistrationConfigurator bus, string queue, JobWaiters<TDbContext> waiters) =>
        (_bus, _queue, _waiters) = (bus, queue, waiters);

    /// <summary>A request that may wait: sent again to <paramref name="queue"/> (its consumer's), and when the wait fails
    /// (the awaited work failed, or the wait timed out) answered with the event <paramref name="failed"/> builds from it and the reason.</summary>
    public JobWaitDeclarations<TDbContext> Waiter<TMessage, TFailed>(string queue, Func<TMessage, string, TFailed> failed)
        where TMessage : class where TFailed : class
    {
        _waiters.Add(typeof(TMessage), new JobWaiter<TMessage, TFailed>(queue, failed));
        return this;
    }

    /// <summary>An event that releases the waits of the key it names: their requests are sent again.</summary>
    public JobWaitDeclarations<TDbContext> ReleasedBy<TEvent>(Func<TEvent, string> key) where TEvent : class
    {
        _bus.AddSingleton(new WaitReleaser<TEvent, TDbContext>(key));
        _bus.AddConsumer<JobWaitReleaseConsumer<TEvent, TDbContext>>().Endpoint(e => e.Name = _queue);
        return this;
    }

    /// <summary>An event saying the awaited work of the key it names will not come: its waiters fail with <paramref name="reason"/>.</summary>
    public JobWaitDeclarations<TDbContext> FailedBy<TEvent>(Func<TEvent, string> key, Func<TEvent, string> reason) where TEvent : class
    {
        _bus.AddSingleton(new WaitFailer<TEvent, TDbContext>(key, reason));
        _bus.AddConsumer<JobWaitFailConsumer<TEvent, TDbContext>>().Endpoint(e => e.Name = _queue);
        return this;
    }
}

public static class JobWaitRegistration
{
    /// <summary>Starts the declaration of a service's waiting requests, whose waits live in <typeparamref name="TDbContext"/>
    /// (its model calls <see cref="JobWaitModel.AddJobWaits"/>); the releasing consumers listen on <paramref name="queue"/>.
    /// Registers <see cref="JobWaits{TDbContext}"/> for the request consumers.</summary>
    public static JobWaitDeclarations<TDbContext> AddJobWaits<TDbContext>(this IBusRegistrationConfigurator bus, string queue)
        where TDbContext : DbContext
    {
        var waiters = new JobWaiters<TDbContext>();
        bus.AddSingleton(waiters);
        bus.TryAddSingleton(TimeProvider.System);
        bus.TryAddScoped<JobWaits<TDbContext>>();
        return new JobWaitDeclarations<TDbContext>(bus, queue, waiters);
    }
}

public sealed record WaitReleaser<TEvent, TDbContext>(Func<TEvent, string> Key) where TEvent : class where TDbContext : DbContext;

public sealed record WaitFailer<TEvent, TDbContext>(Func<TEvent, string> Key, Func<TEvent, string> Reason)
    where TEvent : class where TDbContext : DbContext;

/// <summary>Sends again every request waiting for the key the event names.</summary>
public sealed class JobWaitReleaseConsumer<TEvent, TDbContext>(WaitReleaser<TEvent, TDbContext> releaser, TDbContext db,
    JobWaiters<TDbContext> waiters, ILogger<JobWaitReleaseConsumer<TEvent, TDbContext>> logger) : IConsumer<TEvent>
    where TEvent : class where TDbContext : DbContext
{
    public async Task Consume(ConsumeContext<TEvent> context)
    {
        var (key, ct) = (releaser.Key(context.Message), context.CancellationToken);
        foreach (var row in await db.Set<JobWaitRow>().AsNoTracking().Where(w => w.Key == key).ToListAsync(ct))
        {
            logger.LogInformation("{Event} releases a request waiting for {WaitingFor}", typeof(TEvent).Name, row.WaitingFor);
            await JobWaitRelease.SendAgainAsync(db, waiters, context, row, ct);
        }
    }
}

/// <summary>Fails every request waiting for the key the event names: what it waited for will not come.</summary>
public sealed class JobWaitFailConsumer<TEvent, TDbContext>(WaitFailer<TEvent, TDbContext> failer, TDbContext db,
    JobWaiters<TDbContext> waiters, ILogger<JobWaitFailConsumer<TEvent, TDbContext>> logger) : IConsumer<TEvent>
    where TEvent : class where TDbContext : DbContext
{
    public async Task Consume(ConsumeContext<TEvent> context)
    {
        var (key, ct) = (failer.Key(context.Message), context.CancellationToken);
        foreach (var row in await db.Set<JobWaitRow>().AsNoTracking().Where(w => w.Key == key).ToListAsync(ct))
        {
            var reason = $"waited for {row.WaitingFor}, which failed: {failer.Reason(context.Message)}";
            logger.LogWarning("A waiting request fails: {Reason}", reason);
            await JobWaitRelease.FailAsync(db, waiters, context, row, reason, ct);
        }
    }
}
