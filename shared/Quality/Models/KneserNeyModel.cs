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
    private readonly VocabularyByHash? _idsByHash; // by the hashes a document's tokens already have
    private readonly double _unigramBackoff;
    // _tables[k]: k-gram key → (c'(h w) − D) / c'(h ·) and, when the k-gram is a history, γ(h); one table per order
    // (see KneserNeyTable). Stored as float, as KenLM does: it halves memory and file size, and moves a perplexity by
    // far less than its 0.1 rounding.
    private readonly KneserNeyTable[] _tables;
    // The order-1 entries again as arrays indexed by word id, for the two lookups every token makes.
    private readonly float[] _unigramDiscounted;
    private readonly float[] _wordBackoff;
    private readonly bool[] _hasWordBackoff;
    private readonly double _uniform;

    internal KneserNeyModel(ModelHeader header, int order, string[] vocabulary, double unigramBackoff,
        Dictionary<UInt128, float>[] discounted, Dictionary<UInt128, float>[] backoff, double headCutoff, double tailCutoff)
        : this(header, order, vocabulary, unigramBackoff,
            [new KneserNeyTable(0), .. Enumerable.Range(1, order).Select(k => new KneserNeyTable(discounted[k], k < order ? backoff[k] : null))],
            headCutoff, tailCutoff)
    {
    }

    private KneserNeyModel(ModelHeader header, int order, string[] vocabulary, double unigramBackoff,
        KneserNeyTable[] tables, double headCutoff, double tailCutoff)
        : base(header)
    {
        Order = order;
        _vocabulary = vocabulary;
        _ids = new Dictionary<string, int>(vocabulary.Length, StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Length; i++) _ids[vocabulary[i]] = i;
        _idsBySpan = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        _idsByHash = VocabularyByHash.TryCreate(vocabulary);
        _unigramBackoff = unigramBackoff;
        _tables = tables;
        _uniform = 1.0 / (vocabulary.Length - 1); // uniform over every predictable type (all but <s>)
        (_unigramDiscounted, _wordBackoff, _hasWordBackoff) = (new float[vocabulary.Length], new float[vocabulary.Length], new bool[vocabulary.Length]);
        for (var id = 0; id < vocabulary.Length; id++)
        {
            _unigramDiscounted[id] = tables[1].DiscountedOrZero((uint)id);
            if (order > 1) _hasWordBackoff[id] = tables[1].TryGetBackoff((uint)id, out _wordBackoff[id]);
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
        new(header, Order, _vocabulary, _unigramBackoff, _tables, head, tail);

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
        p = _tables[2].DiscountedOrZero(NGramKey.Append(history, word)) + _wordBackoff[sequence[i - 1]] * p;
        for (var k = 2; k < Order && k <= i; k++)
        {
            history |= (UInt128)(uint)sequence[i - k] << (NGramKey.Bits * (k - 1));
            if (!_tables[k].TryGetBackoff(history, out var gamma)) break;
            p = _tables[k + 1].DiscountedOrZero(NGramKey.Append(history, word)) + gamma * p;
        }
        return p;
    }

    /// <summary>Σ log10 p(sequence[i] | sequence[..i]) for i ≥ 1: <see cref="Probability(ReadOnlySpan{int},int)"/>'s
    /// values added in the same order, but each position's walk keeps the γ of the n-grams it looked up, which are
    /// the next position's histories, so a history is looked up again only when the previous walk stopped short of it.</summary>
    internal double Log10Sum(ReadOnlySpan<int> sequence)
    {
        // Two halves, the previous position's and this one's, swapped by parity: gammas[h + k] is the γ of the k-gram
        // ending at that position, known[h + k] 0 when it was not looked up, 1 when found, −1 when absent.
        const int Half = NGramKey.MaxOrder + 1;
        Span<float> gammas = stackalloc float[2 * Half];
        Span<sbyte> known = stackalloc sbyte[2 * Half];
        known.Clear();
        var sum = 0.0;
        for (var i = 1; i < sequence.Length; i++)
        {
            if (i + PrefetchAhead < sequence.Length) Prefetch(sequence, i + PrefetchAhead);
            var (before, now) = (i % 2 == 0 ? Half : 0, i % 2 == 0 ? 0 : Half);
            known.Slice(now, Half).Clear();
            var word = sequence[i];
            var previous = sequence[i - 1];
            var p = _unigramDiscounted[word] + _unigramBackoff * _uniform;
            if (Order >= 2 && _hasWordBackoff[previous])
            {
                UInt128 history = (uint)previous;
                p = _tables[2].Lookup(NGramKey.Append(history, word), out gammas[now + 2], out var has) + _wordBackoff[previous] * p;
                known[now + 2] = has ? (sbyte)1 : (sbyte)-1;
                for (var k = 2; k < Order && k <= i; k++)
                {
                    history |= (UInt128)(uint)sequence[i - k] << (NGramKey.Bits * (k - 1));
                    if (known[before + k] == 0)
                        known[before + k] = _tables[k].TryGetBackoff(history, out gammas[before + k]) ? (sbyte)1 : (sbyte)-1;
                    if (known[before + k] < 0) break;
                    p = _tables[k + 1].Lookup(NGramKey.Append(history, word), out gammas[now + k + 1], out has) + gammas[before + k] * p;
                    known[now + k + 1] = has ? (sbyte)1 : (sbyte)-1;
                }
            }
            sum += Math.Log10(p);
        }
        return sum;
    }

    // Positions ahead whose n-grams are fetched into cache while this one walks: each walk waits on misses in large
    // tables, and the keys of later positions are known before any value is.
    private const int PrefetchAhead = 4;

    private void Prefetch(ReadOnlySpan<int> sequence, int j)
    {
        if (Order < 2 || !_hasWordBackoff[sequence[j - 1]]) return; // that walk stops at the unigram
        UInt128 key = (uint)sequence[j];
        for (var k = 2; k <= Order && k <= j + 1; k++)
        {
            key |= (UInt128)(uint)sequence[j - k + 1] << (NGramKey.Bits * (k - 1));
            _tables[k].Prefetch(key);
        }
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
        var hashes = tokens.Features; // the first Count are the tokens' own hashes
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
            {
                if (t + PrefetchAhead < tokens.Count) _idsByHash?.Prefetch(hashes[t + PrefetchAhead]);
                var token = text[tokens.Start(t)..tokens.End(t)];
                sequence[n++] = _idsByHash is not null ? _idsByHash.Id(token, hashes[t], UnknownId)
                    : _idsBySpan.TryGetValue(token, out var id) ? id : UnknownId;
            }
            sequence[n++] = EndId;
            logSum += Log10Sum(sequence.AsSpan(0, n)); // summed per line first, as ScoreLine does, so the totals round the same way
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
        for (var k = 1; k <= Order; k++) WriteTable(writer, _tables[k].Sorted(backoff: false), k);
        for (var k = 1; k < Order; k++) WriteTable(writer, _tables[k].Sorted(backoff: true), k);
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
        // The file lists every order's discounted entries, then every order's backoff entries, and a table holds
        // both: the counts are read first (skipping the records), so each table is sized once and filled in place.
        var payload = reader.BaseStream;
        var recordsStart = payload.Position;
        var sizes = new long[order + 1];
        for (var pass = 0; pass < 2; pass++)
            for (var k = 1; k <= order - pass; k++)
            {
                var count = reader.ReadInt32();
                if (count < 0) throw new InvalidDataException("Invalid n-gram table size");
                sizes[k] += count;
                payload.Seek((long)count * (k * 3 + sizeof(float)), SeekOrigin.Current);
            }
        payload.Position = recordsStart;
        var tables = new KneserNeyTable[order + 1];
        tables[0] = new KneserNeyTable(0);
        for (var k = 1; k <= order; k++)
            tables[k] = new KneserNeyTable((int)Math.Min(sizes[k], int.MaxValue / 4));
        for (var k = 1; k <= order; k++) ReadTable(reader, tables[k], k, backoff: false);
        for (var k = 1; k < order; k++) ReadTable(reader, tables[k], k, backoff: true);
        return new KneserNeyModel(header, order, vocabulary, unigramBackoff, tables, head, tail);
    }

    // Sorted by key so the bytes do not depend on the table's layout.
    private static void WriteTable(BinaryWriter writer, (UInt128[] Keys, float[] Values) sorted, int order)
    {
        var (keys, values) = sorted;
        writer.Write(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            NGramKey.Write(writer, keys[i], order);
            writer.Write(values[i]);
        }
    }

    // Reads a table's records in chunks and decodes them from the span: a model's millions of n-grams load in a
    // fraction of the time that a BinaryReader call per key byte took.
    private static void ReadTable(BinaryReader reader, KneserNeyTable table, int order, bool backoff)
    {
        var count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException("Invalid n-gram table size");
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
                var key = NGramKey.Read(bytes.AsSpan(at, keyBytes));
                var value = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at + keyBytes));
                if (backoff) table.SetBackoff(key, value);
                else table.SetDiscounted(key, value);
            }
            done += n;
        }
    }
}
