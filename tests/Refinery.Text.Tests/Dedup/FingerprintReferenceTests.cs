using System.Text;
using Refinery.Text.Dedup;
using Refinery.Text.Hashing;
using Refinery.Text.MinHash;
using Refinery.Text.Tests.Tokenizers;
using Refinery.Text.Unicode;

namespace Refinery.Text.Tests.Dedup;

/// <summary>The fast fingerprint path (branch-free normalising loop, vector word bounds, vector SHA-1 tails, vector
/// canonical-order scan) against plain references written from the specification, on real documents from
/// ../shared/data and on the same documents with whitespace, punctuation and non-ASCII characters sprinkled in.</summary>
public sealed class FingerprintReferenceTests
{
    private static readonly IReadOnlyList<string> Texts = RealDocuments.All.Concat(Mutated(RealDocuments.All.Take(300))).ToList();

    [Fact]
    public void Normalizer_EqualsPlainReference_OnRealDocuments()
    {
        var normalizer = new Rpv2Normalizer();
        var differing = Texts.Where(t => normalizer.Run(t).ToString() != ReferenceNormalize(t)).ToList();
        Assert.True(differing.Count == 0, $"{differing.Count} of {Texts.Count} texts differ; first: {differing.FirstOrDefault()?[..Math.Min(200, differing[0].Length)]}");
    }

    [Fact]
    public void VectorBlocks_EqualTheOneCharacterStep_OnDenseWhitespaceAndPunctuation()
    {
        // Every block boundary case: runs of each ASCII whitespace and punctuation character at every offset, leading
        // and trailing runs, capitals, control characters, and non-ASCII characters that send a block to the scalar path.
        const string alphabet = "aZ9 \t\n\r\v\f\x1C\x1F.,'!-_~\x01\x7FéΣ\u00A0";
        var random = new Random(15);
        var texts = Enumerable.Range(0, 4000).Select(n =>
        {
            var chars = new char[random.Next(0, 90)];
            for (var i = 0; i < chars.Length; i++)
                chars[i] = random.Next(4) == 0 ? alphabet[random.Next(alphabet.Length)] : alphabet[random.Next(3)];
            return new string(chars);
        }).Concat(Texts.Take(500));
        var (vector, scalar) = (new Rpv2Normalizer(), new Rpv2Normalizer(vectorized: false));
        foreach (var text in texts)
            Assert.Equal(scalar.Run(text).ToString(), vector.Run(text).ToString());
    }

    [Theory]
    [InlineData("   ")]
    [InlineData("\u00A0lead and trail\u3000")]
    [InlineData("a\u00A0 \tb")]
    [InlineData("!!!x!!! ,,, y")]
    [InlineData("É é\u2003É")]
    [InlineData("ΟΔΟΣ, ΟΔΟΣ! ΣΑ")]
    public void Normalizer_EqualsPlainReference_OnEdgeCases(string text) =>
        Assert.Equal(ReferenceNormalize(text), Rpv2Normalizer.Normalize(text));

    [Fact]
    public void WordBounds_IntoArrays_EqualsTheListVersion()
    {
        var texts = Texts.Select(t => Encoding.UTF8.GetBytes(Rpv2Normalizer.Normalize(t)))
            .Concat(Texts.Take(200).Select(t => Encoding.UTF8.GetBytes(t))) // raw text: runs of spaces, leading and trailing ones
            .Concat(Enumerable.Range(0, 70).Select(n => Encoding.UTF8.GetBytes(new string(' ', n % 3) + string.Join("  ", Enumerable.Repeat("ab", n)) + " ")));
        foreach (var utf8 in texts)
        {
            List<int> starts = [], ends = [];
            Rpv2Normalizer.WordBounds(utf8, starts, ends);
            var (s, e) = (new int[Rpv2Normalizer.MaxWords(utf8.Length)], new int[Rpv2Normalizer.MaxWords(utf8.Length)]);
            var count = Rpv2Normalizer.WordBounds(utf8, s, e);
            Assert.Equal(starts, s[..count]);
            Assert.Equal(ends, e[..count]);
        }
    }

    [Fact]
    public void Sha1MultiBuffer_EqualsScalar_OnRealShingles()
    {
        var compared = 0;
        foreach (var text in Texts)
        {
            var utf8 = Encoding.UTF8.GetBytes(Rpv2Normalizer.Normalize(text));
            var (starts, ends) = Words(utf8);
            var shingles = starts.Count - 12;
            if (shingles <= 0) continue;
            var hashes = new uint[shingles];
            Sha1Multi.Hash32(utf8, starts.ToArray()[..shingles], ends.ToArray()[12..], hashes);
            for (var i = 0; i < shingles; i++) Assert.Equal(Sha1.Hash32(utf8.AsSpan(starts[i], ends[i + 12] - starts[i])), hashes[i]);
            compared += shingles;
        }
        Assert.True(compared > 100_000, $"only {compared} shingles compared");
    }

