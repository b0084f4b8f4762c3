using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Refinery.Text.Unicode;

namespace Refinery.Text;

/// <summary>RPv2's <c>normalize(text)</c> with every flag on (specs/RPV2_SIGNALS.md §2.1), in its order:
/// delete the 32 ASCII punctuation characters, str.lower(), strip and collapse whitespace runs to one space, NFD.
/// Reuses its buffers: the span returned is valid until the next call on the same instance.</summary>
public sealed class Rpv2Normalizer
{
    private GrowableBuffer<char> _withoutPunctuation = new(1024);
    private GrowableBuffer<char> _output = new(1024);
    private readonly bool _vectorized;

    public Rpv2Normalizer() : this(vectorized: true) { }

    /// <summary>With <paramref name="vectorized"/> false, every ASCII character takes the one-character step: the
    /// reference the block path is tested against.</summary>
    public Rpv2Normalizer(bool vectorized) => _vectorized = vectorized;

    public static string Normalize(string text) => new Rpv2Normalizer().Run(text).ToString();

    /// <summary>True for the characters of Python's string.punctuation.</summary>
    public static bool IsAsciiPunctuation(int c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~';

    /// <summary>The byte ranges of the words of normalised text in UTF-8 (its words are the runs between spaces),
    /// appended to <paramref name="starts"/> and <paramref name="ends"/>: what MinHash shingles are cut from.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WordBounds(ReadOnlySpan<byte> utf8, List<int> starts, List<int> ends)
    {
        var start = 0;
        for (var i = 0; i <= utf8.Length; i++)
        {
            if (i < utf8.Length && utf8[i] != (byte)' ') continue;
            if (i > start) { starts.Add(start); ends.Add(i); }
            start = i + 1;
        }
    }

    /// <summary>The same word byte ranges as <see cref="WordBounds(ReadOnlySpan{byte}, List{int}, List{int})"/>, into
    /// the caller's arrays (each at least <see cref="MaxWords"/> long), found a vector of bytes at a time: only the
    /// spaces are visited, not every byte. Returns the number of words.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int WordBounds(ReadOnlySpan<byte> utf8, Span<int> starts, Span<int> ends)
    {
        var most = MaxWords(utf8.Length);
        if (starts.Length < most || ends.Length < most) throw new ArgumentException($"room for {most} words is needed");
        int count = 0, start = 0, i = 0;
        ref var bytes = ref MemoryMarshal.GetReference(utf8);
        if (Vector256.IsHardwareAccelerated)
        {
            var space = Vector256.Create((byte)' ');
            for (; i + Vector256<byte>.Count <= utf8.Length; i += Vector256<byte>.Count)
            {
                var spaces = Vector256.Equals(Vector256.LoadUnsafe(ref bytes, (nuint)i), space).ExtractMostSignificantBits();
                while (spaces != 0)
                {
                    var at = i + BitOperations.TrailingZeroCount(spaces);
                    spaces &= spaces - 1;
                    if (at > start) { starts[count] = start; ends[count] = at; count++; }
                    start = at + 1;
                }
            }
        }
        for (; i < utf8.Length; i++)
        {
            if (utf8[i] != (byte)' ') continue;
            if (i > start) { starts[count] = start; ends[count] = i; count++; }
            start = i + 1;
        }
        if (utf8.Length > start) { starts[count] = start; ends[count] = utf8.Length; count++; }
        return count;
    }

    /// <summary>The most words a text of <paramref name="bytes"/> bytes can hold (one byte each, one space between).</summary>
    public static int MaxWords(int bytes) => (bytes + 1) / 2;

    // Optimised from the first call (no tier-0 code, no PGO instrumentation): a one-shot `refinery dedup` or
    // `refinery signals` spends its whole run in this loop, and tiering cost it about a tenth of its CPU.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<char> Run(ReadOnlySpan<char> text)
    {
        // Final_Sigma looks at neighbours in the text after punctuation removal, so only a text with a capital sigma
        // needs that text materialised; every other text is normalised in one pass.
        ReadOnlySpan<char> source;
        var skipPunctuation = text.IndexOf((char)PyCaseAndNfd.CapitalSigma) < 0;
        if (skipPunctuation)
        {
            source = text;
        }
        else
        {
            _withoutPunctuation.Clear();
            foreach (var c in text)
                if (!IsAsciiPunctuation(c)) _withoutPunctuation.Append(c);
            source = _withoutPunctuation.Span;
        }

        _output.Clear();
        var nonAscii = false;
        // ASCII (nearly all web text) never grows, so a run of it is written straight into the reserved array with a
        // local index; only a non-ASCII character goes through the buffer's checked appends, then the run resumes.
        // The ASCII step has no branch but the ASCII test: a space is written at o and kept (o advances) only when a
        // kept character follows whitespace, and the character itself is written at o and kept only when it is not
        // punctuation or whitespace. Word boundaries come every few characters at random, so branching on them cost a
        // misprediction a word. Writing up to two characters past o (a whole half block in AsciiBlock) is why Slack more
        // than the text's length is reserved.
        var pending = 0; // 1 when whitespace was seen since the last written character, and something was written
        var started = 0; // 1 once something was written (leading whitespace writes nothing)
        ref var kinds = ref MemoryMarshal.GetArrayDataReference(AsciiKind);
        ref var lower = ref MemoryMarshal.GetArrayDataReference(AsciiLower);
        var output = _output.Reserve(source.Length + Slack);
        ref var out0 = ref MemoryMarshal.GetArrayDataReference(output);
        ref var in0 = ref MemoryMarshal.GetReference(source);
        var vectors = _vectorized && Ssse3.IsSupported && Vector256.IsHardwareAccelerated;
        var o = 0;
        for (var i = 0; i < source.Length; i++)
        {
            // Up to sixteen ASCII characters at once when no space is owed from before them (see AsciiBlock): a whole
            // block, or the ASCII characters before a non-ASCII one, which then takes the exact path below.
            while (vectors && pending == 0 && i + BlockChars <= source.Length)
            {
                var block = Vector256.LoadUnsafe(ref Unsafe.As<char, ushort>(ref in0), (nuint)i);
                var nonAsciiLanes = ~Vector256.Equals(block & Vector256.Create((ushort)0xFF80), Vector256<ushort>.Zero);
                var lanes = Math.Min(BlockChars, BitOperations.TrailingZeroCount(nonAsciiLanes.ExtractMostSignificantBits()));
                if (lanes == 0) break;
                AsciiBlock(block, lanes, ref Unsafe.Add(ref out0, o), ref o, ref started, ref pending);
                i += lanes;
            }
            if (i >= source.Length) break;
            int c = source[i];
            if (c < 0x80)
            {
                int kind = Unsafe.Add(ref kinds, c);
                var keep = kind >> 1;
                Unsafe.Add(ref out0, o) = ' ';
                o += pending & keep;
                Unsafe.Add(ref out0, o) = Unsafe.Add(ref lower, c);
                o += keep;
                pending = (pending | (kind & started)) & (keep ^ 1);
                started |= keep;
                continue;
            }
            _output.SetLength(o);
            var pendingSpace = pending != 0;
            // Canonical ordering is needed only once a non-ASCII character is written (not for a non-ASCII space).
            nonAscii |= AppendNonAscii(source, ref i, ref pendingSpace);
            pending = pendingSpace ? 1 : 0;
            started = _output.Length > 0 ? 1 : 0;
            output = _output.Reserve(source.Length - i + Slack);
            out0 = ref MemoryMarshal.GetArrayDataReference(output);
            o = _output.Length;
        }
        _output.SetLength(o);
        if (nonAscii) PyCaseAndNfd.CanonicalOrder(_output.Span);
        return _output.Span;
    }

    private const int BlockChars = 16;
    private const int Slack = 10;

    /// <summary>The first <paramref name="lanes"/> of sixteen characters, all ASCII, with no space owed from before
    /// them, the same as the one-character step run that many times: masks of the kept characters and of the whitespace; the whitespace character written (as ' ') is
    /// the last one of each run between two kept characters when something was written before it; a run after the last
    /// kept character leaves a space owed (pending) instead. The kept characters, lowered, and those spaces are packed to
    /// the front of each half with one byte shuffle, so a block costs a few vector operations and a loop over its
    /// whitespace runs (about two in web text) instead of sixteen table lookups.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AsciiBlock(Vector256<ushort> block, int lanes, ref char output, ref int o, ref int started, ref int pending)
    {
        var used = lanes == BlockChars ? 0xFFFFu : (1u << lanes) - 1;
        var punctuation = InRange(block, '!', '/') | InRange(block, ':', '@') | InRange(block, '[', '`') | InRange(block, '{', '~');
        var whitespace = Vector256.Equals(block, Vector256.Create((ushort)' ')) | InRange(block, '\t', '\r') | InRange(block, '\x1C', '\x1F');
        var kept = (uint)(~(punctuation | whitespace)).ExtractMostSignificantBits() & used;
        var spaces = (uint)whitespace.ExtractMostSignificantBits() & used;
        uint written = 0;
        var runs = spaces;
        while (runs != 0)
        {
            var at = BitOperations.TrailingZeroCount(runs);
            runs &= runs - 1;
            if (started == 0 && (kept & ((1u << at) - 1)) == 0) continue; // nothing written before it
            var keptAfter = kept & ~((2u << at) - 1);
            if (keptAfter == 0) { pending = 1; continue; }
            if ((runs & ((1u << BitOperations.TrailingZeroCount(keptAfter)) - 1)) == 0) written |= 1u << at;
        }
        if (kept != 0) started = 1;
        var lowered = block | (InRange(block, 'A', 'Z') & Vector256.Create((ushort)0x20));
        var chars = Vector256.ConditionalSelect(whitespace, Vector256.Create((ushort)' '), lowered).AsByte();
        var keep = kept | written;
        ref var bytes = ref Unsafe.As<char, byte>(ref output);
        var low = keep & 0xFF;
        Ssse3.Shuffle(chars.GetLower(), Compaction[(int)low]).StoreUnsafe(ref bytes);
        var lowCount = BitOperations.PopCount(low);
        Ssse3.Shuffle(chars.GetUpper(), Compaction[(int)(keep >> 8)]).StoreUnsafe(ref bytes, (nuint)(2 * lowCount));
        o += lowCount + BitOperations.PopCount(keep >> 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> InRange(Vector256<ushort> block, char first, char last) =>
        Vector256.LessThanOrEqual(block - Vector256.Create((ushort)first), Vector256.Create((ushort)(last - first)));

    /// <summary>For each mask of 8 UTF-16 lanes, the byte shuffle that moves the selected lanes to the front in order.</summary>
    private static readonly Vector128<byte>[] Compaction = BuildCompaction();

    private static Vector128<byte>[] BuildCompaction()
    {
        var table = new Vector128<byte>[256];
        Span<byte> indices = stackalloc byte[16];
        for (var mask = 0; mask < 256; mask++)
        {
            indices.Fill(0x80);
            var next = 0;
            for (var lane = 0; lane < 8; lane++)
            {
                if ((mask & (1 << lane)) == 0) continue;
                indices[next++] = (byte)(2 * lane);
                indices[next++] = (byte)(2 * lane + 1);
            }
            table[mask] = Vector128.Create((ReadOnlySpan<byte>)indices);
        }
        return table;
    }

    /// <summary>The exact Unicode path for the character at <paramref name="i"/> (advanced past a surrogate pair);
    /// false when it was whitespace and wrote nothing.</summary>
    private bool AppendNonAscii(ReadOnlySpan<char> source, ref int i, ref bool pendingSpace)
    {
        var at = i;
        var c = PyUnicode.CodePointAt(source, ref i);
        if (PyUnicode.IsSpace(c)) { pendingSpace = _output.Length > 0; return false; }
        if (pendingSpace) { _output.Append(' '); pendingSpace = false; }
        if (!PyCaseAndNfd.MayChange(c))
        {
            _output.AppendCodePoint(c);
            return true;
        }
        if (c == PyCaseAndNfd.CapitalSigma)
        {
            _output.Append((char)(PyCaseAndNfd.IsFinalSigma(source, at) ? PyCaseAndNfd.FinalSigma : PyCaseAndNfd.SmallSigma));
            return true;
        }
        if (PyCaseAndNfd.LowerOf(c) is { } lowered)
        {
            for (var k = 0; k < lowered.Length; k++)
                PyCaseAndNfd.AppendDecomposed(PyUnicode.CodePointAt(lowered, ref k), ref _output);
        }
        else
        {
            PyCaseAndNfd.AppendDecomposed(c, ref _output);
        }
        return true;
    }

    /// <summary>What each ASCII character is: <see cref="Dropped"/> (punctuation), <see cref="Whitespace"/>, or
    /// <see cref="Kept"/> (as its lowercase form, <see cref="AsciiLower"/>). Kept is 2 and whitespace 1, so the
    /// normalising loop reads "kept" and "whitespace" off the bits without a branch.</summary>
    private const byte Dropped = 0, Whitespace = 1, Kept = 2;

    private static readonly byte[] AsciiKind = BuildAsciiKind();
    private static readonly char[] AsciiLower = BuildAsciiLower();

    private static byte[] BuildAsciiKind()
    {
        var kinds = new byte[128];
        for (var c = 0; c < 128; c++) kinds[c] = IsAsciiPunctuation(c) ? Dropped : PyUnicode.IsSpace(c) ? Whitespace : Kept;
        return kinds;
    }

    private static char[] BuildAsciiLower()
    {
        var lower = new char[128];
        for (var c = 0; c < 128; c++) lower[c] = (char)(c is >= 'A' and <= 'Z' ? c + 32 : c);
        return lower;
    }
}
