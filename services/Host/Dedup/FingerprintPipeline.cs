using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Refinery.Contracts.Dedup;
using Refinery.Quality.Rpv2;
using Refinery.Text.Dedup;

namespace Refinery.Host.Dedup;

/// <summary>A batch of documents and what fingerprinting made of them, in buffers that are reused from batch to batch
/// so the per-document path allocates nothing but the shingle sets it is asked for.</summary>
public sealed class FingerprintBatch(int capacity, int permutations)
{
    private readonly uint[] _signatures = new uint[capacity * permutations];

    public int Capacity => capacity;
    public List<SignalDocument> Documents { get; } = new(capacity);
    public bool[] HasSignature { get; } = new bool[capacity];
    public UInt128[] ExactKeys { get; } = new UInt128[capacity];
    public ShingleSet?[] Shingles { get; } = new ShingleSet?[capacity];

    /// <summary>Document <paramref name="i"/>'s signature; meaningful only when <see cref="HasSignature"/> says so.</summary>
    public Span<uint> SignatureOf(int i) => _signatures.AsSpan(i * permutations, permutations);

    internal ManualResetEventSlim Done { get; } = new(false);
    internal Exception? Error { get; set; }
}

/// <summary>Fingerprints batches on dedicated threads while the caller reads the next ones, and hands them back in
/// input order. Each worker owns its fingerprinter and works on whole batches, so workers share nothing but the
/// queue, which they touch once per batch; an idle worker blocks rather than spins. With one thread there are no
/// workers at all: the caller fingerprints each batch itself.</summary>
public sealed class FingerprintPipeline : IDisposable
{
    /// <summary>Documents per batch: enough that a worker touches the queue once per ~1 MB of text, few enough that
    /// the batches in flight (at most one per worker plus the one being read) stay within the young generation, so
    /// their texts die young instead of being promoted and copied by the GC.</summary>
    public const int BatchSize = 256;

    private readonly int _threads, _permutations;
    private readonly bool _withShingles;
    private readonly ExactKeyKind _keyKind;
    private readonly DedupFingerprinter? _inline;
    private readonly BlockingCollection<FingerprintBatch>? _work;
    private readonly Thread[] _workers = [];
    private readonly Queue<FingerprintBatch> _pending = new();
    private readonly Stack<FingerprintBatch> _free = new();

    public FingerprintPipeline(int threads, Func<DedupFingerprinter> create, int permutations, bool withShingles, ExactKeyKind keyKind)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        (_threads, _permutations, _withShingles, _keyKind) = (threads, permutations, withShingles, keyKind);
        if (threads == 1)
        {
            _inline = create();
            return;
        }
        _work = new BlockingCollection<FingerprintBatch>();
        _workers = Enumerable.Range(0, threads).Select(i => new Thread(() => Work(create())) { IsBackground = true, Name = $"dedup-hash-{i}" }).ToArray();
        foreach (var worker in _workers) worker.Start();
    }

    /// <summary>An empty batch to fill, reused once an earlier one has been collected.</summary>
    public FingerprintBatch Rent() => _free.TryPop(out var batch) ? batch : new FingerprintBatch(BatchSize, _permutations);

    /// <summary>Queues a filled batch, then hands every finished batch at the head of the line to
    /// <paramref name="collect"/>; waits when too many are in flight, which bounds memory.</summary>
    public void Post(FingerprintBatch batch, Action<FingerprintBatch> collect)
    {
        if (_work is null)
        {
            Fingerprint(_inline!, batch);
            Collect(batch, collect);
            return;
        }
        batch.Done.Reset();
        _pending.Enqueue(batch);
        _work.Add(batch);
        while (_pending.Count > 0 && (_pending.Peek().Done.IsSet || _pending.Count > _threads)) CollectHead(collect);
    }

    /// <summary>Waits for and collects every batch still in flight.</summary>
    public void Drain(Action<FingerprintBatch> collect)
    {
        while (_pending.Count > 0) CollectHead(collect);
    }

    public void Dispose()
    {
        _work?.CompleteAdding();
        foreach (var worker in _workers) worker.Join();
        _work?.Dispose();
    }

    private void CollectHead(Action<FingerprintBatch> collect)
    {
        var batch = _pending.Dequeue();
        batch.Done.Wait();
        if (batch.Error is { } error) ExceptionDispatchInfo.Throw(error);
        Collect(batch, collect);
    }

    private void Collect(FingerprintBatch batch, Action<FingerprintBatch> collect)
    {
        collect(batch);
        batch.Documents.Clear();
        Array.Clear(batch.Shingles);
        _free.Push(batch);
    }

    private void Work(DedupFingerprinter fingerprinter)
    {
        foreach (var batch in _work!.GetConsumingEnumerable())
        {
            try
            {
                Fingerprint(fingerprinter, batch);
            }
            catch (Exception ex)
            {
                batch.Error = ex;
            }
            batch.Done.Set();
        }
    }

    private void Fingerprint(DedupFingerprinter fingerprinter, FingerprintBatch batch)
    {
        for (var i = 0; i < batch.Documents.Count; i++)
        {
            var document = batch.Documents[i];
            batch.HasSignature[i] = fingerprinter.TryCompute(document.Text, batch.SignatureOf(i), _withShingles, out var normalized, out batch.Shingles[i]);
            // The normalised key comes with the fingerprint; only the raw-text and URL keys are hashed here (the static
            // lambda is never called for them, and allocates nothing).
            batch.ExactKeys[i] = _keyKind == ExactKeyKind.Normalized ? normalized
                : ExactKeys.Of(_keyKind, document.Text, document.Url, static _ => UInt128.Zero);
        }
    }
}