    [Fact]
    public void Fingerprint_EqualsScalarReference_OnRealDocuments()
    {
        var fingerprinter = new DedupFingerprinter(MinHashPermutations.RpV2, 13);
        var reference = new MinHasher(MinHashPermutations.RpV2, 13);
        foreach (var text in Texts.Take(400))
        {
            var utf8 = Encoding.UTF8.GetBytes(ReferenceNormalize(text));
            var (starts, ends) = Words(utf8);
            var fingerprint = fingerprinter.Compute(text, withShingles: false);
            Assert.Equal(System.IO.Hashing.XxHash128.HashToUInt128(utf8), fingerprint.NormalizedKey);
            if (starts.Count < 13)
            {
                Assert.Null(fingerprint.Signature);
                continue;
            }
            var hashes = Enumerable.Range(0, starts.Count - 12).Select(i => Sha1.Hash32(utf8.AsSpan(starts[i], ends[i + 12] - starts[i]))).ToArray();
            var expected = new uint[MinHashPermutations.RpV2Count];
            reference.SignatureScalar(hashes, expected);
            Assert.Equal(expected, fingerprint.Signature);
        }
    }

    /// <summary>Words as RPv2 splits them: maximal runs of bytes other than the space.</summary>
    private static (List<int> Starts, List<int> Ends) Words(byte[] utf8)
    {
        List<int> starts = [], ends = [];
        for (int i = 0, start = 0; i <= utf8.Length; i++)
        {
            if (i < utf8.Length && utf8[i] != (byte)' ') continue;
            if (i > start) { starts.Add(start); ends.Add(i); }
            start = i + 1;
        }
        return (starts, ends);
    }

    /// <summary>RPv2's normalize() step by step as the specification orders it: delete string.punctuation, str.lower()
    /// (with Final_Sigma), split on whitespace and join with one space, NFD (decompose, then order each run of
    /// non-starters by combining class, stably).</summary>
    private static string ReferenceNormalize(string text)
    {
        var noPunctuation = new string(text.Where(c => !Rpv2Normalizer.IsAsciiPunctuation(c)).ToArray());
        var lower = new StringBuilder();
        for (var i = 0; i < noPunctuation.Length; i++)
        {
            var at = i;
            var c = PyUnicode.CodePointAt(noPunctuation, ref i);
            if (c == 0x3A3) lower.Append(PyCaseAndNfd.IsFinalSigma(noPunctuation, at) ? 'ς' : 'σ');
            else if (PyCaseAndNfd.LowerOf(c) is { } mapped) lower.Append(mapped);
            else lower.Append(noPunctuation.AsSpan(at, i - at + 1));
        }
        var words = new List<string>();
        var word = new StringBuilder();
        var lowered = lower.ToString();
        for (var i = 0; i < lowered.Length; i++)
        {
            var at = i;
            var c = PyUnicode.CodePointAt(lowered, ref i);
            if (!PyUnicode.IsSpace(c)) { word.Append(lowered.AsSpan(at, i - at + 1)); continue; }
            if (word.Length > 0) words.Add(word.ToString());
            word.Clear();
        }
        if (word.Length > 0) words.Add(word.ToString());
        var joined = string.Join(' ', words);
        var decomposed = new GrowableBuffer<char>(joined.Length);
        for (var i = 0; i < joined.Length; i++) PyCaseAndNfd.AppendDecomposed(PyUnicode.CodePointAt(joined, ref i), ref decomposed);
        var points = new List<int>();
        var span = decomposed.Span;
        for (var i = 0; i < span.Length; i++) points.Add(PyUnicode.CodePointAt(span, ref i));
        var ordered = new StringBuilder();
        for (var i = 0; i < points.Count;)
        {
            if (PyUnicode.CombiningClass(points[i]) == 0) { ordered.Append(char.ConvertFromUtf32(points[i++])); continue; }
            var end = i;
            while (end < points.Count && PyUnicode.CombiningClass(points[end]) != 0) end++;
            foreach (var mark in points.GetRange(i, end - i).OrderBy(PyUnicode.CombiningClass)) ordered.Append(char.ConvertFromUtf32(mark));
            i = end;
        }
        return ordered.ToString();
    }

    /// <summary>The texts with, every few characters, a character that exercises a different branch of the normaliser:
    /// ASCII and non-ASCII whitespace, punctuation, capitals with and without a lowercase mapping, combining marks.</summary>
    private static IEnumerable<string> Mutated(IEnumerable<string> texts)
    {
        string[] inserts = [" ", "  ", "\t", "\u00A0", "\u3000", "\u2028", ",", "...", "É", "İ", "Σ", "\u0301", "\u0323\u0307", "ﬁ", "😀", "A"];
        var random = new Random(15);
        foreach (var text in texts)
        {
            var mutated = new StringBuilder();
            for (var i = 0; i < text.Length; i++)
            {
                mutated.Append(text[i]);
                if (random.Next(12) == 0 && !char.IsHighSurrogate(text[i])) mutated.Append(inserts[random.Next(inserts.Length)]);
            }
            yield return mutated.ToString();
        }
    }
}
