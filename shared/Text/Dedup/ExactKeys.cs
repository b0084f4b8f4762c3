using System.IO.Hashing;
using System.Text;
using Refinery.Contracts.Dedup;

namespace Refinery.Text.Dedup;

/// <summary>The 128-bit exact keys. <see cref="None"/> stands for a document without one (no URL): it is never an
/// exact duplicate and never enters an index. XxHash128 gives zero for another input with probability 2^−128.</summary>
public static class ExactKeys
{
    public static readonly UInt128 None = UInt128.Zero;

    /// <summary>The key of a document by <paramref name="kind"/>; <paramref name="normalizedKey"/> computes the
    /// normalised one only when it is asked for.</summary>
    public static UInt128 Of(ExactKeyKind kind, string text, string? url, Func<string, UInt128> normalizedKey) => kind switch
    {
        ExactKeyKind.Normalized => normalizedKey(text),
        ExactKeyKind.Raw => XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(text)),
        _ => string.IsNullOrEmpty(url) ? None : XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(url)),
    };
}
