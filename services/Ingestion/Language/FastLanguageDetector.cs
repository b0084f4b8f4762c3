using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Lingua;

namespace Refinery.Ingestion.Language;

/// <summary>Lingua's high-accuracy algorithm, step for step, over one table of its models (see
/// <see cref="NgramModel"/>): clean the text (lower case, drop punctuation and digits, fold whitespace), split
/// words, apply Lingua's rules, then sum ln P of each distinct n-gram per candidate language and normalise
/// e^sum over the candidates into a confidence. On cleaned text of 120 chars or more Lingua scores trigrams only,
/// so there the answers and confidences are Lingua's. On shorter text Lingua adds 4- and 5-grams (another ~3 M
/// entries); this detector scores 1–3-grams only, so short texts may differ. Thread-safe: the model is immutable,
/// and each thread keeps its own scratch buffers.</summary>
public sealed class FastLanguageDetector : ILanguageDetector
{
    /// <summary>Lingua's HighAccuracyModeMaxTextLength: from this cleaned length on, trigrams only.</summary>
    private const int TrigramsOnlyLength = 120;

    private readonly Lingua.Language[] _columns;
    private readonly string[] _codes;
    private readonly NgramModel _model;
    private readonly LinguaRules _rules;

    [ThreadStatic] private static Scratch? _scratch;

    private FastLanguageDetector(Lingua.Language[] columns, NgramModel model)
    {
        _columns = columns;
        _codes = columns.Select(l => l.IsoCode6391().ToString().ToLowerInvariant()).ToArray();
        _model = model;
        _rules = new LinguaRules(columns);
    }

