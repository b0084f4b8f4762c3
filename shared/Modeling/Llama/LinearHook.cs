using static TorchSharp.torch;

namespace Refinery.Modeling.Llama;

/// <summary>The linear layers a <see cref="ILinearHook"/> can add a term to, named after HF's modules.</summary>
public enum LinearProjection { Query, Key, Value, Output, Gate, Up, Down, LmHead }

/// <summary>One linear layer of the model: a projection of decoder layer <see cref="Layer"/>, or the output head
/// (<see cref="LmHead"/>, which sits in no layer).</summary>
public readonly record struct LinearSite(int Layer, LinearProjection Projection)
{
    public static LinearSite LmHead => new(-1, LinearProjection.LmHead);

    /// <summary>The HF name of the layer's weight, e.g. model.layers.0.self_attn.q_proj.weight, so a delta stored
    /// as a state dict maps one to one.</summary>
    public string WeightName => Projection switch
    {
        LinearProjection.Query => $"model.layers.{Layer}.self_attn.q_proj.weight",
        LinearProjection.Key => $"model.layers.{Layer}.self_attn.k_proj.weight",
        LinearProjection.Value => $"model.layers.{Layer}.self_attn.v_proj.weight",
        LinearProjection.Output => $"model.layers.{Layer}.self_attn.o_proj.weight",
        LinearProjection.Gate => $"model.layers.{Layer}.mlp.gate_proj.weight",
        LinearProjection.Up => $"model.layers.{Layer}.mlp.up_proj.weight",
        LinearProjection.Down => $"model.layers.{Layer}.mlp.down_proj.weight",
        _ => "lm_head.weight",
    };
}

/// <summary>Adds a term to linear layers' outputs for one forward call, y = x·Wᵀ + Delta(site, x): how the delta
/// server runs several fine-tunes of one base model in one batch. The model asks at every linear layer; a hook that
/// returns null leaves that layer as it is. Without a hook the model does not ask at all.</summary>
public interface ILinearHook
{
    /// <summary>The term to add for input <paramref name="x"/> [batch, T, in]: [batch, T, out], or null for none.
    /// The model disposes the returned tensor with its own intermediates.</summary>
    Tensor? Delta(LinearSite site, Tensor x);
}

internal static class LinearHookExtensions
{
    /// <summary>The layer's output plus the hook's term, if any: the one place every linear layer goes through.</summary>
    public static Tensor Project(this ILinearHook? hook, TorchSharp.Modules.Linear linear, Tensor x, LinearSite site)
    {
        var y = linear.forward(x);
        if (hook?.Delta(site, x) is not { } delta) return y;
        using (delta) return y.add_(delta);
    }
}
