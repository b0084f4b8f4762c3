using System.Collections.Concurrent;

namespace Refinery.Quality.Rpv2;

/// <summary>Computes a batch of documents on several cores, in input order. Each worker takes a computer from a pool,
/// so scratch buffers are reused and never shared between threads.</summary>
public sealed class ParallelSignals(Rpv2Resources resources, int degreeOfParallelism, Models.ModelSignalSet? models = null)
{
    private readonly ConcurrentBag<Rpv2SignalComputer> _computers = [];

    public int DegreeOfParallelism { get; } = Math.Max(1, degreeOfParallelism);

    /// <summary>Signals for every document, or the exception a document threw, index for index.</summary>
    public SignalResult[] Compute(IReadOnlyList<SignalDocument> batch)
    {
        var results = new SignalResult[batch.Count];
        var chunks = Math.Min(DegreeOfParallelism, Math.Max(1, batch.Count / 8));
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = DegreeOfParallelism }, chunk =>
        {
            var computer = _computers.TryTake(out var pooled) ? pooled : new Rpv2SignalComputer(resources, models);
            try
            {
                // Interleaved, so a chunk of long documents does not leave the other workers idle at the end.
                for (var i = chunk; i < batch.Count; i += chunks) results[i] = ComputeOne(computer, batch[i]);
            }
            finally
            {
                _computers.Add(computer);
            }
        });
        return results;
    }

    /// <summary>A computer of its own, for a caller that runs its own threads, each taking whole batches.</summary>
    public Rpv2SignalComputer CreateComputer() => new(resources, models);

    /// <summary>The results of <see cref="Compute"/>, computed on the calling thread with <paramref name="computer"/>.</summary>
    public static SignalResult[] ComputeInOrder(Rpv2SignalComputer computer, IReadOnlyList<SignalDocument> batch)
    {
        var results = new SignalResult[batch.Count];
        for (var i = 0; i < batch.Count; i++) results[i] = ComputeOne(computer, batch[i]);
        return results;
    }

    private static SignalResult ComputeOne(Rpv2SignalComputer computer, SignalDocument document)
    {
        try
        {
            return new SignalResult(computer.Compute(document), null);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return new SignalResult(null, ex);
        }
    }
}

/// <summary>Exactly one of the signals of a document or why they could not be computed.</summary>
public readonly record struct SignalResult(DocumentSignals? Signals, Exception? Error);
