using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Refinery.Quality.Rpv2;
using Refinery.Signals.Options;

namespace Refinery.Signals.Pipeline;

/// <summary>The outcome of one document: its signals, or why computing them failed.</summary>
public readonly record struct ComputeResult(DocumentSignals? Signals, string? Error);

/// <summary>Computes batches of documents in parallel with one <see cref="Rpv2SignalComputer"/> per worker (a computer
/// is not thread-safe). The process has MaxConcurrency slots in all, shared by every shard it handles at once, so
/// several shards in flight never run more computations than there are cores.</summary>
public sealed class ComputerPool(IOptions<SignalsOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);
    private readonly ConcurrentBag<Rpv2SignalComputer> _idle = [];
    private readonly int _maxWorkers = options.Value.MaxConcurrency;

    /// <summary>Results in the order of <paramref name="documents"/>.</summary>
    public async Task<ComputeResult[]> ComputeAsync(IReadOnlyList<SignalDocument> documents, Rpv2Resources resources, CancellationToken ct)
    {
        var results = new ComputeResult[documents.Count];
        var next = -1;
        var workers = Math.Min(_maxWorkers, documents.Count);
        var tasks = new Task[workers];
        for (var w = 0; w < workers; w++)
            tasks[w] = Task.Run(() => WorkAsync(documents, resources, results, () => Interlocked.Increment(ref next), ct), ct);
        await Task.WhenAll(tasks).ConfigureAwait(false);
        return results;
    }

    private async Task WorkAsync(IReadOnlyList<SignalDocument> documents, Rpv2Resources resources, ComputeResult[] results,
        Func<int> take, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        var computer = Rent(resources);
        try
        {
            int i;
            while ((i = take()) < documents.Count)
            {
                ct.ThrowIfCancellationRequested();
                try
                {
                    results[i] = new ComputeResult(computer.Compute(documents[i]), null);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    results[i] = new ComputeResult(null, $"{ex.GetType().Name}: {ex.Message}");
                    // Its scratch state may be half-written: never reuse a computer that threw.
                    computer = new Rpv2SignalComputer(resources);
                }
            }
        }
        finally
        {
            _idle.Add(computer);
            _slots.Release();
        }
    }

    private Rpv2SignalComputer Rent(Rpv2Resources resources)
    {
        while (_idle.TryTake(out var computer))
            if (ReferenceEquals(computer.Resources, resources)) return computer;
        return new Rpv2SignalComputer(resources);
    }

    public void Dispose() => _slots.Dispose();
}
