namespace Refinery.Quality.Rpv2;

/// <summary>Computes the 29 exact RPv2 signals and the MinHash signature of one document at a time.
/// Not thread-safe: it reuses scratch buffers, so create one per thread.</summary>
public sealed class Rpv2SignalComputer(Rpv2Resources resources)
{
    public Rpv2Resources Resources { get; } = resources;

    public DocumentSignals Compute(SignalDocument document) =>
        throw new NotImplementedException("being written in this session");
}
