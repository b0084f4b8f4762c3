using System.Buffers;
using System.Security.Cryptography;

namespace Refinery.Storage;

/// <summary>Copies a stream while hashing it (sha256) and counting its bytes.</summary>
internal static class HashingCopy
{
    public const int BufferSize = 128 * 1024;

    public static async Task<(string Sha256, long Length)> CopyAsync(Stream source, Stream destination, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long length = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), ct).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await destination.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                length += read;
            }
            await destination.FlushAsync(ct).ConfigureAwait(false);
            return (Convert.ToHexStringLower(hash.GetHashAndReset()), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static Task<(string Sha256, long Length)> HashAsync(Stream source, CancellationToken ct) =>
        CopyAsync(source, Stream.Null, ct);

    /// <summary>The value as lower-case hex when it is a sha256 in hex, else null.</summary>
    public static string? NormalizeSha256(string? value)
    {
        if (value is null) return null;
        value = value.Trim();
        if (value.Length != 64) return null;
        foreach (var c in value)
            if (!char.IsAsciiHexDigit(c)) return null;
        return value.ToLowerInvariant();
    }
}

/// <summary>
/// Key order of both stores: Unicode code point order, which is the UTF-8 byte order S3 lists in. It equals
/// <see cref="StringComparer.Ordinal"/> except when a key holds characters outside the Basic Multilingual Plane.
/// </summary>
internal sealed class KeyOrder : IComparer<string>
{
    public static readonly KeyOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            if (x[i] == y[i]) continue;
            return Fix(x[i]) - Fix(y[i]);
        }
        return x.Length - y.Length;
    }

    // Surrogates (D800-DFFF) encode code points above FFFF, so they must sort after E000-FFFF.
    private static int Fix(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}

internal static class StorageNames
{
    /// <summary>Validates a bucket name with the S3 rules (3-63 of a-z, 0-9, '.', '-'; starts and ends alphanumeric).</summary>
    public static string ValidateBucket(string? bucket, string paramName = "bucket")
    {
        var ok = bucket is { Length: >= 3 and <= 63 }
                 && (char.IsAsciiLetterLower(bucket[0]) || char.IsAsciiDigit(bucket[0]))
                 && (char.IsAsciiLetterLower(bucket[^1]) || char.IsAsciiDigit(bucket[^1]))
                 && bucket.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '.' or '-')
                 && !bucket.Contains("..", StringComparison.Ordinal);
        if (!ok) throw new ArgumentException($"Invalid bucket name '{bucket}': use 3-63 characters a-z, 0-9, '.', '-'", paramName);
        return bucket!;
    }

    /// <summary>
    /// Validates a listing prefix: empty (everything), or a key that may end with '/' or stop in the middle of a segment.
    /// </summary>
    public static string ValidatePrefix(string? prefix, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        if (prefix.Length == 0) return prefix;
        var body = prefix[^1] == '/' ? prefix[..^1] : prefix;
        var problem = ObjectKey.Problem(body);
        if (problem is not null) throw new ArgumentException($"Invalid key prefix '{prefix}': {problem}", paramName);
        return prefix;
    }
}
