using Refinery.Text.Batching;

namespace Refinery.Quality.Rpv2;

/// <summary>Reading, computing and writing on their own threads: the caller reads and submits batches; an
/// <see cref="OrderedBatchPipeline{TBatch,TWorker}"/> computes them on one dedicated thread per degree of parallelism,
/// each with its own computer, and hands the results to <c>onComputed</c> in batch order on its delivery thread. At
/// most two batches per worker are in flight, so memory stays bounded.</summary>
public sealed class SignalBatchPipeline
{
    private readonly OrderedBatchPipeline<Job, Rpv2SignalComputer> _pipeline;

    public SignalBatchPipeline(ParallelSignals parallel, Func<IReadOnlyList<SignalDocument>, SignalResult[], Task> onComputed) =>
        _pipeline = new OrderedBatchPipeline<Job, Rpv2SignalComputer>(parallel.DegreeOfParallelism, parallel.CreateComputer,
            static (computer, job) => job.Results = ParallelSignals.ComputeInOrder(computer, job.Batch),
            job => onComputed(job.Batch, job.Results!).GetAwaiter().GetResult(),
            maxInFlight: 2 * parallel.DegreeOfParallelism, name: "signals-compute");

    /// <summary>Queues <paramref name="batch"/> for computing, waiting while too many batches are in flight. The caller
    /// must not reuse the list. Throws what <c>onComputed</c> threw for an earlier batch.</summary>
    public Task SubmitAsync(IReadOnlyList<SignalDocument> batch)
    {
        if (batch.Count == 0 || _pipeline.HasRoom)
        {
            try
            {
                Submit(batch);
                return Task.CompletedTask;
            }
            catch (Exception ex)
            {
                return Task.FromException(ex);
            }
        }
        // Waiting for room blocks; keep that off the caller's thread.
        return Task.Factory.StartNew(() => Submit(batch), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary><see cref="SubmitAsync"/> for a caller on its own thread: blocks while too many batches are in flight.
    /// An empty batch is skipped (an earlier failure then surfaces at the next batch or at completion).</summary>
    public void Submit(IReadOnlyList<SignalDocument> batch)
    {
        if (batch.Count > 0) _pipeline.Post(new Job(batch));
    }

    /// <summary>Waits until every submitted batch has been delivered.</summary>
    public Task CompleteAsync() =>
        // Joining blocks; keep it off the caller's thread.
        Task.Factory.StartNew(_pipeline.Complete, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private sealed class Job(IReadOnlyList<SignalDocument> batch)
    {
        public IReadOnlyList<SignalDocument> Batch { get; } = batch;
        public SignalResult[]? Results { get; set; }
    }
}
