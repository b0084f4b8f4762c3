using System.Threading.Channels;

namespace Refinery.Hosting.Jobs;

/// <summary>Wakes this process's worker of <typeparamref name="TJob"/> when its own consumer queued a job, instead of
/// waiting for the next poll.</summary>
public sealed class JobSignal<TJob>
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _channel.Writer.TryWrite(true);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try { await _channel.Reader.ReadAsync(cts.Token); }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
    }
}
