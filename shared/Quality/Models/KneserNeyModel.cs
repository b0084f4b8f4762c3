using System.Buffers.Binary;
using Refinery.Text;
namespace Refinery.Quality.Models;

/// <summary>
/// A word n-gram language model with interpolated modified Kneser-Ney smoothing (Chen &amp; Goodman 1998), the
/// substitute for CCNet's per-language KenLM models. It gives <c>ccnet_perplexity</c> exactly as CCNet computes it
/// from its model, and <c>ccnet_bucket</c> from cutoffs measured on web text at build time.
/// </summary>
/// <remarks>
/// Every probability is the interpolation chain
/// <c>p_k(w|h) = disc_k(h w) + γ(h) · p_{k−1}(w|h′)</c> from the uniform distribution over the vocabulary
/// (without &lt;s&gt;) up to the longest history seen in training, so every word, &lt;unk&gt; included, has a
/// probability above zero and the probabilities over the vocabulary sum to 1 for any history.
/// </remarks>
public sealed class KneserNeyModel : SignalModel
{
    internal const int PayloadVersion = 1;
    internal const int UnknownId = 0, BeginId = 1, EndId = 2;
    internal const string Unknown = "<unk>", Begin = "<s>", End = "</s>";

    private readonly string[] _vocabulary;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _idsBySpan; // no string per token
    private readonly double _unigramBackoff;
    // _discounted[k]: k-gram key → (c'(h w) − D) / c'(h ·); _backoff[k]: history of k words → γ(h). Stored as
    // float, as KenLM does: it halves memory and file size, and moves a perplexity by far less than its 0.1 rounding.
    private readonly NGramTable[] _discounted;
    private readonly NGramTable[] _backoff;
    // The order-1 entries again as arrays indexed by word id, for the two lookups every token makes.
    private readonly float[] _unigramDiscounted;
    private readonly float[] _wordBackoff;
    private readonly bool[] _hasWordBackoff;
    private readonly double _uniform;

    internal KneserNeyModel(ModelHeader header, int order, string[] vocabulary, double unigramBackoff,
        Dictionary<UInt128, float>[] discounted, Dictionary<UInt128, float>[] backoff, double headCutoff, double tailCutoff)
        : this(header, order, vocabulary, unigramBackoff, [.. discounted.Select(t => new NGramTable(t))],
            [.. backoff.Select(t => new NGramTable(t))], headCutoff, tailCutoff)
    {
    }

    private KneserNeyModel(ModelHeader header, int order, string[] vocabulary, double unigramBackoff,
        NGramTable[] discounted, NGramTable[] backoff, double headCutoff, double tailCutoff)
        : base(header)
    {
        Order = order;
        _vocabulary = vocabulary;
        _ids = new Dictionary<string, int>(vocabulary.Length, StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Length; i++) _ids[vocabulary[i]] = i;
        _idsBySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _unigramBackoff = unigramBackoff;
        _discounted = discounted;
        _backoff = backoff;
        _uniform = 1.0 / (vocabulary.Length - 1); // uniform over every predictable type (all but <s>)
        (_unigramDiscounted, _wordBackoff, _hasWordBackoff) = (new float[vocabulary.Length], new float[vocabulary.Length], new bool[vocabulary.Length]);
        for (var id = 0; id < vocabulary.Length; id++)
        {
            _unigramDiscounted[id] = discounted[1].GetValueOrDefault((uint)id);
            if (order > 1) _hasWordBackoff[id] = backoff[1].TryGetValue((uint)id, out _wordBackoff[id]);
        }
        HeadCutoff = headCutoff;
        TailCutoff = tailCutoff;
    }

    public int Order { get; }

    /// <summary>Word types including &lt;unk&gt;, &lt;s&gt; and &lt;/s&gt;.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary;

    /// <summary>Perplexity below which a document is <c>head</c> (the 30th percentile of the web sample).</summary>
    public double HeadCutoff { get; }

