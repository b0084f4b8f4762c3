using Refinery.Text;

namespace Refinery.Quality.Formats;

/// <summary>Builds the Dremel levels of one optional list column of <typeparamref name="T"/>, row by row: the
/// packed values plus one definition and one repetition level per slot. Levels for an optional list: 0 = null
/// list, 1 = empty list, then (nullable elements) 2 = null element, 3 = value; (required elements) 2 = value.</summary>
internal sealed class ListLevels<T>(bool nullableElements) where T : struct
{
    // Growable arrays rather than lists: a writer keeps one set per column and clears it after each row group, so
    // steady-state writing allocates nothing here, and the row group writes straight from these arrays.
    // Not readonly: the buffers are mutable structs.
    private GrowableBuffer<T> _values = new(256);
    private GrowableBuffer<int> _definitions = new(256);
    private GrowableBuffer<int> _repetitions = new(256);
    private readonly int _valueLevel = nullableElements ? 3 : 2;
    private bool _first;

    public void AddNullList() => Add(0, 0);

    /// <summary>Starts a row's list; an empty list is complete at once.</summary>
    public void BeginList(int count)
    {
        if (count == 0) Add(1, 0);
        _first = true;
    }

    public void AddValue(T value)
    {
        _values.Append(value);
        AddSlot(_valueLevel);
    }

    public void AddNullElement()
    {
        if (!nullableElements) throw new InvalidOperationException("This list's elements are required");
        AddSlot(2);
    }

    /// <summary>The levels so far, valid until the next <see cref="Clear"/> or addition.</summary>
    public (ReadOnlyMemory<T> Values, ReadOnlyMemory<int> Definitions, ReadOnlyMemory<int> Repetitions) Levels =>
        (_values.Memory, _definitions.Memory, _repetitions.Memory);

    public void Clear()
    {
        _values.Clear();
        _definitions.Clear();
        _repetitions.Clear();
    }

    private void AddSlot(int definition)
    {
        Add(definition, _first ? 0 : 1);
        _first = false;
    }

    private void Add(int definition, int repetition)
    {
        _definitions.Append(definition);
        _repetitions.Append(repetition);
    }

    /// <summary>Reads the list column whose leaf is <paramref name="leaf"/> from one row group and splits it into
    /// <paramref name="rowCount"/> rows (see <see cref="Split"/>).</summary>
    public static async Task<T?[]?[]> ReadAsync(Parquet.ParquetRowGroupReader group, Parquet.Schema.DataField leaf, int rowCount,
        CancellationToken ct)
    {
        var slots = checked((int)(group.GetMetadata(leaf)?.MetaData?.NumValues ?? 0));
        var values = new T[slots];
        var definitions = new int[slots];
        var repetitions = new int[slots];
        await group.ReadRawAsync<T>(leaf, values, definitions, repetitions, ct).ConfigureAwait(false);
        return Split(values, definitions, repetitions, leaf.IsNullable, leaf.MaxDefinitionLevel, rowCount);
    }

    /// <summary>Splits levels read back from a file into rows: null for a null list, else the elements with
    /// null for a null element. <paramref name="maxDefinition"/> is the leaf's level for a present value, which
    /// must be the one this layout gives (a top-level optional list).</summary>
    public static T?[]?[] Split(ReadOnlySpan<T> values, ReadOnlySpan<int> definitions, ReadOnlySpan<int> repetitions,
        bool nullableElements, int maxDefinition, int rowCount)
    {
        var valueLevel = nullableElements ? 3 : 2;
        if (maxDefinition != valueLevel)
            throw new InvalidDataException($"List column has definition level {maxDefinition}, expected {valueLevel}: not a top-level optional list");
        const int emptyLevel = 1;
        var rows = new T?[]?[rowCount];
        var current = new List<T?>();
        int row = -1, valueIndex = 0;
        var open = false;
        for (var i = 0; i < definitions.Length; i++)
        {
            if (repetitions[i] == 0)
            {
                Close();
                row++;
                if (row >= rowCount) throw new InvalidDataException($"List column has more than {rowCount} rows");
                if (definitions[i] < emptyLevel) { rows[row] = null; continue; }
                if (definitions[i] == emptyLevel) { rows[row] = []; continue; }
                open = true;
            }
            current.Add(definitions[i] == valueLevel ? values[valueIndex++] : null);
        }
        Close();
        if (row != rowCount - 1) throw new InvalidDataException($"List column has {row + 1} rows, expected {rowCount}");
        return rows;

        void Close()
        {
            if (!open) return;
            rows[row] = current.ToArray();
            current.Clear();
            open = false;
        }
    }
}
