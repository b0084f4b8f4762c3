using Refinery.Modeling.Llama;
using static TorchSharp.torch;

namespace Refinery.Modeling.Deltas;

/// <summary>The linear hook for a batch whose rows run different fine-tunes: row r adds the term of its own delta
/// (none for a null entry). Rows sharing a delta are gathered so each delta computes its term once per layer, on
/// its rows only; the terms are scattered back to their rows.</summary>
public sealed class RowDeltaHook : ILinearHook
{
    private readonly (ILinearDelta Delta, long[] Rows)[] _groups;
    private readonly int _batch;

    /// <param name="rowDeltas">The delta of each row of the batch, in row order; null for a row on the base model.</param>
    public RowDeltaHook(IReadOnlyList<ILinearDelta?> rowDeltas)
    {
        _batch = rowDeltas.Count;
        // Grouped by the delta object itself: two requests for one fine-tune share its instance.
        var rows = new Dictionary<ILinearDelta, List<long>>(ReferenceEqualityComparer.Instance);
        for (var row = 0; row < rowDeltas.Count; row++)
            if (rowDeltas[row] is { } delta)
                (rows.TryGetValue(delta, out var list) ? list : rows[delta] = []).Add(row);
        _groups = rows.Select(pair => (pair.Key, pair.Value.ToArray())).ToArray();
    }

    /// <summary>A hook for these rows, or null when every row runs the base model (which then pays nothing).</summary>
    public static RowDeltaHook? For(IReadOnlyList<ILinearDelta?> rowDeltas) =>
        rowDeltas.Any(delta => delta is not null) ? new RowDeltaHook(rowDeltas) : null;

    public Tensor? Delta(LinearSite site, Tensor x)
    {
        if (x.shape[0] != _batch)
            throw new ArgumentException($"The hook was made for {_batch} rows; the batch has {x.shape[0]}.", nameof(x));
        // One delta for the whole batch needs no gathering.
        if (_groups is [var only] && only.Rows.Length == _batch)
            return only.Delta.Apply(site, x);

        Tensor? result = null;
        foreach (var (delta, rows) in _groups)
        {
            using var index = tensor(rows, device: x.device);
            using var rowsOfX = x.index_select(0, index);           // [rows, T, in]
            using var term = delta.Apply(site, rowsOfX);            // [rows, T, out]
            if (term is null) continue;
            result ??= zeros([.. x.shape[..^1], term.shape[^1]], dtype: term.dtype, device: x.device);
            result.index_copy_(0, index, term);                     // rows on the base model stay 0
        }
        return result;
    }
}