    /// <summary>Perplexity below which a document is <c>middle</c> (the 60th percentile); at or above it, <c>tail</c>.</summary>
    public double TailCutoff { get; }

    internal KneserNeyModel WithCutoffs(ModelHeader header, double head, double tail) =>
        new(header, Order, _vocabulary, _unigramBackoff, _discounted, _backoff, head, tail);

    /// <summary>p(word | history) with normalised tokens; unknown tokens are the &lt;unk&gt; class.</summary>
    public double Probability(IReadOnlyList<string> history, string word)
    {
        var sequence = new int[history.Count + 1];
        for (var i = 0; i < history.Count; i++) sequence[i] = Id(history[i]);
        sequence[^1] = Id(word);
        return Probability(sequence, sequence.Length - 1);
    }

    internal int Id(string token) => _ids.GetValueOrDefault(token, UnknownId);

    /// <summary>p(sequence[i] | sequence[..i]), using at most Order − 1 words of history.</summary>
    internal double Probability(ReadOnlySpan<int> sequence, int i)
    {
        var word = sequence[i];
        var p = _unigramDiscounted[word] + _unigramBackoff * _uniform;
        if (Order < 2 || i < 1 || !_hasWordBackoff[sequence[i - 1]]) return p; // longer histories were never seen either
        UInt128 history = (uint)sequence[i - 1];
        p = _discounted[2].GetValueOrDefault(NGramKey.Append(history, word)) + _wordBackoff[sequence[i - 1]] * p;
        for (var k = 2; k < Order && k <= i; k++)
        {
            history |= (UInt128)(uint)sequence[i - k] << (NGramKey.Bits * (k - 1));
            if (!_backoff[k].TryGetValue(history, out var gamma)) break;
            p = _discounted[k + 1].GetValueOrDefault(NGramKey.Append(history, word)) + gamma * p;
        }
        return p;
    }

    /// <summary>CCNet's per-line score: Σ log10 p over the tokens and &lt;/s&gt;, and the token count + 1.</summary>
    public (double Log10Probability, int Length) ScoreLine(string line)
    {
        var tokens = ModelTokenizer.NormalisedWords(line);
        var sequence = new int[tokens.Count + 2];
        sequence[0] = BeginId;
        for (var i = 0; i < tokens.Count; i++) sequence[i + 1] = Id(tokens[i]);
        sequence[^1] = EndId;
        var sum = 0.0;
        for (var i = 1; i < sequence.Length; i++) sum += Math.Log10(Probability(sequence, i));
        return (sum, tokens.Count + 1);
    }

    /// <summary>CCNet's document perplexity: <c>round(10 ** (−Σ log10 p / Σ (len(line.split()) + 1)), 1)</c> over
    /// every <c>\n</c>-separated line (CCNet scores empty lines too).</summary>
    public double Perplexity(string text)
    {
        var (logSum, length) = (0.0, 0);
        foreach (var line in text.Split('\n'))
        {
            var (lineLog, lineLength) = ScoreLine(line);
            logSum += lineLog;
            length += lineLength;
        }
        return PyFloat.Round(Math.Pow(10, -logSum / length), 1);
    }

    /// <summary><see cref="Perplexity(string)"/> from the document's normalised text and tokens, analysed once for
    /// all models: the same lines, sequences and sums, without a string per line or token.</summary>
    internal double Perplexity(ModelDocument document)
    {
        var text = document.NormalisedText;
        var tokens = document.Normalised;
        var sequence = document.Sequence(tokens.Count + 2);
        var (logSum, length) = (0.0, 0);
        var (t, lineStart) = (0, 0);
        while (true)
        {
            var newline = text[lineStart..].IndexOf('\n');
            var lineEnd = newline < 0 ? text.Length : lineStart + newline;
            var n = 0;
            sequence[n++] = BeginId;
            for (; t < tokens.Count && tokens.Start(t) < lineEnd; t++)
                sequence[n++] = _idsBySpan.TryGetValue(text[tokens.Start(t)..tokens.End(t)], out var id) ? id : UnknownId;
            sequence[n++] = EndId;
            var lineLog = 0.0; // summed per line first, as ScoreLine does, so the totals round the same way
            for (var i = 1; i < n; i++) lineLog += Math.Log10(Probability(sequence.AsSpan(0, n), i));
            logSum += lineLog;
            length += n - 1;
            if (newline < 0) break;
            lineStart = lineEnd + 1;
        }
        return PyFloat.Round(Math.Pow(10, -logSum / length), 1);
    }

