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
