using System.Buffers.Text;
using System.Globalization;
using System.Numerics;

namespace Refinery.Text;

/// <summary>Python float behaviour that RPv2 values depend on: <c>round(x, 8)</c> and <c>repr(x)</c>.</summary>
public static class PyFloat
{
    private const double Scale = 1e8;

    /// <summary>Python's round(x, 8): the exact binary value rounded to 8 decimals, exact ties to even, then the
    /// nearest double (specs/RPV2_SIGNALS.md §2.6). Math.Round(x, 8) scales first and differs on ties.</summary>
    public static double Round8(double x)
    {
        if (!double.IsFinite(x) || x == 0) return x;
        var scaled = x * Scale;
        // Fast path: when x·1e8 is well inside (-2^52, 2^52) and its fraction is far from .5, the rounding error of the
        // multiplication (at most half an ulp, < 1e-7 here) cannot change which integer is nearest.
        if (Math.Abs(scaled) < 1e9)
        {
            var floor = Math.Floor(scaled);
            var fraction = scaled - floor;
            // CopySign keeps Python's -0.0 for small negative values.
            if (Math.Abs(fraction - 0.5) > 1e-6) return Math.CopySign((fraction < 0.5 ? floor : floor + 1) / Scale, x);
        }
        return RoundExact(x);
    }

    /// <summary>The reference path: exact rational arithmetic, used near ties and for large values.</summary>
    public static double RoundExact(double x) => Round(x, 8);

    /// <summary>Python's round(x, digits) for 0 ≤ digits ≤ 17: the exact binary value scaled by 10^digits, rounded to an
    /// integer with exact ties to even, then parsed back, which is a correctly rounded conversion as CPython's.</summary>
    public static double Round(double x, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 17);
        // Above 2^52 every double is an integer, so nothing is left to round (CPython returns x too).
        if (!double.IsFinite(x) || x == 0 || Math.Abs(x) >= 4503599627370496.0) return x;
        var bits = BitConverter.DoubleToInt64Bits(x);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        if (exponent == 0) exponent = 1; else mantissa |= 1L << 52;
        exponent -= 1075; // |x| = mantissa · 2^exponent, exactly

        var scale = BigInteger.Pow(10, digits);
        BigInteger quotient;
        if (exponent >= 0) quotient = (new BigInteger(mantissa) << exponent) * scale;
        else
        {
            var denominator = BigInteger.One << -exponent;
            quotient = BigInteger.DivRem(new BigInteger(mantissa) * scale, denominator, out var remainder);
            var twice = remainder << 1;
            if (twice > denominator || (twice == denominator && !quotient.IsEven)) quotient += 1;
        }
        var text = quotient.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        if (digits > 0) text = text[..^digits] + "." + text[^digits..];
        if (x < 0) text = "-" + text;
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary><see cref="Repr"/> as ASCII bytes into <paramref name="destination"/> (at least 32 bytes), without
    /// allocating: the common values (0, 1, and 1e-4 ≤ |x| &lt; 1e15, where .NET's shortest round-trip text is already
    /// positional as Python's) are formatted directly; the rest go through <see cref="Repr"/>. Returns the bytes written.</summary>
    public static int ReprUtf8(double x, Span<byte> destination)
    {
        if (x == 0 && !double.IsNegative(x)) return Copy("0.0"u8, destination);
        if (x == 1) return Copy("1.0"u8, destination);
        var magnitude = Math.Abs(x);
        if (magnitude is >= 1e-4 and < EightDecimalsBelow && TryEightDecimals(x, destination, out var eight)) return eight;
        if (magnitude is >= 1e-4 and < 1e15 && x.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture)
            && destination[..written].IndexOfAny((byte)'E', (byte)'e') < 0)
        {
            // Integral values print without a decimal point in .NET; Python keeps ".0".
            if (destination[..written].IndexOf((byte)'.') >= 0) return written;
            destination[written] = (byte)'.';
            destination[written + 1] = (byte)'0';
            return written + 2;
        }
        var text = Repr(x);
        for (var i = 0; i < text.Length; i++) destination[i] = (byte)text[i];
        return text.Length;

