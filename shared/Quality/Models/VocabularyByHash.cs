using Refinery.Text.Hashing;

namespace Refinery.Quality.Models;

/// <summary>
/// A vocabulary's word ids by the <see cref="FeatureHashing.Token"/> hash of each word, which every document's
/// tokens already have (<see cref="HashedTokens"/>): a token's id is one probe and one comparison with the word,
/// without hashing its characters again as a string dictionary does.
/// </summary>
internal sealed class VocabularyByHash
{
    private readonly string[] _words;
    private readonly OpenAddressTable<Slot, ulong> _table;

    private VocabularyByHash(string[] words, OpenAddressTable<Slot, ulong> table) => (_words, _table) = (words, table);

    /// <summary>The table, or null when two words share a hash (then the caller keeps its dictionary).</summary>
    public static VocabularyByHash? TryCreate(string[] words)
    {
        var size = 4;
        while (size < 2L * words.Length) size *= 2;
        var table = new OpenAddressTable<Slot, ulong>(size, size / 2);
        for (var id = 0; id < words.Length; id++)
        {
            ref var slot = ref table.GetOrAdd(FeatureHashing.Token(words[id]), out var added);
            if (!added) return null;
            slot.Id = id;
        }
        return new VocabularyByHash(words, table);
    }

    /// <summary>The id of <paramref name="token"/>, whose hash is <paramref name="hash"/>, or
    /// <paramref name="unknown"/>. The word is compared, so a token whose hash only collides with a word's is unknown.</summary>
    public int Id(ReadOnlySpan<char> token, ulong hash, int unknown)
    {
        ref readonly var slot = ref _table.Find(hash);
        return !Slot.IsFree(slot) && token.SequenceEqual(_words[slot.Id]) ? slot.Id : unknown;
    }

    /// <summary>Asks the CPU to fetch the slot of a token with hash <paramref name="hash"/>, for an <see cref="Id"/> soon after.</summary>
    public void Prefetch(ulong hash) => _table.Prefetch(hash);

    private struct Slot : IOpenAddressSlot<Slot, ulong>
    {
        public ulong Hash;
        public int Id; // −1: free

        public static Slot Free => new() { Id = -1 };
        public static bool IsFree(in Slot slot) => slot.Id < 0;
        public static bool Holds(in Slot slot, ulong key) => slot.Hash == key && slot.Id >= 0;
        public static Slot For(ulong key) => new() { Hash = key };
        public static ulong Fold(ulong key) => key;
    }
}
