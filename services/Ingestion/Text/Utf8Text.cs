using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Refinery.Ingestion.Text;

/// <summary>UTF-8 decoding that replaces invalid sequences with U+FFFD and says how many it replaced.</summary>
public static class Utf8Text
{
    private static readonly byte[] Replacement = [0xEF, 0xBF, 0xBD];

    /// <summary>Decodes <paramref name="bytes"/>; <paramref name="invalid"/> is the number of invalid sequences replaced.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, out int invalid)
    {
        // Encoding.UTF8 replaces each maximal invalid subsequence with one U+FFFD, the same unit CountInvalid counts.
        invalid = Utf8.IsValid(bytes) ? 0 : CountInvalid(bytes);
        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>How many invalid sequences (maximal subparts, as U+FFFD replacement counts them) <paramref name="bytes"/> holds.</summary>
    public static int CountInvalid(ReadOnlySpan<byte> bytes)
    {
        var count = 0;
        while (!bytes.IsEmpty)
        {
            var nonAscii = bytes.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (nonAscii < 0) break;
            bytes = bytes[nonAscii..];
            if (Rune.DecodeFromUtf8(bytes, out _, out var consumed) != OperationStatus.Done) count++;
            bytes = bytes[consumed..];
        }
        return count;
    }

    /// <summary>Copies <paramref name="bytes"/> into <paramref name="destination"/> (at least 3 × its length) with every
    /// invalid sequence replaced by the UTF-8 bytes of U+FFFD; returns the length written.</summary>
    public static int Sanitize(ReadOnlySpan<byte> bytes, Span<byte> destination, out int invalid)
    {
        invalid = 0;
        var written = 0;
        while (!bytes.IsEmpty)
        {
            var nonAscii = bytes.IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (nonAscii < 0) nonAscii = bytes.Length;
            bytes[..nonAscii].CopyTo(destination[written..]);
            written += nonAscii;
            bytes = bytes[nonAscii..];
            if (bytes.IsEmpty) break;
            if (Rune.DecodeFromUtf8(bytes, out _, out var consumed) == OperationStatus.Done)
            {
                bytes[..consumed].CopyTo(destination[written..]);
                written += consumed;
            }
            else
            {
                invalid++;
                Replacement.CopyTo(destination[written..]);
                written += Replacement.Length;
            }
            bytes = bytes[consumed..];
        }
        return written;
    }
}