    /// <summary>Reads the models of <paramref name="languages"/> from <paramref name="modelDirectory"/> (default:
    /// Lingua/LanguageModels beside the app, where the Lingua package puts them).</summary>
    public static FastLanguageDetector Load(IReadOnlyList<Lingua.Language> languages, string? modelDirectory = null)
    {
        var columns = languages.Distinct().ToArray();
        var stride = (columns.Length + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;
        var codes = columns.Select(l => l.IsoCode6391().ToString().ToLowerInvariant()).ToArray();
        return new FastLanguageDetector(columns, NgramModel.Load(modelDirectory ?? NgramModel.DefaultDirectory, codes, stride));
    }

    public IReadOnlyList<string> Languages => _codes.Order().ToArray();

    /// <summary>Bytes of the loaded model (matrix and hash tables).</summary>
    public long ModelBytes => _model.Bytes;

    public LanguageGuess Detect(string text) => Detect(text.AsSpan());

    /// <summary><see cref="Detect(string)"/> of a span, such as a document's head, without copying it.</summary>
    public LanguageGuess Detect(ReadOnlySpan<char> text)
    {
        var scratch = _scratch ??= new Scratch();
        var cleaned = Clean(text, scratch, out var traits);
        if ((traits & CharInfo.Letter) == 0) return LanguageGuess.Unknown;

        var allowed = scratch.Allowed(_columns.Length);
        if ((traits & (CharInfo.Special | CharInfo.Logogram)) == 0)
        {
            // Only Latin letters no rule names (most web text): every word votes for no language, so the rules
            // decide nothing, and they allow the Latin-script languages if some word is all Latin letters.
            _rules.AllowLatin(allowed, (traits & LatinWord) != 0);
        }
        else
        {
            var words = SplitWords(cleaned, scratch, out var wordKinds);
            var decided = _rules.Decide(cleaned, words, wordKinds);
            if (decided != LinguaRules.None) return new LanguageGuess(_codes[decided], 1.0);
            _rules.Filter(cleaned, words, wordKinds, allowed);
        }

        var candidates = 0;
        var only = -1;
        for (var c = 0; c < allowed.Length; c++)
            if (allowed[c]) { candidates++; only = c; }
        if (candidates == 1) return new LanguageGuess(_codes[only], 1.0);
        if (candidates == 0) return LanguageGuess.Unknown;

        return Score(cleaned, allowed, scratch);
    }

    /// <summary>Lingua's n-gram stage: per order, the sum over distinct n-grams of ln P (backed off to the longest
    /// known prefix); on short text the sum is divided by the count of known unigrams; e^sum normalised over the
    /// candidates is the confidence. When every e^sum underflows (long text), Lingua gives the best 1.0.</summary>
    private LanguageGuess Score(ReadOnlySpan<char> cleaned, ReadOnlySpan<bool> allowed, Scratch scratch)
    {
        var lowest = cleaned.Length >= TrigramsOnlyLength ? NgramModel.MaxOrder : 1;
        var highest = Math.Min(NgramModel.MaxOrder, cleaned.Length);
        var stride = _model.Stride;
        var sums = scratch.Sums(stride * (NgramModel.MaxOrder + 1));
        Span<int> unigramCounts = stackalloc int[stride];
        unigramCounts.Clear();
        for (var order = lowest; order <= highest; order++)
            AddNgrams(cleaned, order, sums.Slice(order * stride, stride), order == 1 ? unigramCounts : default, scratch);

        // Per language: the sum of each order's sum, where that order found anything (Lingua keeps only sums < 0).
        var lowestSums = sums.Slice(lowest * stride, stride);
        Span<double> likelihoods = stackalloc double[_columns.Length];
        double denominator = 0;
        var anyLikelihood = false;
        for (var c = 0; c < _columns.Length; c++)
        {
            likelihoods[c] = 0;
            if (!allowed[c]) continue;
            double sum = 0;
            for (var order = lowest; order <= highest; order++)
                if (sums[order * stride + c] < 0) sum += sums[order * stride + c];
            if (unigramCounts[c] > 0) sum /= unigramCounts[c];
            if (sum == 0) continue;
            likelihoods[c] = Math.Exp(sum);
            denominator += likelihoods[c];
            anyLikelihood = true;
        }
        if (!anyLikelihood) return LanguageGuess.Unknown;

        if (denominator == 0)
        {
            var best = -1;
            for (var c = 0; c < _columns.Length; c++)
                if (allowed[c] && lowestSums[c] < 0 && (best < 0 || lowestSums[c] > lowestSums[best])) best = c;
            return best < 0 ? LanguageGuess.Unknown : new LanguageGuess(_codes[best], 1.0);
        }
        var top = 0;
        for (var c = 1; c < _columns.Length; c++)
            if (likelihoods[c] > likelihoods[top]) top = c;
        return new LanguageGuess(_codes[top], likelihoods[top] / denominator);
    }

    /// <summary>Adds the model row of every distinct all-letter n-gram of <paramref name="order"/> chars.</summary>
    private void AddNgrams(ReadOnlySpan<char> cleaned, int order, Span<double> sum, Span<int> unigramCounts, Scratch scratch)
    {
        // Three passes, so that memory is asked for ahead of use: the model's tables and rows are scattered over
        // tens of MB, and knowing the next few addresses lets the CPU fetch them together instead of in turn.
        // 1. The n-grams, packed.
        var keys = scratch.Keys(cleaned.Length);
        var n = 0;
        var run = 0; // letters ending at i
        ulong key = 0;
        var shift = 16 * (order - 1);
        for (var i = 0; i < cleaned.Length; i++)
        {
            var ch = cleaned[i];
            run = (CharInfo.Kind(ch) & CharInfo.Letter) != 0 ? run + 1 : 0;
            key = (key >> 16) | ((ulong)ch << shift);
            if (run >= order) keys[n++] = key;
        }

        // 2. Their rows, each distinct n-gram once. An n-gram some language has is its own row, so the row tells
        // whether it was met before; one no language has backs off to a prefix's row, and a set of keys tells.
        var table = _model.Table(order);
        var found = scratch.Found(n);
        var met = scratch.Met(_model.RowCount);
        NgramSet? unknown = null;
        Span<char> prefixChars = stackalloc char[2];
        var count = 0;
        for (var j = 0; j < n; j++)
        {
            if (j + Lookahead < n) table.Prefetch(keys[j + Lookahead]);
            var row = table.FindExact(keys[j]);
            if (row >= 0)
            {
                if ((met[row >> 6] & (1UL << row)) != 0) continue;
                met[row >> 6] |= 1UL << row;
                found[count++] = row;
                continue;
            }
            unknown ??= scratch.Seen(n);
            if (!unknown.Add(keys[j])) continue;
            var prefix = order > 1 ? _model.Row(Unpack(keys[j], order - 1, prefixChars)) : -1;
            if (prefix >= 0) found[count++] = prefix;
        }

        // 3. The adds.
        sum.Clear();
        var (rows, stride) = (_model.Rows, _model.Stride);
        var target = MemoryMarshal.Cast<double, Vector<double>>(sum);
        for (var f = 0; f < count; f++)
        {
            if (f + Lookahead < count) Prefetch(rows, found[f + Lookahead] * stride, stride);
            var values = rows.AsSpan(found[f] * stride, stride);
            var source = MemoryMarshal.Cast<float, Vector<float>>(values);
            for (var v = 0; v < source.Length; v++)
            {
                Vector.Widen(source[v], out var low, out var high);
                target[2 * v] += low;
                target[2 * v + 1] += high;
            }
            if (!unigramCounts.IsEmpty)
                for (var c = 0; c < _columns.Length; c++)
                    if (values[c] < 0) unigramCounts[c]++;
        }
        for (var f = 0; f < count; f++) met[found[f] >> 6] = 0; // ready for the next call
    }

    private static ReadOnlySpan<char> Unpack(ulong key, int length, Span<char> chars)
    {
        for (var i = 0; i < length; i++) chars[i] = (char)(key >> (16 * i));
        return chars[..length];
    }

    private const int Lookahead = 8;

    private static unsafe void Prefetch(float[] rows, int start, int length)
    {
        if (!Sse.IsSupported) return;
        fixed (float* row = &rows[start])
            for (var offset = 0; offset < length; offset += 64 / sizeof(float)) Sse.Prefetch0(row + offset);
    }

    /// <summary>Set in the traits of <see cref="Clean"/> when some word is all Latin-script letters.</summary>
    private const byte LatinWord = 128;

    /// <summary>Lingua's CleanUpInputText: trim, lower-case (invariant), drop punctuation and digits, then fold
    /// each whitespace run into one space. Also gives the <see cref="CharInfo"/> kinds of the kept chars, or-ed,
    /// and <see cref="LatinWord"/>.</summary>
    private static ReadOnlySpan<char> Clean(ReadOnlySpan<char> text, Scratch scratch, out byte traits)
    {
        var trimmed = text.Trim();
        if (trimmed.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            // A surrogate pair lower-cases as one code point: leave those texts to the runtime's string casing
            // (the per-char table below then changes nothing more, invariant lower case being idempotent).
            var lowered = scratch.Lower(trimmed.Length);
            trimmed.ToLowerInvariant(lowered);
            trimmed = lowered;
        }
        var output = scratch.Cleaned(trimmed.Length);
        var length = 0;
        traits = 0;
        byte word = CharInfo.LatinLetter;
        var wordLength = 0;
        foreach (var original in trimmed)
        {
            var (ch, kind) = CharInfo.Lower(original);
            if ((kind & (CharInfo.Drop | CharInfo.Space)) == 0)
            {
                output[length++] = ch;
                traits |= kind;
                word &= kind;
                wordLength++;
            }
            else if ((kind & CharInfo.Space) != 0)
            {
                if (wordLength > 0 && word != 0) traits |= LatinWord;
                (word, wordLength) = (CharInfo.LatinLetter, 0);
                if (length > 0 && output[length - 1] == ' ') continue;
                output[length++] = ' ';
            }
        }
        if (wordLength > 0 && word != 0) traits |= LatinWord;
        return output[..length];
    }

    /// <summary>Lingua's SplitTextIntoWords: words end at spaces, and each CJK-script char is a word of its own.
    /// Also gives each word's <see cref="LinguaRules.WordKind"/>, so the rules can pass over the words (most of
    /// them) that no rule can act on without looking at their chars again.</summary>
    private static ReadOnlySpan<Range> SplitWords(ReadOnlySpan<char> text, Scratch scratch, out ReadOnlySpan<byte> wordKinds)
    {
        var words = scratch.Words(text.Length);
        var kinds = scratch.WordKinds(text.Length);
        var count = 0;
        var start = 0;
        byte special = 0, latin = CharInfo.LatinLetter;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            var kind = CharInfo.Kind(ch);
            if (ch == ' ')
            {
                if (start != i)
                {
                    kinds[count] = LinguaRules.KindOf(special, latin);
                    words[count++] = start..i;
                }
                (special, latin) = (0, CharInfo.LatinLetter);
                start = i + 1;
            }
            else if ((kind & CharInfo.Logogram) != 0)
            {
                if (start != i)
                {
                    kinds[count] = LinguaRules.KindOf(special, latin);
                    words[count++] = start..i;
                }
                kinds[count] = LinguaRules.KindOf(kind, kind);
                words[count++] = i..(i + 1);
                (special, latin) = (0, CharInfo.LatinLetter);
                start = i + 1;
            }
            else
            {
                special |= kind;
                latin &= kind;
            }
        }
        if (start != text.Length)
        {
            kinds[count] = LinguaRules.KindOf(special, latin);
            words[count++] = start..text.Length;
        }
        wordKinds = kinds[..count];
        return words[..count];
    }

