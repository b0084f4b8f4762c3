using Microsoft.Extensions.Options;
using Refinery.Quality.Models;
using Refinery.Quality.Rpv2;
using Refinery.Signals.Options;

namespace Refinery.Signals.Pipeline;

/// <summary>The process's one compute engine: <see cref="ParallelSignals"/> over MaxConcurrency cores (one computer
/// per worker). Shards handled at once take turns batch by batch, so reading, uploading and recording of one shard
/// overlap with computing another while the cores are never asked for more than MaxConcurrency computations.</summary>
public sealed class SignalCompute(IOptions<SignalsOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private ParallelSignals? _parallel;
    private Rpv2Resources? _resources;
    private ModelSignalSet? _models;

    /// <summary>Results index for index with <paramref name="batch"/>.</summary>
    public async Task<SignalResult[]> ComputeAsync(IReadOnlyList<SignalDocument> batch, Rpv2Resources resources,
        ModelSignalSet? models, CancellationToken ct)
    {
        if (batch.Count == 0) return [];
        await _turn.WaitAsync(ct);
        try
        {
            if (_parallel is null || !ReferenceEquals(_resources, resources) || !ReferenceEquals(_models, models))
            {
                _parallel = new ParallelSignals(resources, options.Value.MaxConcurrency, models);
                _resources = resources;
                _models = models;
            }
            var parallel = _parallel;
            // Parallel.For blocks its caller until the batch is done: keep that off the consumer's thread.
            return await Task.Run(() => parallel.Compute(batch), ct);
        }
        finally
        {
            _turn.Release();
        }
    }

    public void Dispose() => _turn.Dispose();
}