    /// <summary>CCNet's bucket as RPv2 encodes it: head 0.0, middle 1.0, tail 2.0; NaN when no cutoffs were measured.</summary>
    public double Bucket(double perplexity)
    {
        if (double.IsNaN(HeadCutoff) || double.IsNaN(TailCutoff) || double.IsNaN(perplexity)) return double.NaN;
        return perplexity < HeadCutoff ? 0.0 : perplexity < TailCutoff ? 1.0 : 2.0;
    }

    internal override void WritePayload(BinaryWriter writer)
    {
        writer.Write(Order);
        writer.Write(_vocabulary.Length);
        foreach (var word in _vocabulary) writer.Write(word);
        writer.Write(_unigramBackoff);
        writer.Write(HeadCutoff);
        writer.Write(TailCutoff);
        for (var k = 1; k <= Order; k++) WriteTable(writer, _discounted[k], k);
        for (var k = 1; k < Order; k++) WriteTable(writer, _backoff[k], k);
    }

    internal static KneserNeyModel ReadPayload(ModelHeader header, BinaryReader reader)
    {
        if (header.PayloadVersion != PayloadVersion) throw new InvalidDataException($"Unsupported lm payload version {header.PayloadVersion}");
        var order = reader.ReadInt32();
        if (order is < 1 or > NGramKey.MaxOrder) throw new InvalidDataException($"Invalid lm order {order}");
        var vocabulary = new string[reader.ReadInt32()];
        for (var i = 0; i < vocabulary.Length; i++) vocabulary[i] = reader.ReadString();
        var unigramBackoff = reader.ReadDouble();
        var head = reader.ReadDouble();
        var tail = reader.ReadDouble();
        var discounted = new NGramTable[order + 1];
        var backoff = new NGramTable[order];
        discounted[0] = backoff[0] = new NGramTable(0);
        for (var k = 1; k <= order; k++) discounted[k] = ReadTable(reader, k);
        for (var k = 1; k < order; k++) backoff[k] = ReadTable(reader, k);
        return new KneserNeyModel(header, order, vocabulary, unigramBackoff, discounted, backoff, head, tail);
    }

    // Sorted by key so the bytes do not depend on the table's layout.
    private static void WriteTable(BinaryWriter writer, NGramTable table, int order)
    {
        var (keys, values) = table.Sorted();
        writer.Write(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            NGramKey.Write(writer, keys[i], order);
            writer.Write(values[i]);
        }
    }

    // Reads a table's records in chunks and decodes them from the span: a model's millions of n-grams load in a
    // fraction of the time that a BinaryReader call per key byte took.
    private static NGramTable ReadTable(BinaryReader reader, int order)
    {
        var count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException("Invalid n-gram table size");
        var table = new NGramTable(count);
        var keyBytes = order * 3;
        var record = keyBytes + sizeof(float);
        const int ChunkRecords = 1 << 16;
        for (var done = 0; done < count;)
        {
            var n = Math.Min(ChunkRecords, count - done);
            var bytes = reader.ReadBytes(n * record);
            if (bytes.Length != n * record) throw new EndOfStreamException("Truncated n-gram table");
            for (var r = 0; r < n; r++)
            {
                var at = r * record;
                table.Set(NGramKey.Read(bytes.AsSpan(at, keyBytes)), BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at + keyBytes)));
            }
            done += n;
        }
        return table;
    }
}
