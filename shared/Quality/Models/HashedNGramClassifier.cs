using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;
using Refinery.Text;
namespace Refinery.Quality.Models;

/// <summary>
/// A fastText-style linear classifier: the normalised tokens' unigrams and bigrams are hashed into buckets, their
/// embedding rows are averaged, and a logistic output gives P(ref). It substitutes for RPv2's fastText models
/// (wikiref, palm, wikipedia), which cannot be shipped. Only rows that training touched are kept; any other
/// bucket is the zero vector it was initialised to, so the file stays small however many buckets there are.
/// </summary>
public sealed class HashedNGramClassifier : SignalModel
{
    internal const int PayloadVersion = 1;
    public const string ReferenceLabel = "ref", WebLabel = "cc";

    private readonly Dictionary<int, int> _rowOfBucket;
    // Bucket → row, −1 for an untrained bucket: one array read per feature where the dictionary took two dependent
    // misses. Null above DenseIndexLimit buckets, where the dictionary is used.
    private readonly int[]? _rowIndex;
    private const int DenseIndexLimit = 1 << 24;
    private readonly float[] _rows; // row-major, Dimension floats per trained bucket
    private readonly float[] _output;
    private readonly float _bias;

    internal HashedNGramClassifier(ModelHeader header, int buckets, int dimension, Dictionary<int, int> rowOfBucket,
        float[] rows, float[] output, float bias) : base(header)
    {
        Buckets = buckets;
        Dimension = dimension;
        _rowOfBucket = rowOfBucket;
        _rowIndex = RowIndex(buckets, rowOfBucket);
        _rows = rows;
        _output = output;
        _bias = bias;
    }

    internal Dictionary<int, int> RowOfBucket => _rowOfBucket;
    internal float[] Rows => _rows;
    internal float[] Output => _output;
    internal float Bias => _bias;

    public int Buckets { get; }
    public int Dimension { get; }
    public int TrainedRows => _rowOfBucket.Count;

    /// <summary>RPv2's text for fastText: <c>" ".join(text.splitlines()).strip()</c>, then normalised tokens.</summary>
    internal static List<string> Tokens(string text) =>
        ModelTokenizer.NormalisedWords(string.Join(' ', text.ReplaceLineEndings("\n").Split('\n')).Trim());

    internal int[] Features(string text) => FeatureHashing.UnigramsAndBigrams(Tokens(text), Buckets);

    /// <summary>The logit w·mean(rows) + b of P(ref).</summary>
    internal double Logit(ReadOnlySpan<int> features)
    {
        Span<float> hidden = stackalloc float[Dimension];
        Average(features, hidden);
        var z = (double)_bias;
        for (var j = 0; j < Dimension; j++) z += _output[j] * hidden[j];
        return z;
    }

    private void Average(ReadOnlySpan<int> features, Span<float> hidden)
    {
        hidden.Clear();
        if (features.Length == 0) return;
        foreach (var bucket in features)
        {
            if (!_rowOfBucket.TryGetValue(bucket, out var row)) continue;
            var values = _rows.AsSpan(row * Dimension, Dimension);
            for (var j = 0; j < Dimension; j++) hidden[j] += values[j];
        }
        var scale = 1f / features.Length;
        for (var j = 0; j < Dimension; j++) hidden[j] *= scale;
    }

    /// <summary><see cref="Score(string)"/> from the document's shared normalised-token hashes.</summary>
    internal double Score(ModelDocument document)
    {
        if (document.Text.Length == 0) return double.NaN;
        var z = Logit(document.Normalised.Features);
        var pRef = Sigmoid(z);
        return PyFloat.Round8(pRef >= 0.5 ? pRef : 1 - Sigmoid(-z));
    }

    /// <summary>The logit from unreduced feature hashes (see <see cref="HashedTokens.Features"/>): the same rows added
    /// in the same order as <see cref="Logit(ReadOnlySpan{int})"/>, so the same float sums.</summary>
    private double Logit(ReadOnlySpan<ulong> features)
    {
        Span<float> hidden = stackalloc float[Dimension];
        hidden.Clear();
        if (features.Length > 0)
        {
            // First every feature's row, then the sums: each is a run of independent loads the CPU overlaps, where one
            // loop waited for a bucket's row index and then for its row, two dependent misses per feature.
            var offsets = RowOffsets(features);
            if (Dimension == 16 && Vector256.IsHardwareAccelerated) Sum16(offsets, hidden);
            else foreach (var offset in offsets) AddRow(hidden, _rows.AsSpan(offset, Dimension));
            var scale = 1f / features.Length;
            for (var j = 0; j < hidden.Length; j++) hidden[j] *= scale;
        }
        var z = (double)_bias;
        for (var j = 0; j < Dimension; j++) z += _output[j] * hidden[j];
        return z;
    }

