namespace Refinery.Quality.Rpv2;

/// <summary>Overlaps reading with computing: while one batch is computed (and handed to <c>onComputed</c>, in batch
/// order), the caller reads the next. At most one batch is in flight, so memory stays at two batches.</summary>
public sealed class SignalBatchPipeline(ParallelSignals parallel, Func<IReadOnlyList<SignalDocument>, SignalResult[], Task> onComputed)
{
    private Task? _pending;

    /// <summary>Starts computing <paramref name="batch"/> once the previous one is done. The caller must not reuse the list.</summary>
    public async Task SubmitAsync(IReadOnlyList<SignalDocument> batch)
    {
        if (_pending is not null) await _pending;
        if (batch.Count == 0)
        {
            _pending = null;
            return;
        }
        _pending = Task.Run(async () => await onComputed(batch, parallel.Compute(batch)));
    }

    /// <summary>Waits for the last batch.</summary>
    public Task CompleteAsync() => _pending ?? Task.CompletedTask;
}
