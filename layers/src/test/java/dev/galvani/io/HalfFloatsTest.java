package dev.galvani.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * F16/BF16 conversions. The JDK's own {@code Float.float16ToFloat} / {@code Float.floatToFloat16}
 * (IEEE binary16, round to nearest even) serve as the independent reference for F16; BF16 is
 * checked against the definition (the upper half of a float) and hand-worked cases.
 */
class HalfFloatsTest {

    @Test void everyF16WidensExactlyAsTheJdkDoes() {
        for (int h = 0; h < 0x10000; h++) {
            int bits = h;
            float actual = HalfFloats.f16ToFloat((short) h);
            boolean nan = (h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0;
            // NaN: sign and payload kept, made quiet. (Compared by rule, not with the JDK: its Java
            // code and its F16C intrinsic need not agree on signalling NaNs.)
            int expected = nan ? (h & 0x8000) << 16 | 0x7fc0_0000 | (h & 0x3ff) << 13
                    : Float.floatToRawIntBits(Float.float16ToFloat((short) h));
            assertEquals(expected, Float.floatToRawIntBits(actual), () -> "F16 bits 0x" + Integer.toHexString(bits));
        }
    }

    @Test void f16HandWorkedValues() {
        assertEquals(0x1p-24f, HalfFloats.f16ToFloat((short) 0x0001));          // smallest subnormal
        assertEquals(1023 * 0x1p-24f, HalfFloats.f16ToFloat((short) 0x03ff));   // largest subnormal
        assertEquals(0x1p-14f, HalfFloats.f16ToFloat((short) 0x0400));          // smallest normal
        assertEquals(65504f, HalfFloats.f16ToFloat((short) 0x7bff));            // largest finite
        assertEquals(-2.5f, HalfFloats.f16ToFloat((short) 0xc100));
        assertEquals(Float.POSITIVE_INFINITY, HalfFloats.f16ToFloat((short) 0x7c00));
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.f16ToFloat((short) 0xfc00));
        assertEquals(0x8000_0000, Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0x8000)));   // -0
        assertEquals(0x7fc0_0000, Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0x7e00)));   // quiet NaN, payload kept
        assertEquals(0x7fc0_2000, Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0x7c01)));   // signalling: payload kept, made quiet
        assertEquals(0xffc0_2000, Float.floatToRawIntBits(HalfFloats.f16ToFloat((short) 0xfc01)));
    }

    @Test void bf16IsTheUpperHalfOfAFloat() {
        assertEquals(1f, HalfFloats.bf16ToFloat((short) 0x3f80));
        assertEquals(0x1p-133f, HalfFloats.bf16ToFloat((short) 0x0001));        // smallest subnormal
        assertEquals(0x1p-126f, HalfFloats.bf16ToFloat((short) 0x0080));        // smallest normal
        assertEquals(Float.NEGATIVE_INFINITY, HalfFloats.bf16ToFloat((short) 0xff80));
        assertTrue(Float.isNaN(HalfFloats.bf16ToFloat((short) 0x7fc0)));
        for (int h = 0; h < 0x10000; h++) {
            boolean nan = (h & 0x7f80) == 0x7f80 && (h & 0x7f) != 0;
            assertEquals(nan ? h << 16 | 0x0040_0000 : h << 16, Float.floatToRawIntBits(HalfFloats.bf16ToFloat((short) h)));
        }
        assertEquals(0x7fc1_0000, Float.floatToRawIntBits(HalfFloats.bf16ToFloat((short) 0x7f81)));  // signalling, made quiet
    }

    @Test void narrowingToF16MatchesTheJdkOnEveryF16AndEveryMidpoint() {
        for (int h = 0; h < 0x10000; h++) {
            float v = Float.float16ToFloat((short) h);
            if (Float.isNaN(v)) continue;
            assertEquals((short) h, HalfFloats.toF16(v), "round trip of F16 0x" + Integer.toHexString(h));
            // The midpoint to the next value up (exact in float): ties go to the even neighbour.
            float next = Float.float16ToFloat((short) (h + 1));
            if ((h & 0x7fff) < 0x7bff + 1 && !Float.isNaN(next) && !Float.isInfinite(v)) {
                float mid = (float) (((double) v + next) / 2);
                assertEquals(Float.floatToFloat16(mid), HalfFloats.toF16(mid), "midpoint above F16 0x" + Integer.toHexString(h));
                assertEquals(Float.floatToFloat16(Math.nextUp(mid)), HalfFloats.toF16(Math.nextUp(mid)));
                assertEquals(Float.floatToFloat16(Math.nextDown(mid)), HalfFloats.toF16(Math.nextDown(mid)));
            }
        }
    }

    @Test void narrowingToF16MatchesTheJdkOnRandomFloats() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float v = Float.intBitsToFloat(rnd.nextInt());
            short expected = Float.floatToFloat16(v), actual = HalfFloats.toF16(v);
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(Float.float16ToFloat(actual)), "NaN stays NaN");
                assertEquals(v < 0 || (Float.floatToRawIntBits(v) >>> 31) == 1, (actual & 0x8000) != 0, "NaN keeps its sign");
                assertEquals(0x0200, actual & 0x0200, "NaN becomes quiet");
            } else {
                assertEquals(expected, actual, () -> "float " + v);
            }
        }
    }

    @Test void f16HandWorkedRounding() {
        assertEquals((short) 0x7bff, HalfFloats.toF16(65519.99));      // just below the overflow midpoint
        assertEquals((short) 0x7c00, HalfFloats.toF16(65520.0));       // the midpoint rounds to even: infinity
        assertEquals((short) 0xfc00, HalfFloats.toF16(-1e10));
        assertEquals((short) 0x0000, HalfFloats.toF16(0x1p-25));       // half the smallest subnormal: tie to 0
        assertEquals((short) 0x0001, HalfFloats.toF16(0x1p-25 * 1.0000001));
        assertEquals((short) 0x0002, HalfFloats.toF16(0x1p-24 * 1.5)); // tie between 1 and 2 ulps: to 2 (even)
        assertEquals((short) 0x0400, HalfFloats.toF16(0x1p-14 - 0x1p-26)); // rounds up out of the subnormals
        assertEquals((short) 0x8000, HalfFloats.toF16(-1e-30));        // underflow keeps the sign
        assertEquals((short) 0x8000, HalfFloats.toF16(Double.MIN_VALUE * -1));
        assertEquals((short) 0x3c00, HalfFloats.toF16(1 + 0x1p-11));    // tie: to even (1.0)
        assertEquals((short) 0x3c02, HalfFloats.toF16(1 + 3 * 0x1p-11)); // tie: to even (1 + 2^-9)
    }

    @Test void doublesRoundOnceNotTwice() {
        // 1 + 2^-11 + 2^-40 lies just above the midpoint of 1 and 1 + 2^-10. Rounding to float first
        // would drop the 2^-40 and leave an exact tie, which goes to 1.0: one unit off.
        double x = 1 + 0x1p-11 + 0x1p-40;
        assertEquals((short) 0x3c00, Float.floatToFloat16((float) x), "the double-rounding trap is real");
        assertEquals((short) 0x3c01, HalfFloats.toF16(x));
        // Same for BF16: 1 + 2^-8 + 2^-40 is above the midpoint of 1 and 1 + 2^-7.
        assertEquals((short) 0x3f81, HalfFloats.toBf16(1 + 0x1p-8 + 0x1p-40));
        assertEquals((short) 0x3f80, HalfFloats.toBf16(1 + 0x1p-8));   // the exact tie goes to even
    }

    /** The usual bit-level BF16 rounding of a float: add 0x7fff plus the lowest kept bit, truncate. */
    private static short bf16Reference(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    @Test void narrowingToBf16MatchesTheBitReference() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            float v = Float.intBitsToFloat(rnd.nextInt());
            short actual = HalfFloats.toBf16(v);
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(HalfFloats.bf16ToFloat(actual)));
                assertEquals(0x0040, actual & 0x0040, "NaN becomes quiet");
                assertEquals(Float.floatToRawIntBits(v) >>> 16 | 0x40, actual & 0xffff, "NaN keeps sign and top payload");
            } else {
                assertEquals(bf16Reference(v), actual, () -> "float " + v);
            }
        }
        assertEquals((short) 0x7f80, HalfFloats.toBf16(Float.MAX_VALUE));   // rounds up past the largest BF16
        assertEquals((short) 0x7f7f, HalfFloats.toBf16(3.3895313892515355e38));
        assertEquals((short) 0x0001, HalfFloats.toBf16(0x1p-133));
        assertEquals((short) 0x0000, HalfFloats.toBf16(0x1p-134));        // tie to even: zero
        assertEquals((short) 0x0001, HalfFloats.toBf16(Math.nextUp(0x1p-134)));
    }
}
