using Refinery.Contracts.Dedup;
using Refinery.Quality.Rpv2;
using Refinery.Text.Batching;
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
}

/// <summary>Fingerprints batches on dedicated threads while the caller reads the next ones, and hands them to
/// <c>collect</c> in input order (an <see cref="OrderedBatchPipeline{TBatch,TWorker}"/>). Each worker owns its
/// fingerprinter and works on whole batches. With one thread there are no workers at all: the caller fingerprints and
/// collects each batch itself.</summary>
public sealed class FingerprintPipeline : IDisposable
{
    /// <summary>Documents per batch: enough that a worker touches the queue once per ~1 MB of text, few enough that
    /// the batches in flight (at most one per worker plus the one being read) stay within the young generation, so
    /// their texts die young instead of being promoted and copied by the GC.</summary>
    public const int BatchSize = 256;

    private readonly int _permutations;
    private readonly bool _withShingles;
    private readonly ExactKeyKind _keyKind;
    private readonly OrderedBatchPipeline<FingerprintBatch, DedupFingerprinter> _pipeline;
    private readonly Stack<FingerprintBatch> _free = new(); // collected batches, returned by the collecting thread

    /// <param name="collect">Receives every fingerprinted batch in input order, on one thread at a time (not
    /// necessarily the caller's); the batch is reused once it returns.</param>
    public FingerprintPipeline(int threads, Func<DedupFingerprinter> create, int permutations, bool withShingles, ExactKeyKind keyKind,
        Action<FingerprintBatch> collect)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        (_permutations, _withShingles, _keyKind) = (permutations, withShingles, keyKind);
        _pipeline = new OrderedBatchPipeline<FingerprintBatch, DedupFingerprinter>(threads == 1 ? 0 : threads, create, Fingerprint,
            batch => Collect(batch, collect), maxInFlight: threads + 1, name: "dedup-hash");
    }

    /// <summary>An empty batch to fill, reused once an earlier one has been collected.</summary>
    public FingerprintBatch Rent()
    {
        lock (_free) return _free.TryPop(out var batch) ? batch : new FingerprintBatch(BatchSize, _permutations);
    }

    /// <summary>Queues a filled batch; waits when too many are in flight, which bounds memory.</summary>
    public void Post(FingerprintBatch batch) => _pipeline.Post(batch);

    /// <summary>Waits until every batch has been collected.</summary>
    public void Complete() => _pipeline.Complete();

    public void Dispose() => _pipeline.Dispose();

    private void Collect(FingerprintBatch batch, Action<FingerprintBatch> collect)
    {
        collect(batch);
        batch.Documents.Clear();
        Array.Clear(batch.Shingles);
        lock (_free) _free.Push(batch);
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
