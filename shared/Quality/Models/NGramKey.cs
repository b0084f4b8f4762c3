using System.Buffers.Binary;

namespace Refinery.Quality.Models;

/// <summary>An n-gram of word ids packed left to right into one <see cref="UInt128"/>, 24 bits a word, so the
/// counts need no per-n-gram allocation and context/suffix are shifts and masks. Orders up to 5 fit.</summary>
internal static class NGramKey
{
    public const int Bits = 24;
    public const int MaxOrder = 5;
    public const int MaxVocabulary = (1 << Bits) - 1;
    private const uint WordMask = (1u << Bits) - 1;

    public static UInt128 Append(UInt128 key, int word) => (key << Bits) | (uint)word;

    public static int Last(UInt128 key) => (int)(uint)(key & WordMask);

    public static int First(UInt128 key, int order) => (int)(uint)((key >> (Bits * (order - 1))) & WordMask);

    /// <summary>All words but the last (the history of the last word).</summary>
    public static UInt128 Context(UInt128 key) => key >> Bits;

    /// <summary>All words but the first (the lower-order n-gram that continuation counts are for).</summary>
    public static UInt128 Suffix(UInt128 key, int order) => key & ((UInt128.One << (Bits * (order - 1))) - 1);

    public static UInt128 Pack(ReadOnlySpan<int> words)
    {
        UInt128 key = 0;
        foreach (var w in words) key = Append(key, w);
        return key;
    }

    public static void Write(BinaryWriter writer, UInt128 key, int order)
    {
        for (var i = 0; i < order * 3; i++) writer.Write((byte)(key >> (8 * i)));
    }

    /// <summary>The key <see cref="Write"/> wrote as <paramref name="bytes"/> (order × 3 bytes, little-endian).</summary>
    public static UInt128 Read(ReadOnlySpan<byte> bytes)
    {
        Span<byte> padded = stackalloc byte[16];
        padded.Clear();
        bytes.CopyTo(padded);
        return BinaryPrimitives.ReadUInt128LittleEndian(padded);
    }
}
