using MassTransit;
using Refinery.Contracts.Ingestion;

namespace Refinery.Host.Embedded;

/// <summary>Listens on a temporary endpoint for one corpus's ingestion events until it is ingested or failed.</summary>
public sealed class CorpusEventWatch : IAsyncDisposable
{
    private readonly TaskCompletionSource<CorpusIngested> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private HostReceiveEndpointHandle? _handle;

    public Task<CorpusIngested> Completion => _done.Task;

    public static async Task<CorpusEventWatch> StartAsync(IBus bus, Guid corpusId, Action<object> onEvent, CancellationToken ct)
    {
        var watch = new CorpusEventWatch();
        watch._handle = bus.ConnectReceiveEndpoint(new TemporaryEndpointDefinition(), KebabCaseEndpointNameFormatter.Instance, e =>
        {
            e.Handler<CorpusIngestionStarted>(c => Observe(c.Message.CorpusId, c.Message));
            e.Handler<CorpusShardIngested>(c => Observe(c.Message.CorpusId, c.Message));
            e.Handler<CorpusIngested>(c =>
            {
                if (c.Message.CorpusId != corpusId) return Task.CompletedTask;
                onEvent(c.Message);
                watch._done.TrySetResult(c.Message);
                return Task.CompletedTask;
            });
            e.Handler<CorpusIngestionFailed>(c =>
            {
                if (c.Message.CorpusId != corpusId) return Task.CompletedTask;
                onEvent(c.Message);
                watch._done.TrySetException(IngestionFailures.Of(c.Message.Name, c.Message.Step, c.Message.Reason));
                return Task.CompletedTask;
            });
        });
        await watch._handle.Ready.WaitAsync(ct);
        return watch;

        Task Observe(Guid id, object message)
        {
            if (id == corpusId) onEvent(message);
            return Task.CompletedTask;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_handle is not null) await _handle.StopAsync();
    }
}
