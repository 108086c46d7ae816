package dev.galvani.io;

/**
 * Conversions between 16-bit floats and Java floats. IEEE binary16 (F16: 1 sign, 5 exponent, 10
 * mantissa bits) and bfloat16 (BF16: 1, 8, 7, the upper half of a binary32) both widen to a float
 * exactly, so reading never rounds. A NaN keeps its sign and payload and comes out quiet, as IEEE 754
 * conversions deliver it (and as the x86 F16C instructions behind {@code Float.float16ToFloat} do). Narrowing rounds to nearest, ties to even, as PyTorch and NumPy
 * do, and goes straight from the double value: rounding to float first and then to 16 bits would
 * round twice and can land one unit off.
 */
final class HalfFloats {

    private HalfFloats() {}

    /** The exact float value of F16 bits: subnormals, infinities and NaN (payload kept) included. */
    static float f16ToFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) {                      // infinity, or NaN: widen the payload and make it quiet
            int quiet = mantissa == 0 ? 0 : 0x0040_0000;
            return Float.intBitsToFloat(sign | 0x7f80_0000 | quiet | (mantissa << 13));
        }
        if (exponent == 0) {                         // zero or subnormal: mantissa * 2^-24, exact in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        // Normal: rebias the exponent from 15 to 127, move the mantissa to the top of 23 bits.
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** The exact float value of BF16 bits: they are the upper 16 bits of a float. */
    static float bf16ToFloat(short bf) {
        int bits = (bf & 0xffff) << 16;
        boolean nan = (bits & 0x7f80_0000) == 0x7f80_0000 && (bits & 0x007f_0000) != 0;
        return Float.intBitsToFloat(nan ? bits | 0x0040_0000 : bits);
    }

    /** {@code value} rounded to F16, to nearest with ties to even; overflow gives infinity. */
    static short toF16(double value) { return (short) narrow(value, 5, 10); }

    /** {@code value} rounded to BF16, to nearest with ties to even; overflow gives infinity. */
    static short toBf16(double value) { return (short) narrow(value, 8, 7); }

    /**
     * Rounds a double to a binary format with {@code exponentBits} and {@code mantissaBits}
     * (IEEE layout: bias 2^(e-1) - 1, subnormals, all-ones exponent for infinity and NaN) and
     * returns its bits. NaN stays NaN, quiet, with the top of its payload.
     */
    static int narrow(double value, int exponentBits, int mantissaBits) {
        long bits = Double.doubleToRawLongBits(value);
        int sign = (int) (bits >>> 63) << (exponentBits + mantissaBits);
        int maxExponent = (1 << exponentBits) - 1;                      // all ones: infinity / NaN
        int infinity = maxExponent << mantissaBits;
        long mantissa52 = bits & 0xf_ffff_ffff_ffffL;
        if (Double.isNaN(value)) {
            int payload = (int) (mantissa52 >>> (52 - mantissaBits));
            return sign | infinity | (1 << (mantissaBits - 1)) | payload;   // the quiet bit keeps it a NaN
        }
        if (Double.isInfinite(value)) return sign | infinity;
        if (value == 0) return sign;

        int unbiased = Math.getExponent(value);                         // -1023 for double subnormals
        long significand = unbiased >= Double.MIN_EXPONENT ? mantissa52 | (1L << 52) : mantissa52;
        int biased = unbiased + (maxExponent >> 1);
        // Bits of the 53-bit significand to drop: the difference in mantissa width, plus, below the
        // smallest normal exponent, one more for every step into the subnormal range.
        int shift = 52 - mantissaBits + (biased >= 1 ? 0 : 1 - biased);
        if (shift > 53) return sign;                                    // below half the smallest subnormal
        long kept = significand >>> shift;
        long dropped = significand & ((1L << shift) - 1);
        long half = 1L << (shift - 1);
        if (dropped > half || (dropped == half && (kept & 1) == 1)) kept++;
        // A normal number's implicit bit in `kept` adds one to the exponent field, hence biased - 1;
        // a rounding carry out of the mantissa moves the exponent up by itself, to infinity if need be.
        long result = biased >= 1 ? ((long) (biased - 1) << mantissaBits) + kept : kept;
        return result >= infinity ? sign | infinity : sign | (int) result;
    }
}
