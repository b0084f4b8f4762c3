
namespace Refinery.Text.Dedup;

/// <summary>A Bloom filter over 128-bit keys with a memory size fixed by its capacity and false-positive rate:
/// m = ⌈−n·ln p / ln²2⌉ bits and k = max(1, round(m/n·ln 2)) probes, from two 64-bit halves of the key by double
/// hashing. <see cref="Add"/> returns true when the key was (probably) present, as pybloomfiltermmap3 does in RPv2's
/// exact dedup. Saved to and loaded from one file.</summary>
public sealed class BloomFilter
{
    private const uint Magic = 0x4D4F4C42; // "BLOM"
    private const int HeaderBytes = 4 + 8 + 8 + 8 + 4 + 8;
    private readonly ulong[] _bits;

    public BloomFilter(long capacity, double falsePositiveRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        if (falsePositiveRate is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(falsePositiveRate), "must be in (0, 1)");
        var bits = (long)Math.Ceiling(-capacity * Math.Log(falsePositiveRate) / (Math.Log(2) * Math.Log(2)));
        Bits = Math.Max(64, (bits + 63) / 64 * 64);
        Hashes = Math.Max(1, (int)Math.Round(Bits / (double)capacity * Math.Log(2)));
        Capacity = capacity;
        FalsePositiveRate = falsePositiveRate;
        _bits = new ulong[Bits / 64];
    }

    private BloomFilter(long capacity, double rate, long bits, int hashes, long count, ulong[] words)
    {
        (Capacity, FalsePositiveRate, Bits, Hashes, Count, _bits) = (capacity, rate, bits, hashes, count, words);
    }

    public long Capacity { get; }
    public double FalsePositiveRate { get; }
    public long Bits { get; }
    public int Hashes { get; }

    /// <summary>Keys added that were not (probably) present before.</summary>
    public long Count { get; private set; }

    public bool Contains(UInt128 key)
    {
        var (h1, h2) = Halves(key);
        for (var i = 0; i < Hashes; i++)
        {
            var bit = (h1 + (ulong)i * h2) % (ulong)Bits;
            if ((_bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0) return false;
        }
        return true;
    }

    /// <summary>Sets the key's bits; true if all were set already (the key was probably added before).</summary>
    public bool Add(UInt128 key)
    {
        var (h1, h2) = Halves(key);
        var present = true;
        for (var i = 0; i < Hashes; i++)
        {
            var bit = (h1 + (ulong)i * h2) % (ulong)Bits;
            ref var word = ref _bits[bit >> 6];
            var mask = 1UL << (int)(bit & 63);
            if ((word & mask) == 0) { present = false; word |= mask; }
        }
        if (!present) Count++;
        return present;
    }

    public void Save(string path)
    {
        var partial = $"{path}.partial-{Guid.NewGuid():N}";
        using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new BinaryWriter(file))
        {
            writer.Write(Magic);
            writer.Write(Capacity);
            writer.Write(FalsePositiveRate);
            writer.Write(Bits);
            writer.Write(Hashes);
            writer.Write(Count);
            foreach (var word in _bits) writer.Write(word);
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        File.Move(partial, path, overwrite: true);
    }

    public static BloomFilter Load(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadUInt32() != Magic) throw new InvalidDataException($"{path} is not a Refinery Bloom filter");
        var capacity = reader.ReadInt64();
        var rate = reader.ReadDouble();
        var bits = reader.ReadInt64();
        var hashes = reader.ReadInt32();
        var count = reader.ReadInt64();
        if (bits <= 0 || bits % 64 != 0 || hashes < 1 || reader.BaseStream.Length != HeaderBytes + bits / 8)
            throw new InvalidDataException($"{path}: the header does not match the file's length (truncated or damaged)");
        var words = new ulong[bits / 64];
        for (var i = 0; i < words.Length; i++) words[i] = reader.ReadUInt64();
        return new BloomFilter(capacity, rate, bits, hashes, count, words);
    }

    /// <summary>The key's halves; the second is made odd so the probes never repeat one bit.</summary>
    private static (ulong, ulong) Halves(UInt128 key) => ((ulong)key, (ulong)(key >> 64) | 1);
}