    /// <summary>Where each feature's trained row starts in <see cref="_rows"/>, in feature order; untrained buckets
    /// (zero rows) are left out.</summary>
    private ReadOnlySpan<int> RowOffsets(ReadOnlySpan<ulong> features)
    {
        var offsets = t_offsets ??= new int[1024];
        HashedTokens.Grow(ref offsets, features.Length);
        t_offsets = offsets;
        var buckets = (ulong)Buckets;
        var mask = ulong.IsPow2(buckets) ? buckets - 1 : 0; // x % 2^k is x & (2^k − 1), without a 64-bit division
        var n = 0;
        foreach (var hash in features)
        {
            var bucket = (int)(mask != 0 ? hash & mask : hash % buckets);
            var row = _rowIndex is null ? _rowOfBucket.GetValueOrDefault(bucket, -1) : _rowIndex[bucket];
            offsets[n] = row * Dimension;
            n += row >= 0 ? 1 : 0;
        }
        return offsets.AsSpan(0, n);
    }

    [ThreadStatic] private static int[]? t_offsets;

    // The 16-wide rows of the default dimension in two registers: per element the same float additions, in the
    // same order, as AddRow's loop. The loads do not wait on the sums, so the CPU has many rows in flight at once.
    private void Sum16(ReadOnlySpan<int> offsets, Span<float> hidden)
    {
        var (low, high) = (Vector256<float>.Zero, Vector256<float>.Zero);
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        foreach (var offset in offsets)
        {
            low += Vector256.LoadUnsafe(ref rows, (nuint)offset);
            high += Vector256.LoadUnsafe(ref rows, (nuint)offset + 8);
        }
        low.CopyTo(hidden);
        high.CopyTo(hidden[8..]);
    }

    // Element-wise, so each hidden[j] gets exactly the float additions of the scalar loop in Average.
    private static void AddRow(Span<float> hidden, ReadOnlySpan<float> row)
    {
        var j = 0;
        if (Vector.IsHardwareAccelerated)
            for (; j <= hidden.Length - Vector<float>.Count; j += Vector<float>.Count)
                (new Vector<float>(hidden[j..]) + new Vector<float>(row[j..])).CopyTo(hidden[j..]);
        for (; j < hidden.Length; j++) hidden[j] += row[j];
    }

    private static int[]? RowIndex(int buckets, Dictionary<int, int> rowOfBucket)
    {
        if (buckets > DenseIndexLimit) return null;
        var index = new int[buckets];
        Array.Fill(index, -1);
        foreach (var (bucket, row) in rowOfBucket) index[bucket] = row;
        return index;
    }

    /// <summary>Top label and its probability, as fastText's <c>predict(k=1)</c> returns them.</summary>
    public (string Label, double Probability) Predict(string text)
    {
        var z = Logit(Features(text));
        var pRef = Sigmoid(z);
        return pRef >= 0.5 ? (ReferenceLabel, pRef) : (WebLabel, Sigmoid(-z));
    }

    /// <summary>RPv2's value: <c>r8(1 − p)</c> if the top label is cc, else <c>r8(p)</c>, i.e. P(ref); NaN for empty text.</summary>
    public double Score(string text)
    {
        if (text.Length == 0) return double.NaN;
        var (label, p) = Predict(text);
        return PyFloat.Round8(label == WebLabel ? 1 - p : p);
    }

    internal static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));

    internal override void WritePayload(BinaryWriter writer)
    {
        writer.Write(Buckets);
        writer.Write(Dimension);
        writer.Write(_bias);
        foreach (var v in _output) writer.Write(v);
        var buckets = _rowOfBucket.Keys.ToArray();
        Array.Sort(buckets);
        writer.Write(buckets.Length);
        foreach (var bucket in buckets)
        {
            writer.Write(bucket);
            foreach (var v in _rows.AsSpan(_rowOfBucket[bucket] * Dimension, Dimension)) writer.Write(v);
        }
    }

    internal static HashedNGramClassifier ReadPayload(ModelHeader header, BinaryReader reader)
    {
        if (header.PayloadVersion != PayloadVersion) throw new InvalidDataException($"Unsupported classifier payload version {header.PayloadVersion}");
        var buckets = reader.ReadInt32();
        var dimension = reader.ReadInt32();
        if (buckets <= 0 || dimension is <= 0 or > 1024) throw new InvalidDataException("Invalid classifier shape");
        var bias = reader.ReadSingle();
        var output = new float[dimension];
        for (var j = 0; j < dimension; j++) output[j] = reader.ReadSingle();
        var count = reader.ReadInt32();
        var rowOfBucket = new Dictionary<int, int>(count);
        var rows = new float[(long)count * dimension];
        // One read per row (bucket and floats), decoded from the span: a float per BinaryReader call dominated loading.
        var record = new byte[sizeof(int) + dimension * sizeof(float)];
        for (var r = 0; r < count; r++)
        {
            if (reader.Read(record) != record.Length) throw new EndOfStreamException("Truncated classifier rows");
            var bucket = BinaryPrimitives.ReadInt32LittleEndian(record);
            if ((uint)bucket >= (uint)buckets) throw new InvalidDataException($"Classifier bucket {bucket} outside 0..{buckets - 1}");
            rowOfBucket[bucket] = r;
            for (var j = 0; j < dimension; j++)
                rows[r * dimension + j] = BinaryPrimitives.ReadSingleLittleEndian(record.AsSpan(sizeof(int) + j * sizeof(float)));
        }
        return new HashedNGramClassifier(header, buckets, dimension, rowOfBucket, rows, output, bias);
    }
}