    /// <summary>One thread's reusable buffers, grown as needed.</summary>
    private sealed class Scratch
    {
        private char[] _lower = [], _cleaned = [];
        private Range[] _words = [];
        private byte[] _wordKinds = [];
        private int[] _found = [];
        private ulong[] _keys = [];
        private ulong[] _met = [];
        private double[] _sums = [];
        private bool[] _allowed = [];
        private readonly NgramSet _seen = new();

        public Span<char> Lower(int length) => Grow(ref _lower, length);
        public Span<char> Cleaned(int length) => Grow(ref _cleaned, length);
        public Span<Range> Words(int length) => Grow(ref _words, length);
        public Span<byte> WordKinds(int length) => Grow(ref _wordKinds, length);
        public Span<int> Found(int length) => Grow(ref _found, length);
        public Span<ulong> Keys(int length) => Grow(ref _keys, length);

        /// <summary>One bit a model row; all clear between calls.</summary>
        public Span<ulong> Met(int rows) => Grow(ref _met, (rows + 63) / 64);
        public Span<double> Sums(int length) => Grow(ref _sums, length);
        public Span<bool> Allowed(int length) => Grow(ref _allowed, length)[..length];

        public NgramSet Seen(int capacity)
        {
            _seen.Reset(capacity);
            return _seen;
        }

        private static Span<T> Grow<T>(ref T[] array, int length)
        {
            if (array.Length < length) array = new T[Math.Max(length, array.Length * 2)];
            return array.AsSpan(0, length);
        }
    }

    /// <summary>A set of packed n-grams cleared in O(1) by bumping a generation stamp.</summary>
    private sealed class NgramSet
    {
        private ulong[] _keys = new ulong[4096];
        private int[] _stamps = new int[4096];
        private int _generation;

        public void Reset(int capacity)
        {
            var needed = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
            if (needed > _keys.Length || _generation == int.MaxValue)
            {
                _keys = new ulong[Math.Max(needed, _keys.Length)];
                _stamps = new int[_keys.Length];
                _generation = 0;
            }
            _generation++;
        }

        public bool Add(ulong key)
        {
            var mask = _keys.Length - 1;
            for (var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask; ; slot = (slot + 1) & mask)
            {
                if (_stamps[slot] != _generation)
                {
                    _stamps[slot] = _generation;
                    _keys[slot] = key;
                    return true;
                }
                if (_keys[slot] == key) return false;
            }
        }
    }
}
