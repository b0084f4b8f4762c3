using Refinery.Text.Batching;

namespace Refinery.Text.Tests.Batching;

/// <summary>The ordered batch pipeline under `refinery signals` and `refinery dedup`: any number of workers changes
/// nothing but the time, failures reach the caller as thrown, and memory stays bounded.</summary>
public sealed class OrderedBatchPipelineTests
{
    private sealed class Batch(int index, int size)
    {
        public int Index { get; } = index;
        public int[] Inputs { get; } = Enumerable.Range(100 * index, size).ToArray();
        public int[]? Squares { get; set; }
        public int? TransformThread { get; set; }
    }

    /// <summary>A worker's state: the thread it was made on, so a test can see that no other thread uses it.</summary>
    private sealed class Worker
    {
        public int Thread { get; } = Environment.CurrentManagedThreadId;
    }

    private static void Square(Worker worker, Batch batch)
    {
        Assert.Equal(worker.Thread, Environment.CurrentManagedThreadId);
        // Uneven work: every third batch takes longer, so later batches finish first.
        if (batch.Index % 3 == 0) Thread.Sleep(15);
        batch.Squares = batch.Inputs.Select(x => x * x).ToArray();
        batch.TransformThread = Environment.CurrentManagedThreadId;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public void Batches_AreConsumedInPostingOrder_WithUnevenWork(int workers)
    {
        var consumed = new List<Batch>();
        var created = 0;
        using var pipeline = new OrderedBatchPipeline<Batch, Worker>(workers, () => { Interlocked.Increment(ref created); return new Worker(); },
            Square, consumed.Add, maxInFlight: 4, name: "test");
        for (var b = 0; b < 30; b++) pipeline.Post(new Batch(b, 1 + b % 5 * 20));
        pipeline.Complete();

        Assert.Equal(Enumerable.Range(0, 30), consumed.Select(b => b.Index));
        foreach (var batch in consumed) Assert.Equal(batch.Inputs.Select(x => x * x), batch.Squares!);
        Assert.Equal(Math.Max(1, workers), created);
    }

    [Fact]
    public void NoWorkers_TransformAndConsume_OnTheCallersThread()
    {
        var caller = Environment.CurrentManagedThreadId;
        var consumers = new List<int>();
        using var pipeline = new OrderedBatchPipeline<Batch, Worker>(0, () => new Worker(), Square,
            _ => consumers.Add(Environment.CurrentManagedThreadId), maxInFlight: 1, name: "test");
        var batch = new Batch(1, 10);
        pipeline.Post(batch);

        Assert.Equal(caller, batch.TransformThread);
        Assert.Equal([caller], consumers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void TransformFailure_ReachesTheCaller_AsTheOriginalException(int workers)
    {
        var failure = new InvalidDataException("batch 5 is bad");
        var consumed = new List<int>();
        using var pipeline = new OrderedBatchPipeline<Batch, Worker>(workers, () => new Worker(), (worker, batch) =>
        {
            if (batch.Index == 5) throw failure;
            Square(worker, batch);
        }, batch => consumed.Add(batch.Index), maxInFlight: 2, name: "test");

        var thrown = Assert.Throws<InvalidDataException>(() =>
        {
            for (var b = 0; b < 40; b++) pipeline.Post(new Batch(b, 5));
            pipeline.Complete();
        });

        Assert.Same(failure, thrown);
        Assert.Same(failure, Assert.Throws<InvalidDataException>(pipeline.Complete));
        Assert.Equal(Enumerable.Range(0, consumed.Count), consumed);
        Assert.DoesNotContain(5, consumed);
    }

    [Fact]
    public void ConsumerFailure_StopsTheWork_AndIsRethrownByEveryCall()
    {
        var consumed = 0;
        using var pipeline = new OrderedBatchPipeline<Batch, Worker>(2, () => new Worker(), Square, _ =>
        {
            if (++consumed == 3) throw new IOException("disk full");
        }, maxInFlight: 2, name: "test");

        Assert.Throws<IOException>(() =>
        {
            for (var b = 0; b < 40; b++) pipeline.Post(new Batch(b, 5));
        });

        Assert.Equal("disk full", Assert.Throws<IOException>(pipeline.Complete).Message);
        Assert.Throws<IOException>(() => pipeline.Post(new Batch(99, 1)));
        Assert.Equal(3, consumed);
    }

    [Fact]
    public async Task Post_Waits_WhileMaxInFlightBatchesAreNotConsumed()
    {
        using var release = new ManualResetEventSlim(false);
        var posted = 0;
        var consumed = 0;
        using var pipeline = new OrderedBatchPipeline<Batch, Worker>(2, () => new Worker(), Square, _ =>
        {
            release.Wait();
            Interlocked.Increment(ref consumed);
        }, maxInFlight: 3, name: "test");

        var posting = Task.Factory.StartNew(() =>
        {
            for (var b = 0; b < 10; b++)
            {
                pipeline.Post(new Batch(b, 5));
                Interlocked.Increment(ref posted);
            }
        }, TaskCreationOptions.LongRunning);
        while (Volatile.Read(ref posted) < 3 && !posting.IsCompleted) await Task.Delay(5);
        // The consumer holds the first batch, so a fourth post has no room however long it waits.
        await Task.Delay(200);
        Assert.Equal(3, Volatile.Read(ref posted));

        release.Set();
        await posting;
        pipeline.Complete();
        Assert.Equal(10, consumed);
    }

    [Fact]
    public async Task Cancellation_WakesAWaitingPost_AndCompleteThrows()
    {
        using var release = new ManualResetEventSlim(false);
        using var cancel = new CancellationTokenSource();
        var pipeline = new OrderedBatchPipeline<Batch, Worker>(2, () => new Worker(), Square, _ => release.Wait(), maxInFlight: 1,
            name: "test", cancel.Token);
        pipeline.Post(new Batch(0, 5));
        var waiting = Task.Factory.StartNew(() => pipeline.Post(new Batch(1, 5)), TaskCreationOptions.LongRunning);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        await cancel.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => waiting);
        release.Set();
        Assert.Throws<OperationCanceledException>(pipeline.Complete);
        pipeline.Dispose();
    }
}
