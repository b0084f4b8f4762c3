using MassTransit;

namespace Refinery.Host.Embedded;

/// <summary>Sends a command to the embedded platform and waits for the event that answers it, or for the fault of the
/// command: a temporary endpoint listens before the command goes out, so a fast answer is not missed.</summary>
public static class EventAwaiter
{
    /// <param name="faultOf">Whether a fault is of this command (records with lists do not compare by value).</param>
    public static Task<TEvent> RequestAsync<TCommand, TEvent>(IBus bus, string queue, TCommand command, Func<TEvent, bool> answers,
        TimeSpan timeout, CancellationToken ct, Func<TCommand, bool>? faultOf = null) where TCommand : class where TEvent : class =>
        RequestAsync(bus, queue, command, answers, timeout, ct, faultOf, (_, _) => { });

    /// <summary>As above, and a <typeparamref name="TFailure"/> event for which <paramref name="failure"/> gives a
    /// reason ends the wait with that reason: a later step of the command's work failed.</summary>
    public static Task<TEvent> RequestAsync<TCommand, TEvent, TFailure>(IBus bus, string queue, TCommand command, Func<TEvent, bool> answers,
        Func<TFailure, string?> failure, TimeSpan timeout, CancellationToken ct, Func<TCommand, bool>? faultOf = null)
        where TCommand : class where TEvent : class where TFailure : class =>
        RequestAsync(bus, queue, command, answers, timeout, ct, faultOf, (e, done) => e.Handler<TFailure>(c =>
        {
            if (failure(c.Message) is { } reason) done.TrySetException(new InvalidOperationException(reason));
            return Task.CompletedTask;
        }));

    private static async Task<TEvent> RequestAsync<TCommand, TEvent>(IBus bus, string queue, TCommand command, Func<TEvent, bool> answers,
        TimeSpan timeout, CancellationToken ct, Func<TCommand, bool>? faultOf,
        Action<IReceiveEndpointConfigurator, TaskCompletionSource<TEvent>> alsoListen) where TCommand : class where TEvent : class
    {
        faultOf ??= faulted => Equals(faulted, command);
        var done = new TaskCompletionSource<TEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
        {
            e.Handler<TEvent>(c =>
            {
                if (answers(c.Message)) done.TrySetResult(c.Message);
                return Task.CompletedTask;
            });
            e.Handler<Fault<TCommand>>(c =>
            {
                if (faultOf(c.Message.Message))
                    done.TrySetException(new InvalidOperationException(string.Join("; ", c.Message.Exceptions.Select(x => x.Message))));
                return Task.CompletedTask;
            });
            alsoListen(e, done);
        });
        try
        {
            await handle.Ready.WaitAsync(ct);
            await (await bus.GetSendEndpoint(Contracts.CommandQueues.Uri(queue))).Send(command, ct);
            return await done.Task.WaitAsync(timeout, ct);
        }
        finally
        {
            await handle.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Publishes an event and waits for the one that follows from it (no command, so no fault to watch).</summary>
    public static async Task<TAnswer> PublishAsync<TEvent, TAnswer>(IBus bus, TEvent message, Func<TAnswer, bool> answers, TimeSpan timeout,
        CancellationToken ct) where TEvent : class where TAnswer : class
    {
        var done = new TaskCompletionSource<TAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
            e.Handler<TAnswer>(c =>
            {
                if (answers(c.Message)) done.TrySetResult(c.Message);
                return Task.CompletedTask;
            }));
        try
        {
            await handle.Ready.WaitAsync(ct);
            await bus.Publish(message, ct);
            return await done.Task.WaitAsync(timeout, ct);
        }
        finally
        {
            await handle.StopAsync(CancellationToken.None);
        }
    }
}
