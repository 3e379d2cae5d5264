using System;

namespace Edge.Protocol.Cbor;

/// <summary>
/// IEEE 754 half/single/double conversions done on the bits of a double, because nanoFramework's mscorlib
/// has only BitConverter.DoubleToInt64Bits/Int64BitsToDouble (no Half, no SingleToInt32Bits, no spans).
/// </summary>
internal static class CborFloat
{
    private const long MantissaMask = (1L << 52) - 1;

    /// <summary>True when the double (not NaN) is exactly a half; returns the half's 16 bits.</summary>
    public static bool TryToHalf(long bits, out int half)
    {
        var sign = (int)((bits >> 48) & 0x8000);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & MantissaMask;
        half = 0;
        if (exponent == 0)
        {
            // Zero (double subnormals are far below the half range).
            if (mantissa != 0)
            {
                return false;
            }

            half = sign;
            return true;
        }

        if (exponent == 0x7FF)
        {
            if (mantissa != 0)
            {
                return false;
            }

            half = sign | 0x7C00;
            return true;
        }

        var e = exponent - 1023;
        if (e >= -14 && e <= 15)
        {
            if ((mantissa & ((1L << 42) - 1)) != 0)
            {
                return false;
            }

            half = sign | ((e + 15) << 10) | (int)(mantissa >> 42);
            return true;
        }

        if (e >= -24 && e < -14)
        {
            // Half subnormal: value = m * 2^-24 with m = (1.mantissa) * 2^(e+24).
            var full = mantissa | (1L << 52);
            var shift = 52 - (e + 24);
            if ((full & ((1L << shift) - 1)) != 0)
            {
                return false;
            }

            half = sign | (int)(full >> shift);
            return true;
        }

        return false;
    }

    /// <summary>True when the double (not NaN) is exactly a single; returns the single's 32 bits.</summary>
    public static bool TryToSingle(long bits, out int single)
    {
        var sign = (int)((bits >> 32) & 0x80000000L);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & MantissaMask;
        single = 0;
        if (exponent == 0)
        {
            if (mantissa != 0)
            {
                return false;
            }

            single = sign;
            return true;
        }

        if (exponent == 0x7FF)
        {
            if (mantissa != 0)
            {
                return false;
            }

            single = sign | 0x7F800000;
            return true;
        }

        var e = exponent - 1023;
        if (e >= -126 && e <= 127)
        {
            if ((mantissa & ((1L << 29) - 1)) != 0)
            {
                return false;
            }

            single = sign | ((e + 127) << 23) | (int)(mantissa >> 29);
            return true;
        }

        if (e >= -149 && e < -126)
        {
            var full = mantissa | (1L << 52);
            var shift = 52 - (e + 149);
            if ((full & ((1L << shift) - 1)) != 0)
            {
                return false;
            }

            single = sign | (int)(full >> shift);
            return true;
        }

        return false;
    }

    /// <summary>The double value of IEEE 754 half bits.</summary>
    public static double HalfToDouble(int half)
    {
        var negative = (half & 0x8000) != 0;
        var exponent = (half >> 10) & 0x1F;
        long mantissa = half & 0x3FF;
        long bits;
        if (exponent == 0)
        {
            if (mantissa == 0)
            {
                bits = 0;
            }
            else
            {
                // Subnormal: normalise into a double.
                var e = -14;
                while ((mantissa & 0x400) == 0)
                {
                    mantissa <<= 1;
                    e--;
                }

                bits = ((long)(e + 1023) << 52) | ((mantissa & 0x3FF) << 42);
            }
        }
        else if (exponent == 0x1F)
        {
            bits = (0x7FFL << 52) | (mantissa << 42);
        }
        else
        {
            bits = ((long)(exponent - 15 + 1023) << 52) | (mantissa << 42);
        }

        if (negative)
        {
            bits |= long.MinValue;
        }

        return BitConverter.Int64BitsToDouble(bits);
    }

    /// <summary>The double value of IEEE 754 single bits.</summary>
    public static double SingleToDouble(int single)
    {
        var negative = (single & unchecked((int)0x80000000)) != 0;
        var exponent = (single >> 23) & 0xFF;
        long mantissa = single & 0x7FFFFF;
        long bits;
        if (exponent == 0)
        {
            if (mantissa == 0)
            {
                bits = 0;
            }
            else
            {
                var e = -126;
                while ((mantissa & 0x800000) == 0)
                {
                    mantissa <<= 1;
                    e--;
                }

                bits = ((long)(e + 1023) << 52) | ((mantissa & 0x7FFFFF) << 29);
            }
        }
        else if (exponent == 0xFF)
        {
            bits = (0x7FFL << 52) | (mantissa << 29);
        }
        else
        {
            bits = ((long)(exponent - 127 + 1023) << 52) | (mantissa << 29);
        }

        if (negative)
        {
            bits |= long.MinValue;
        }

        return BitConverter.Int64BitsToDouble(bits);
    }
}
