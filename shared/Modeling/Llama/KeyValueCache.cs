using Refinery.Modeling.Runtime;
using static TorchSharp.torch;

namespace Refinery.Modeling.Llama;

/// <summary>The keys and values of the positions a batch of sequences has seen so far, one
/// <see cref="LayerKeyValues"/> per decoder layer, so each generation step runs the model over the new tokens only.
/// Buffers are allocated once for <see cref="Capacity"/> positions (the context length by default): a step writes
/// its positions in place instead of concatenating, which would copy the whole history every token. For inference:
/// use it under no_grad or inference mode. Every sequence of the batch has the same length.</summary>
public sealed class KeyValueCache : IDisposable
{
    private readonly LayerKeyValues[] _layers;

    /// <exception cref="ArgumentOutOfRangeException">The batch is empty, or the capacity is not within the
    /// model's context length.</exception>
    public KeyValueCache(LlamaConfig config, long batch, long? capacity = null, Device? device = null)
    {
        TorchRuntime.EnsureLoaded();
        var positions = capacity ?? config.MaxPositionEmbeddings;
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(positions, 1, nameof(capacity));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(positions, config.MaxPositionEmbeddings, nameof(capacity));
        (Batch, Capacity) = (batch, positions);
        _layers = Enumerable.Range(0, config.NumHiddenLayers)
            .Select(_ => new LayerKeyValues(batch, config.KeyValueHeads, positions, config.HeadDimension, device ?? CPU))
            .ToArray();
    }

    public long Batch { get; }
    public long Capacity { get; }

    /// <summary>Positions held, which is also the position of the next token fed to the model.</summary>
    public long Length { get; private set; }

    public IReadOnlyList<LayerKeyValues> Layers => _layers;

    /// <summary>Called by the model once every layer has written the <paramref name="count"/> new positions, so a
    /// forward that fails part-way leaves the cache as it was (the half-written slots are overwritten next time).</summary>
    internal void Advance(long count) => Length += count;

    /// <summary>Starts every sequence of this cache with the single sequence held by <paramref name="prefix"/>, so many
    /// continuations of one shared prefix (a few-shot context) run it once. Each row gets a copy rather than a view:
    /// the rows' own positions are written after it in the same preallocated buffer.</summary>
    /// <exception cref="ArgumentException">The prefix holds more than one sequence, another layer count, or does not
    /// fit, or this cache already holds positions.</exception>
    internal void StartWith(KeyValueCache prefix)
    {
        if (prefix.Batch != 1 || prefix._layers.Length != _layers.Length || prefix.Length > Capacity || Length != 0)
            throw new ArgumentException(
                $"A prefix of {prefix.Batch} sequence(s), {prefix._layers.Length} layers and {prefix.Length} positions " +
                $"cannot start an empty cache of {_layers.Length} layers and {Capacity} positions.", nameof(prefix));
        for (var i = 0; i < _layers.Length; i++)
            _layers[i].CopyPrefix(prefix._layers[i], prefix.Length);
        Length = prefix.Length;
    }

    public void Dispose()
    {
        foreach (var layer in _layers) layer.Dispose();
    }
}

/// <summary>One decoder layer's cached keys (after rotary) and values, each [batch, kv_heads, capacity, head_dim].
/// Key/value heads are stored before GQA's repetition, so the cache is heads / kv_heads times smaller.</summary>
public sealed class LayerKeyValues : IDisposable
{
    private readonly Tensor _keys, _values;

    internal LayerKeyValues(long batch, long keyValueHeads, long capacity, long headDim, Device device)
    {
        // Detached: the cache owns its buffers and outlives the dispose scope of whoever made it.
        var shape = new[] { batch, keyValueHeads, capacity, headDim };
        _keys = zeros(shape, dtype: ScalarType.Float32, device: device).DetachFromDisposeScope();
        _values = zeros(shape, dtype: ScalarType.Float32, device: device).DetachFromDisposeScope();
    }

    public long Capacity => _keys.shape[2];

    /// <summary>Writes the new positions' keys and values [batch, kv_heads, T, d] at [offset, offset + T) and returns
    /// views of every position so far, [batch, kv_heads, offset + T, d].</summary>
    internal (Tensor Keys, Tensor Values) Append(Tensor keys, Tensor values, long offset)
    {
        var length = keys.shape[2];
        if (offset + length > Capacity)
            throw new InvalidOperationException(
                $"The key/value cache holds {Capacity} positions; positions {offset}..{offset + length - 1} do not fit.");
        _keys.narrow(2, offset, length).copy_(keys);
        _values.narrow(2, offset, length).copy_(values);
        return (_keys.narrow(2, 0, offset + length), _values.narrow(2, 0, offset + length));
    }

    /// <summary>Copies <paramref name="source"/>'s first <paramref name="length"/> positions of its single row into
    /// every row (copy_ broadcasts the batch dimension of 1).</summary>
    internal void CopyPrefix(LayerKeyValues source, long length)
    {
        using var keys = source._keys.narrow(2, 0, length);
        using var values = source._values.narrow(2, 0, length);
        using var keySlots = _keys.narrow(2, 0, length);
        using var valueSlots = _values.narrow(2, 0, length);
        keySlots.copy_(keys);
        valueSlots.copy_(values);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _values.Dispose();
    }
}
