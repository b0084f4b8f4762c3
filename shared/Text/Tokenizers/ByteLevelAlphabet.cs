namespace Refinery.Text.Tokenizers;

/// <summary>GPT-2's byte-to-unicode table, the alphabet of byte-level BPE files (vocab.json, merges.txt,
/// tokenizer.json): every byte becomes one printable character, so a token's bytes are a string without spaces or
/// control characters. Printable Latin-1 bytes stand for themselves; the other 68 take the code points from 256 on,
/// in byte order (space is 'Ġ', U+0120; newline 'Ċ', U+010A).</summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    public static char Of(byte b) => ByteToChar[b];

    /// <summary>The token's bytes written in the alphabet.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <exception cref="FormatException">A character outside the alphabet.</exception>
    public static byte[] Decode(string text)
    {
        var bytes = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
            bytes[i] = CharToByte.TryGetValue(text[i], out var b) ? b
                : throw new FormatException($"'{text[i]}' (U+{(int)text[i]:X4}) is not in GPT-2's byte-level alphabet");
        return bytes;
    }

    private static char[] Build()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= '¡' and <= '¬' or >= '®' and <= 'ÿ';
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
