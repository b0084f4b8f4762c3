using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Refinery.Hosting.Jobs;

/// <summary>The step of a job that failed for good (a permanent failure, or its retries exhausted), and why.</summary>
public sealed record FailedStep(string Step, string Reason);

/// <summary>Turns the final failure of a service's work items into the service's <c>…Failed</c> event (DESIGN §7 rule 4),
/// the same way in every service: MassTransit publishes <see cref="Fault{T}"/> once a consumer gives up on a message;
/// one consumer per work-item type on the service's step-faults queue names the step, finds the job and publishes
/// the event its <typeparamref name="TFailures"/> builds, so whoever waits for the job hears why it will not come.</summary>
/// <typeparam name="TFailures">The service's builder of failed events (scoped: it may read the service's catalog).</typeparam>
/// <typeparam name="TFailed">The service's failed event.</typeparam>
public sealed class StepFailures<TFailures, TFailed> where TFailures : class where TFailed : class
{
    private readonly IBusRegistrationConfigurator _bus;
    private readonly string _queue;

    internal StepFailures(IBusRegistrationConfigurator bus, string queue) => (_bus, _queue) = (bus, queue);

    /// <summary>Declares one kind of work item.</summary>
    /// <param name="queue">The queue of the consumer that does the step. Faults of the same message from other
    /// consumers (an event has several) are not failures of this step and are ignored.</param>
    /// <param name="step">The step a message is, as the event names it ("part 3").</param>
    /// <param name="failed">The failed event of the message's job; null when there is no job to name.</param>
    public StepFailures<TFailures, TFailed> Step<TMessage>(string queue, Func<TMessage, string> step,
        Func<TFailures, TMessage, FailedStep, CancellationToken, Task<TFailed?>> failed) where TMessage : class
    {
        _bus.AddSingleton(new StepDeclaration<TMessage, TFailures, TFailed>(queue, step, failed));
        _bus.AddConsumer<StepFaultConsumer<TMessage, TFailures, TFailed>>().Endpoint(e => e.Name = _queue);
        return this;
    }
}

public static class StepFailureRegistration
{
    /// <summary>Starts the declaration of a service's work items whose final failure becomes <typeparamref name="TFailed"/>;
    /// their fault consumers share <paramref name="queue"/>. Registers with the bus and the container at once, so the
    /// host and a test harness that call the same consumer registration get the same behaviour.</summary>
    public static StepFailures<TFailures, TFailed> AddStepFailures<TFailures, TFailed>(this IBusRegistrationConfigurator bus, string queue)
        where TFailures : class where TFailed : class
    {
        bus.TryAddScoped<TFailures>();
        return new StepFailures<TFailures, TFailed>(bus, queue);
    }
}

/// <summary>One declared kind of work item (see <see cref="StepFailures{TFailures,TFailed}.Step{TMessage}"/>).</summary>
public sealed record StepDeclaration<TMessage, TFailures, TFailed>(string Queue, Func<TMessage, string> Step,
    Func<TFailures, TMessage, FailedStep, CancellationToken, Task<TFailed?>> Failed) where TMessage : class;

/// <summary>Consumes the fault of one kind of work item and publishes the service's failed event.</summary>
public sealed class StepFaultConsumer<TMessage, TFailures, TFailed>(StepDeclaration<TMessage, TFailures, TFailed> declaration,
    TFailures failures, ILogger<StepFaultConsumer<TMessage, TFailures, TFailed>> logger) : IConsumer<Fault<TMessage>>
    where TMessage : class where TFailures : class where TFailed : class
{
    public async Task Consume(ConsumeContext<Fault<TMessage>> context)
    {
        var (fault, ct) = (context.Message, context.CancellationToken);
        if (!IsFrom(context.SourceAddress, declaration.Queue)) return;
        var step = new FailedStep(declaration.Step(fault.Message), string.Join("; ", fault.Exceptions.Select(Describe)));
        if (await declaration.Failed(failures, fault.Message, step, ct) is not { } failed)
        {
            // Nothing to name: the step failed for want of its job.
            logger.LogWarning("{Message} failed at {Step} without a job to fail: {Reason}", typeof(TMessage).Name, step.Step, step.Reason);
            return;
        }
        logger.LogError("{Message} failed for good at {Step}: {Reason}", typeof(TMessage).Name, step.Step, step.Reason);
        await context.Publish(failed, ct);
    }

    /// <summary>The exception's message followed by its inner exceptions': a wrapper's own rarely says why ("An error
    /// occurred while saving the entity changes…" wraps "SQLite Error 19: 'the disk is full'").</summary>
    private static string Describe(ExceptionInfo e) => e.InnerException is { } inner ? $"{e.Message} ({Describe(inner)})" : e.Message;

    /// <summary>A fault is published from the endpoint whose consumer gave up; its last path segment is the queue
    /// (rabbitmq://host/vhost/queue, loopback://localhost/queue).</summary>
    private static bool IsFrom(Uri? source, string queue) =>
        source is not null && string.Equals(source.AbsolutePath.Split('/')[^1], queue, StringComparison.Ordinal);
}
