using Refinery.Text.Hashing;

namespace Refinery.Text.Tests.Hashing;

public sealed class OpenAddressTableTests
{
    /// <summary>A slot whose free marker is all zeros, as the language detector's table has it.</summary>
    private struct Counted : IOpenAddressSlot<Counted, ulong>
    {
        public ulong Key;
        public int Count;

        public static Counted Free => default;
        public static bool IsFree(in Counted slot) => slot.Key == 0;
        public static bool Holds(in Counted slot, ulong key) => slot.Key == key;
        public static Counted For(ulong key) => new() { Key = key };
        public static ulong Fold(ulong key) => key;
    }

    [Fact]
    public void Counts_AgreeWithADictionary_AndAbsentKeysEndOnAFreeSlot()
    {
        var random = new Random(5);
        var table = new OpenAddressTable<Counted, ulong>(4096, 2048);
        var reference = new Dictionary<ulong, int>();
        for (var i = 0; i < 20_000; i++)
        {
            // Keys sharing their low bits, so probes run into each other.
            var key = (ulong)random.Next(1, 2000) << 32;
            ref var slot = ref table.GetOrAdd(key, out var added);
            Assert.Equal(!reference.ContainsKey(key), added);
            slot.Count++;
            reference[key] = reference.GetValueOrDefault(key) + 1;
        }

        Assert.Equal(reference.Count, table.Count);
        foreach (var (key, count) in reference) Assert.Equal(count, table.Find(key).Count);
        Assert.True(Counted.IsFree(table.Find(12345)));
        Assert.Equal(reference.Values.Sum(), table.Slots.ToArray().Sum(s => s.Count));
    }

    [Fact]
    public void GetOrAdd_BeyondMaxCount_Throws()
    {
        var table = new OpenAddressTable<Counted, ulong>(8, 2);
        table.GetOrAdd(1, out _);
        table.GetOrAdd(2, out _);
        table.GetOrAdd(2, out var added);

        Assert.False(added);
        Assert.Throws<InvalidOperationException>(() => table.GetOrAdd(3, out _));
    }
}
