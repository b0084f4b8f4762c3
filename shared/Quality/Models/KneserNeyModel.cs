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
    private readonly double _unigramBackoff;
    // _discounted[k]: k-gram key → (c'(h w) − D) / c'(h ·); _backoff[k]: history of k words → γ(h). Stored as
    // float, as KenLM does: it halves memory and file size, and moves a perplexity by far less than its 0.1 rounding.
    private readonly Dictionary<UInt128, float>[] _discounted;
    private readonly Dictionary<UInt128, float>[] _backoff;

    internal KneserNeyModel(ModelHeader header, int order, string[] vocabulary, double unigramBackoff,
        Dictionary<UInt128, float>[] discounted, Dictionary<UInt128, float>[] backoff, double headCutoff, double tailCutoff)
        : base(header)
    {
        Order = order;
        _vocabulary = vocabulary;
        _ids = new Dictionary<string, int>(vocabulary.Length, StringComparer.Ordinal);
        for (var i = 0; i < vocabulary.Length; i++) _ids[vocabulary[i]] = i;
        _unigramBackoff = unigramBackoff;
        _discounted = discounted;
        _backoff = backoff;
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
        var p = 1.0 / (_vocabulary.Length - 1); // uniform over every predictable type (all but <s>)
        p = _discounted[1].GetValueOrDefault((UInt128)(uint)word) + _unigramBackoff * p;
        UInt128 history = 0;
        for (var k = 1; k < Order && k <= i; k++)
        {
            history |= (UInt128)(uint)sequence[i - k] << (NGramKey.Bits * (k - 1));
            if (!_backoff[k].TryGetValue(history, out var gamma)) break; // longer histories were never seen either
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
        var discounted = new Dictionary<UInt128, float>[order + 1];
        var backoff = new Dictionary<UInt128, float>[order];
        discounted[0] = backoff[0] = [];
        for (var k = 1; k <= order; k++) discounted[k] = ReadTable(reader, k);
        for (var k = 1; k < order; k++) backoff[k] = ReadTable(reader, k);
        return new KneserNeyModel(header, order, vocabulary, unigramBackoff, discounted, backoff, head, tail);
    }

    // Sorted by key so the bytes do not depend on dictionary insertion order.
    private static void WriteTable(BinaryWriter writer, Dictionary<UInt128, float> table, int order)
    {
        var keys = table.Keys.ToArray();
        Array.Sort(keys);
        writer.Write(keys.Length);
        foreach (var key in keys)
        {
            NGramKey.Write(writer, key, order);
            writer.Write(table[key]);
        }
    }

    private static Dictionary<UInt128, float> ReadTable(BinaryReader reader, int order)
    {
        var count = reader.ReadInt32();
        var table = new Dictionary<UInt128, float>(count);
        for (var i = 0; i < count; i++)
        {
            var key = NGramKey.Read(reader, order);
            table[key] = reader.ReadSingle();
        }
        return table;
    }
}
