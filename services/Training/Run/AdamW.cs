using static TorchSharp.torch;

namespace Refinery.Training.Run;

/// <summary>AdamW (decoupled weight decay, Loshchilov and Hutter), written here rather than taken from TorchSharp so its
/// whole state is two named tensors per parameter and a step count that a checkpoint saves and restores exactly.
/// Weight decay applies to matrices only (not to norm gains), as is usual for transformers.</summary>
public sealed class AdamW : IDisposable
{
    private readonly IReadOnlyList<(string Name, Tensor Parameter)> _parameters;
    private readonly Dictionary<string, (Tensor Mean, Tensor Variance)> _moments = new(StringComparer.Ordinal);
    private readonly double _beta1, _beta2, _epsilon, _weightDecay;

    public AdamW(IEnumerable<(string Name, Tensor Parameter)> parameters, double beta1, double beta2, double epsilon, double weightDecay)
    {
        _parameters = parameters.ToList();
        (_beta1, _beta2, _epsilon, _weightDecay) = (beta1, beta2, epsilon, weightDecay);
        foreach (var (name, p) in _parameters)
            _moments[name] = (zeros_like(p).DetachFromDisposeScope(), zeros_like(p).DetachFromDisposeScope());
    }

    /// <summary>Optimizer steps taken so far.</summary>
    public long Steps { get; private set; }

    /// <summary>One update of every parameter from its gradient at learning rate <paramref name="rate"/>.</summary>
    public void Step(double rate)
    {
        Steps++;
        var correction1 = 1 - Math.Pow(_beta1, Steps);
        var correction2 = 1 - Math.Pow(_beta2, Steps);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (name, p) in _parameters)
        {
            if (p.grad is not { } grad) continue;
            var (mean, variance) = _moments[name];
            if (_weightDecay > 0 && p.dim() >= 2) p.mul_(1 - rate * _weightDecay);
            mean.mul_(_beta1).add_(grad, alpha: 1 - _beta1);
            variance.mul_(_beta2).addcmul_(grad, grad, value: 1 - _beta2);
            var denominator = variance.sqrt().div_(Math.Sqrt(correction2)).add_(_epsilon);
            p.addcdiv_(mean, denominator, value: -rate / correction1);
        }
    }

    /// <summary>The state as named tensors ("{parameter}.exp_avg", "{parameter}.exp_avg_sq"), views of the live tensors.</summary>
    public Dictionary<string, Tensor> State()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, (mean, variance)) in _moments)
        {
            state[name + ".exp_avg"] = mean;
            state[name + ".exp_avg_sq"] = variance;
        }
        return state;
    }

    /// <summary>Restores the state a checkpoint saved.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or has another shape.</exception>
    public void Load(IReadOnlyDictionary<string, Tensor> state, long steps)
    {
        using var _ = no_grad();
        foreach (var (name, (mean, variance)) in _moments)
        {
            Copy(state, name + ".exp_avg", mean);
            Copy(state, name + ".exp_avg_sq", variance);
        }
        Steps = steps;
    }

    private static void Copy(IReadOnlyDictionary<string, Tensor> state, string name, Tensor into)
    {
        if (!state.TryGetValue(name, out var saved)) throw new InvalidDataException($"optimizer state has no tensor '{name}'");
        if (!saved.shape.SequenceEqual(into.shape))
            throw new InvalidDataException($"optimizer tensor '{name}' has shape [{string.Join(", ", saved.shape)}], expected [{string.Join(", ", into.shape)}]");
        into.copy_(saved);
    }

    public void Dispose()
    {
        foreach (var (mean, variance) in _moments.Values)
        {
            mean.Dispose();
            variance.Dispose();
        }
    }
}
