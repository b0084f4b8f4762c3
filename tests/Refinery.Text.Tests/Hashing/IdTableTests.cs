using Refinery.Text.Hashing;

namespace Refinery.Text.Tests.Hashing;

public sealed class IdTableTests
{
    [Fact]
    public void LongIdTable_GivesDenseIdsInFirstInsertionOrder_AsADictionaryWould()
    {
        var table = new LongIdTable();
        var random = new Random(3);
        for (var round = 0; round < 3; round++)
        {
            table.Clear(10);
            var reference = new Dictionary<long, int>();
            for (var i = 0; i < 50_000; i++)
            {
                long key = random.Next(0, 20_000) * (round == 2 ? 1L << 40 : 1); // dense, then keys sharing low bits
                var id = table.GetOrAdd(key, out var added);
                Assert.Equal(!reference.ContainsKey(key), added);
                if (added) reference[key] = reference.Count;
                Assert.Equal(reference[key], id);
            }
            Assert.Equal(reference.Count, table.Count);
        }
    }

    [Fact]
    public void LongIdTable_ClearedManyTimesAtMixedSizes_ForgetsEveryEarlierKey()
    {
        // Clearing only raises a base over the stamps written: keys of earlier rounds, in slots of a larger or
        // smaller table than this round's, must all read as absent.
        var table = new LongIdTable();
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var keys = random.Next(0, 4) == 0 ? random.Next(2000, 6000) : random.Next(1, 600);
            table.Clear(random.Next(2) == 0 ? keys : 1);
            var reference = new Dictionary<long, int>();
            for (var i = 0; i < keys; i++)
            {
                long key = random.Next(0, keys);
                var id = table.GetOrAdd(key, out var added);
                Assert.Equal(!reference.ContainsKey(key), added);
                if (added) reference[key] = reference.Count;
                Assert.Equal(reference[key], id);
            }
            Assert.Equal(reference.Count, table.Count);
        }
    }

    [Fact]
    public void SpanIdTable_EqualPiecesShareAnId_DifferentPiecesNever()
    {
        var words = Enumerable.Range(0, 5000).Select(i => "w" + (i * 7919 % 1301)).ToArray();
        var text = string.Join(' ', words);
        var table = new SpanIdTable();
        table.Reset(4);
        var reference = new Dictionary<string, int>();
        var offset = 0;
        foreach (var word in words)
        {
            var id = table.GetOrAdd(text, offset, word.Length, out var added);
            Assert.Equal(!reference.ContainsKey(word), added);
            if (added) reference[word] = reference.Count;
            Assert.Equal(reference[word], id);
            offset += word.Length + 1;
        }
    }

    [Fact]
    public void SpanIdTable_ShortPiecesOfAnyUnits_GetExactIds()
    {
        // Pieces of up to four units are matched on their hash alone: any two distinct ones must still differ.
        var random = new Random(11);
        var text = new string(Enumerable.Range(0, 200_000)
            .Select(i => (char)(i % 3 == 0 ? random.Next(0, 65536) : random.Next('a', 'd'))).ToArray());
        var table = new SpanIdTable();
        for (var round = 0; round < 4; round++)
        {
            table.Reset(16);
            var reference = new Dictionary<string, int>();
            for (var k = 0; k < 40_000; k++)
            {
                var length = random.Next(1, 6);
                var start = random.Next(0, text.Length - length);
                var piece = text.Substring(start, length);
                var id = table.GetOrAdd(text, start, length, out var added);
                Assert.Equal(!reference.ContainsKey(piece), added);
                if (added) reference[piece] = reference.Count;
                Assert.Equal(reference[piece], id);
            }
        }
    }
}

public sealed class ShortAsciiSetTests
{
    [Fact]
    public void Contains_AgreesWithAnOrdinalHashSet_ForShortLongAndNonAsciiStrings()
    {
        var members = new[] { "a", "the", "don't", "abcdefgh", "abcdefghi", "über", "café", "x\u0001", "" };
        var set = new ShortAsciiSet(members);
        var reference = new HashSet<string>(members, StringComparer.Ordinal);
        var random = new Random(5);
        var probes = members.Concat(["A", "th", "thee", "abcdefg", "abcdefgH", "uber", "x", "x\u0001\u0001", "a\0", "\0"])
            .Concat(Enumerable.Range(0, 20_000).Select(_ => new string(Enumerable.Range(0, random.Next(0, 11))
                .Select(_ => (char)(random.Next(4) == 0 ? random.Next(0, 300) : random.Next('a', 'e'))).ToArray())));
        foreach (var probe in probes) Assert.Equal(reference.Contains(probe), set.Contains(probe));
        Assert.Equal(9, set.MaxLength);
    }
}