        static int Copy(ReadOnlySpan<byte> bytes, Span<byte> to)
        {
            bytes.CopyTo(to);
            return bytes.Length;
        }
    }

    /// <summary>Below this, x·1e8 is an exact integer whenever x is the double nearest some k/1e8.</summary>
    private const double EightDecimalsBelow = 1e7;

    /// <summary>Most signal values are <see cref="Round8"/> results: the double nearest to k/1e8 for an integer k. For
    /// those, with |x| ≥ 1e-4, the shortest text that reads back as x is k/1e8 written with its trailing zeros dropped:
    /// another text with at most 8 decimals is another multiple of 1e-8, which reads back as another double (they are
    /// far more than an ulp apart here), and one with a digit past the 8th decimal has more significant digits. So
    /// the digits come from integer arithmetic, not from a general shortest-digits search. False for other values.</summary>
    private static bool TryEightDecimals(double x, Span<byte> destination, out int written)
    {
        var magnitude = Math.Abs(x);
        var k = Math.Round(magnitude * Scale);
        written = 0;
        // Division of two exact integers is correctly rounded: equality means x is the double nearest k/1e8.
        if (k / Scale != magnitude) return false;
        var units = (long)k;
        var whole = units / 100_000_000;
        var fraction = units - whole * 100_000_000;
        if (x < 0) destination[written++] = (byte)'-';
        Utf8Formatter.TryFormat(whole, destination[written..], out var wholeDigits);
        written += wholeDigits;
        destination[written++] = (byte)'.';
        if (fraction == 0)
        {
            destination[written++] = (byte)'0';
            return true;
        }
        var digits = 8;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            digits--;
        }
        for (var d = digits - 1; d >= 0; d--)
        {
            destination[written + d] = (byte)('0' + fraction % 10);
            fraction /= 10;
        }
        written += digits;
        return true;
    }

    /// <summary>Python's repr(float): the shortest round-trip digits, positional for 1e-4 ≤ |x| &lt; 1e16, else
    /// scientific as "1e-05" or "1.5e+16"; integral values keep ".0".</summary>
    public static string Repr(double x)
    {
        if (double.IsNaN(x)) return "nan";
        if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
        if (x == 0) return double.IsNegative(x) ? "-0.0" : "0.0";
        // "R" gives the shortest round-trip digits, positional or as d.dddE±xx; normalise to digits and the
        // position of the decimal point (Python's decpt), then lay them out as Python does.
        var shortest = x.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest[0] == '-';
        if (negative) shortest = shortest[1..];
        string digits;
        int decimalExponent; // value = 0.digits × 10^decimalExponent
        var e = shortest.IndexOfAny(['E', 'e']);
        var mantissaPart = e >= 0 ? shortest[..e] : shortest;
        var exp10 = e >= 0 ? int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var dot = mantissaPart.IndexOf('.');
        var intPart = dot >= 0 ? mantissaPart[..dot] : mantissaPart;
        var fracPart = dot >= 0 ? mantissaPart[(dot + 1)..] : "";
        digits = (intPart + fracPart).TrimStart('0');
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        decimalExponent = intPart.Length - leadingZeros + exp10;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";

        string body;
        var decpt = decimalExponent; // position of the decimal point relative to the digits
        if (decpt is > -4 and <= 16)
        {
            if (decpt <= 0) body = "0." + new string('0', -decpt) + digits;
            else if (decpt >= digits.Length) body = digits + new string('0', decpt - digits.Length) + ".0";
            else body = digits[..decpt] + "." + digits[decpt..];
        }
        else
        {
            var exponent = decpt - 1;
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            body = mantissa + (exponent < 0 ? "e-" : "e+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }
        return negative ? "-" + body : body;
    }
}
