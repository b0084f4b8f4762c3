using Parquet.Schema;
using Refinery.Quality.Rpv2;
using Refinery.Text.MinHash;

namespace Refinery.Quality.Formats;

/// <summary>The columns of a signal file, in order: id, id_int, length, line_bounds, one column per document
/// signal (RPv2 name; double or int64, null for a missing value), one list column per line signal (one value per
/// line), the extra document signals, then the four MinHash band columns (list of binary, null for short documents).</summary>
internal sealed class SignalSchema
{
    public SignalSchema(IReadOnlyList<string> extraSignals)
    {
        var reserved = new HashSet<string>(StringComparer.Ordinal) { "id", "id_int", "length", "line_bounds" };
        reserved.UnionWith(Rpv2Catalog.All.Select(s => s.Name));
        reserved.UnionWith(MinHashBands.RpV2.Select(l => l.ColumnName));
        foreach (var name in extraSignals)
        {
            if (string.IsNullOrWhiteSpace(name) || !reserved.Add(name))
                throw new ArgumentException($"Extra signal name '{name}' is empty or repeats another column", nameof(extraSignals));
        }

        DocumentSignals = Rpv2Catalog.DocumentSignals
            .Select(s => new DataField(s.Name, s.Type == SignalValueType.Int ? typeof(long?) : typeof(double?)))
            .ToArray();
        // Line lists are optional lists of optional values, so a NaN inside a line list round-trips as null.
        LineSignals = Rpv2Catalog.LineSignals
            .Select(s => new ListField(s.Name, new DataField("element", s.Type == SignalValueType.Int ? typeof(long?) : typeof(double?))))
            .ToArray();
        ExtraSignals = extraSignals.Select(n => new DataField(n, typeof(double?))).ToArray();
        Bands = MinHashBands.RpV2.Select(l => new ListField(l.ColumnName, new DataField("element", typeof(byte[]), false))).ToArray();

        Parquet = new ParquetSchema(
            [Id, IdInt, Length, LineBounds, .. DocumentSignals, .. LineSignals, .. ExtraSignals, .. Bands]);
    }

    public DataField Id { get; } = new DataField<string>("id", false);

    /// <summary>Parquet's UINT_64 logical type: RPv2's id_int is an unsigned 64-bit value.</summary>
    public DataField IdInt { get; } = new DataField<ulong>("id_int", false);

    public DataField Length { get; } = new DataField<int>("length", false);
    public ListField LineBounds { get; } = new("line_bounds", new DataField<int>("element", false));
    public DataField[] DocumentSignals { get; }
    public ListField[] LineSignals { get; }
    public DataField[] ExtraSignals { get; }
    public ListField[] Bands { get; }
    public ParquetSchema Parquet { get; }

    /// <summary>The leaf data column of a list field, as the row-group writer and reader address it.</summary>
    public static DataField Leaf(ListField list) => (DataField)list.Item;
}
