using System.Globalization;
using System.Numerics;

namespace Refinery.Quality.Models;

// TODO: use Refinery.Text PyFloat.Round8 once that branch is merged; this is the only copy in Models/.
/// <summary>Python's <c>round(x, 8)</c>: the exact binary value rounded half-to-even at the 8th decimal (spec §2.6).</summary>
internal static class PyRounding
{
    public static double Round8(double x) => Round(x, 8);

    /// <summary>Python's <c>round(x, digits)</c> for 0 ≤ digits ≤ 17 (CCNet rounds perplexity with 1).</summary>
    public static double Round(double x, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(digits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 17);
        if (!double.IsFinite(x) || x == 0) return x;
        // Above 2^52 every double is an integer, so nothing is left to round (CPython returns x too).
        if (Math.Abs(x) >= 4503599627370496.0) return x;

        var bits = BitConverter.DoubleToInt64Bits(x);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0) exponent = 1; else mantissa |= 1L << 52;
        var e = exponent - 1075; // x = ±mantissa · 2^e, exactly

        var scale = BigInteger.Pow(10, digits);
        BigInteger q;
        if (e >= 0)
        {
            q = (new BigInteger(mantissa) << e) * scale;
        }
        else
        {
            var numerator = new BigInteger(mantissa) * scale;
            var denominator = BigInteger.One << -e;
            q = BigInteger.DivRem(numerator, denominator, out var remainder);
            var twice = remainder << 1;
            var cmp = twice.CompareTo(denominator);
            if (cmp > 0 || (cmp == 0 && !q.IsEven)) q += 1;
        }

        // Printing q with the point `digits` places from the right and parsing it is a correctly rounded conversion.
        var text = q.ToString(CultureInfo.InvariantCulture).PadLeft(digits + 1, '0');
        if (digits > 0) text = text[..^digits] + "." + text[^digits..];
        if (x < 0) text = "-" + text;
        return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
