using System.Runtime.ExceptionServices;

namespace Refinery.Quality.Rpv2;

/// <summary>Reading, computing and writing on their own threads: the caller reads and submits batches; one dedicated
/// thread per degree of parallelism computes whole batches, each with its own computer; one delivery thread hands
/// the results to <c>onComputed</c> in batch order. Idle threads sleep on one monitor (no spinning) and wake once per
/// batch, never per document, and no thread-pool work is queued per document, so N threads cost about the CPU of one.
/// At most two batches per worker are in flight, so memory stays bounded.</summary>
public sealed class SignalBatchPipeline
{
    private readonly ParallelSignals _parallel;
    private readonly Func<IReadOnlyList<SignalDocument>, SignalResult[], Task> _onComputed;
    private readonly object _gate = new(); // a monitor: Monitor.Wait and PulseAll need one
    private readonly Queue<Job> _toCompute = new();
    private readonly Queue<Job> _toDeliver = new();
    private readonly int _capacity;
    private readonly Thread[] _workers;
    private readonly Thread _delivery;
    private ExceptionDispatchInfo? _failure;
    private bool _started, _completed;

    public SignalBatchPipeline(ParallelSignals parallel, Func<IReadOnlyList<SignalDocument>, SignalResult[], Task> onComputed)
    {
        _parallel = parallel;
        _onComputed = onComputed;
        _capacity = 2 * parallel.DegreeOfParallelism;
        _workers = new Thread[parallel.DegreeOfParallelism];
        for (var i = 0; i < _workers.Length; i++)
            _workers[i] = new Thread(Compute) { IsBackground = true, Name = $"signals-compute-{i}" };
        _delivery = new Thread(Deliver) { IsBackground = true, Name = "signals-deliver" };
    }

    /// <summary>Queues <paramref name="batch"/> for computing, waiting while too many batches are in flight. The caller
    /// must not reuse the list. Throws what <c>onComputed</c> threw for an earlier batch.</summary>
    public Task SubmitAsync(IReadOnlyList<SignalDocument> batch)
    {
        if (batch.Count == 0 || HasRoom())
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

    /// <summary><see cref="SubmitAsync"/> for a caller on its own thread: blocks while too many batches are in flight.</summary>
    public void Submit(IReadOnlyList<SignalDocument> batch)
    {
        _failure?.Throw();
        if (batch.Count == 0) return;
        lock (_gate)
        {
            Start();
            while (_toDeliver.Count >= _capacity) Monitor.Wait(_gate);
            var job = new Job(batch);
            _toDeliver.Enqueue(job);
            _toCompute.Enqueue(job);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until every submitted batch has been delivered.</summary>
    public async Task CompleteAsync()
    {
        bool join;
        lock (_gate)
        {
            join = _started && !_completed;
            _completed = true;
            Monitor.PulseAll(_gate);
        }
        if (join)
        {
            // Joining blocks; keep it off the caller's thread.
            await Task.Factory.StartNew(() =>
            {
                foreach (var worker in _workers) worker.Join();
                _delivery.Join();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).ConfigureAwait(false);
        }
        _failure?.Throw();
    }

    private bool HasRoom()
    {
        lock (_gate) return _toDeliver.Count < _capacity;
    }

    private void Start()
    {
        if (_started) return;
        _started = true;
        foreach (var worker in _workers) worker.Start();
        _delivery.Start();
    }

    private void Compute()
    {
        while (true)
        {
            Job job;
            lock (_gate)
            {
                while (_toCompute.Count == 0 && !_completed) Monitor.Wait(_gate);
                if (_toCompute.Count == 0) return;
                job = _toCompute.Dequeue();
            }
            var results = _failure is null ? _parallel.ComputeInOrder(job.Batch) : [];
            lock (_gate)
            {
                job.Results = results;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void Deliver()
    {
        while (true)
        {
            Job job;
            lock (_gate)
            {
                // In order: the oldest batch, once computed.
                while ((_toDeliver.Count == 0 && !_completed) || (_toDeliver.Count > 0 && _toDeliver.Peek().Results is null))
                    Monitor.Wait(_gate);
                if (_toDeliver.Count == 0) return;
                job = _toDeliver.Peek();
            }
            try
            {
                if (_failure is null) _onComputed(job.Batch, job.Results!).GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                // Later batches are drained unprocessed; the next Submit or CompleteAsync rethrows.
                _failure ??= ExceptionDispatchInfo.Capture(ex);
            }
            lock (_gate)
            {
                _toDeliver.Dequeue();
                Monitor.PulseAll(_gate);
            }
        }
    }

    private sealed class Job(IReadOnlyList<SignalDocument> batch)
    {
        public IReadOnlyList<SignalDocument> Batch { get; } = batch;
        public SignalResult[]? Results { get; set; }
    }
}
