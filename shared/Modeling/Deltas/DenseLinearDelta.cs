using Refinery.Modeling.Llama;
using static TorchSharp.torch;

namespace Refinery.Modeling.Deltas;

/// <summary>A delta held as full matrices, one per changed layer ([out, in], the weight's layout): the plain
/// reference the compressed forms are checked against, and the form of a full fine-tune (its weights minus the
/// base's).</summary>
public sealed class DenseLinearDelta : ILinearDelta, IDisposable
{
    private readonly Dictionary<LinearSite, Tensor> _matrices;

    /// <summary>Takes ownership of <paramref name="matrices"/>: they are disposed with this delta.</summary>
    public DenseLinearDelta(IReadOnlyDictionary<LinearSite, Tensor> matrices)
    {
        _matrices = matrices.ToDictionary(pair => pair.Key, pair => pair.Value.DetachFromDisposeScope());
    }

    public IReadOnlyDictionary<LinearSite, Tensor> Matrices => _matrices;

    public Tensor? Apply(LinearSite site, Tensor x) =>
        _matrices.TryGetValue(site, out var delta) ? nn.functional.linear(x, delta) : null;

    public void Dispose()
    {
        foreach (var matrix in _matrices.Values) matrix.Dispose();
    }
}
