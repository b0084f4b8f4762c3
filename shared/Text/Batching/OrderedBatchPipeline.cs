using System.Runtime.ExceptionServices;

namespace Refinery.Text.Batching;

/// <summary>Transforms batches on dedicated worker threads while the caller reads the next ones, and hands each batch to
/// one consumer in the order it was posted. Each worker owns its state (a computer, reused buffers) and takes whole
/// batches, so threads meet on one monitor once per batch, never per item; idle threads block rather than spin, and no
/// thread-pool work is queued. At most <c>maxInFlight</c> batches are posted but not yet consumed, which bounds memory.
/// With no workers the caller transforms and consumes each batch itself inside <see cref="Post"/>.</summary>
/// <typeparam name="TBatch">A batch: its inputs and the room for its results, filled in place by the transform.</typeparam>
/// <typeparam name="TWorker">One worker's state, created on that worker's thread and used by it alone.</typeparam>
public sealed class OrderedBatchPipeline<TBatch, TWorker> : IDisposable where TBatch : class
{
    private readonly Func<TWorker> _createWorker;
    private readonly Action<TWorker, TBatch> _transform;
    private readonly Action<TBatch> _consume;
    private readonly int _maxInFlight;
    private readonly object _gate = new(); // a monitor: Monitor.Wait and PulseAll need one
    private readonly Queue<Slot> _toTransform = new();
    private readonly Queue<Slot> _toConsume = new(); // every batch in flight, oldest first
    private readonly Thread[] _workers;
    private readonly Thread? _consumer;
    private readonly CancellationTokenRegistration _cancellation;
    private TWorker? _inline;
    private bool _hasInline, _started, _completed;
    private volatile ExceptionDispatchInfo? _failure;

    /// <param name="workers">Dedicated worker threads; 0 transforms and consumes on the caller's thread.</param>
    /// <param name="createWorker">Makes one worker's state, on the thread that will use it.</param>
    /// <param name="transform">Fills a batch's results with a worker's state.</param>
    /// <param name="consume">Receives every transformed batch, in posting order, on one thread at a time.</param>
    /// <param name="maxInFlight">Batches posted but not yet consumed before <see cref="Post"/> waits; at least 1.</param>
    /// <param name="name">Names the threads, for a debugger or a profile.</param>
    /// <param name="ct">Stops the work: waiting posts and <see cref="Complete"/> throw, batches not yet consumed are dropped.</param>
    public OrderedBatchPipeline(int workers, Func<TWorker> createWorker, Action<TWorker, TBatch> transform, Action<TBatch> consume,
        int maxInFlight, string name, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workers);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInFlight, 1);
        (_createWorker, _transform, _consume, _maxInFlight) = (createWorker, transform, consume, maxInFlight);
        _workers = new Thread[workers];
        for (var i = 0; i < workers; i++) _workers[i] = new Thread(Transform) { IsBackground = true, Name = $"{name}-{i}" };
        if (workers > 0) _consumer = new Thread(Consume) { IsBackground = true, Name = $"{name}-consume" };
        _cancellation = ct.Register(() => Fail(ExceptionDispatchInfo.Capture(new OperationCanceledException(ct))));
    }

    /// <summary>Whether a batch can be posted now without waiting.</summary>
    public bool HasRoom
    {
        get
        {
            lock (_gate) return _toConsume.Count < _maxInFlight;
        }
    }

    /// <summary>Queues <paramref name="batch"/>, waiting while <c>maxInFlight</c> batches are in flight. The caller must
    /// not touch the batch again until it has been consumed. Throws what a transform or the consumer threw for an
    /// earlier batch, or <see cref="OperationCanceledException"/> once cancelled.</summary>
    public void Post(TBatch batch)
    {
        _failure?.Throw();
        if (_consumer is null)
        {
            PostInline(batch);
            return;
        }
        lock (_gate)
        {
            if (_completed) throw new InvalidOperationException("the pipeline has been completed");
            Start();
            while (_toConsume.Count >= _maxInFlight && _failure is null) Monitor.Wait(_gate);
            _failure?.Throw();
            var slot = new Slot(batch);
            _toConsume.Enqueue(slot);
            _toTransform.Enqueue(slot);
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until every posted batch has been consumed and the threads have ended, then throws the first
    /// failure, if any. Safe to call again; every call rethrows that failure.</summary>
    public void Complete()
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
            foreach (var worker in _workers) worker.Join();
            _consumer!.Join();
        }
        _failure?.Throw();
    }

    /// <summary>Ends the threads without consuming what is still in flight (after <see cref="Complete"/>, nothing is).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (!_completed) _failure ??= ExceptionDispatchInfo.Capture(new ObjectDisposedException("OrderedBatchPipeline"));
        }
        try
        {
            Complete();
        }
        catch (Exception) when (_failure is not null)
        {
            // Disposing reports nothing: Post or Complete already threw, or the caller is leaving on an exception.
        }
        _cancellation.Dispose();
    }

    private void PostInline(TBatch batch)
    {
        try
        {
            if (!_hasInline) (_inline, _hasInline) = (_createWorker(), true);
            _transform(_inline!, batch);
            _consume(batch);
        }
        catch (Exception ex)
        {
            Fail(ExceptionDispatchInfo.Capture(ex));
            throw;
        }
    }

    private void Start()
    {
        if (_started) return;
        _started = true;
        foreach (var worker in _workers) worker.Start();
        _consumer!.Start();
    }

    private void Transform()
    {
        TWorker state;
        try
        {
            state = _createWorker();
        }
        catch (Exception ex)
        {
            Fail(ExceptionDispatchInfo.Capture(ex));
            state = default!;
        }
        while (true)
        {
            Slot slot;
            lock (_gate)
            {
                while (_toTransform.Count == 0 && !_completed && _failure is null) Monitor.Wait(_gate);
                if (_toTransform.Count == 0 || _failure is not null) return;
                slot = _toTransform.Dequeue();
            }
            try
            {
                _transform(state, slot.Batch);
            }
            catch (Exception ex)
            {
                Fail(ExceptionDispatchInfo.Capture(ex));
            }
            lock (_gate)
            {
                slot.Transformed = true;
                Monitor.PulseAll(_gate);
            }
        }
    }

    private void Consume()
    {
        while (true)
        {
            Slot slot;
            lock (_gate)
            {
                // In order: the oldest batch, once transformed.
                while (_failure is null && (_toConsume.Count == 0 ? !_completed : !_toConsume.Peek().Transformed)) Monitor.Wait(_gate);
                if (_failure is not null || _toConsume.Count == 0) return;
                slot = _toConsume.Peek();
            }
            try
            {
                _consume(slot.Batch);
            }
            catch (Exception ex)
            {
                Fail(ExceptionDispatchInfo.Capture(ex));
            }
            lock (_gate)
            {
                _toConsume.Dequeue();
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Keeps the first failure and wakes every thread, so all of them stop and the caller hears of it.</summary>
    private void Fail(ExceptionDispatchInfo failure)
    {
        lock (_gate)
        {
            _failure ??= failure;
            Monitor.PulseAll(_gate);
        }
    }

    private sealed class Slot(TBatch batch)
    {
        public TBatch Batch { get; } = batch;
        public bool Transformed { get; set; }
    }
}
