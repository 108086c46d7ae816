package dev.galvani.tensor;

/**
 * The Philox4x32-10 counter-based random function and the exact recipes that turn its output into
 * Galvani's random numbers. Everything here is a pure function of (seed, counter): no state, so any
 * element of any fill can be computed on its own, on any thread or device.
 *
 * <h2>The block function</h2>
 * Philox4x32-10 as published in J. K. Salmon, M. A. Moraes, R. O. Dror, D. E. Shaw, "Parallel
 * Random Numbers: As Easy as 1, 2, 3", SC 2011, and implemented in D. E. Shaw Research's Random123
 * ({@code philox4x32_R} with R = 10). All words are unsigned 32-bit. One round maps counter
 * {@code (c0, c1, c2, c3)} under round key {@code (k0, k1)} to
 * <pre>
 *   p0 = 0xD2511F53 * c0   (full 64-bit product: hi0 = p0 &gt;&gt; 32, lo0 = p0 mod 2^32)
 *   p1 = 0xCD9E8D57 * c2   (hi1, lo1 likewise)
 *   (c0, c1, c2, c3) := (hi1 ^ c1 ^ k0,  lo1,  hi0 ^ c3 ^ k1,  lo0)
 * </pre>
 * Ten rounds are applied; the first uses the key as given, and before each of rounds 2..10 the key
 * is bumped by the Weyl increments {@code k0 += 0x9E3779B9, k1 += 0xBB67AE85} (mod 2^32). The four
 * words after round 10 are the output {@code (w0, w1, w2, w3)}. {@link #block} is checked against
 * Random123's published known-answer vectors.
 *
 * <h2>Element mapping (what Galvani draws from each block)</h2>
 * A fill of {@code n} elements drawn from a {@link Generator} with seed {@code s} when its offset is
 * {@code o} computes element {@code i} (0 &le; i &lt; n, in row-major order of the new contiguous
 * tensor) from exactly ONE block:
 * <pre>
 *   c = o + i                                   (64-bit, wrapping)
 *   counter = (lo32(c), hi32(c), 0, 0)          key = (lo32(s), hi32(s))
 *   (w0, w1, w2, w3) = philox4x32_10(counter, key)
 * </pre>
 * and then the generator's offset becomes {@code o + n}. With {@code u32(w)} the word read as an
 * unsigned integer and {@code bits64(a, b) = u32(a) << 32 | u32(b)} (so {@code w0} supplies the
 * high half), the element is:
 * <ul>
 *   <li><b>uniform F32</b> ({@link #uniformF32}): {@code (u32(w0) >>> 8) * 2^-24}, a multiple of
 *       2^-24 in [0, 1); exact in float.</li>
 *   <li><b>uniform F64</b> ({@link #uniformF64}): {@code (bits64(w0, w1) >>> 11) * 2^-53}, a multiple
 *       of 2^-53 in [0, 1); exact in double. Its top 24 bits are those of the F32 uniform, so the
 *       F32 value is the F64 value truncated to 24 bits.</li>
 *   <li><b>normal F32</b> ({@link #normalF32}): Box–Muller evaluated in double, rounded once to float:
 *       <pre>
 *       u1 = (u32(w0) + 1) * 2^-32     in (0, 1]   (never 0, so the log is finite)
 *       u2 =  u32(w1)      * 2^-32     in [0, 1)
 *       z  = (float) ( sqrt(-2 * log(u1)) * cos(TWO_PI * u2) )
 *       </pre></li>
 *   <li><b>normal F64</b> ({@link #normalF64}): the same with 53-bit uniforms:
 *       <pre>
 *       u1 = ((bits64(w0, w1) >>> 11) + 1) * 2^-53     in (0, 1]
 *       u2 =  (bits64(w2, w3) >>> 11)      * 2^-53     in [0, 1)
 *       z  = sqrt(-2 * log(u1)) * cos(TWO_PI * u2)
 *       </pre></li>
 *   <li><b>raw 64 bits</b> ({@link #bits64}, {@code Distribution.BITS64}, I64): {@code bits64(w0, w1)}
 *       as a signed long.</li>
 *   <li><b>integer in [low, high)</b> ({@link #integer}): Lemire's multiply-shift on the raw 64 bits,
 *       {@code low + mulhi_u64(bits64(w0, w1), high - low)} where {@code high - low} is taken as an
 *       unsigned 64-bit range {@code r} (1 &le; r &lt; 2^64) and the addition wraps. Without the
 *       rejection step each value has probability {@code floor(2^64/r)/2^64} or
 *       {@code ceil(2^64/r)/2^64}: relative bias at most {@code r * 2^-64} (&le; 2^-32 for ranges up to
 *       2^32).</li>
 * </ul>
 * In all formulas products by powers of two and integer-to-double conversions are exact;
 * {@code TWO_PI} is the double {@code 2 * Math.PI} (= 6.283185307179586, exact doubling), the product
 * {@code TWO_PI * u2} and {@code -2 * log(u1)} are rounded to double, and log, cos and sqrt are the
 * double-precision functions of {@link StrictMath} (fdlibm; sqrt is correctly rounded). Only the
 * cosine branch of Box–Muller is used; the sine branch is discarded so that one element needs one
 * block. A device kernel reproduces uniforms, raw bits and integers bit for bit; its normals are
 * bit-identical wherever its double log and cos agree with fdlibm (and for F32 almost always even
 * where they differ by an ulp, since the result is rounded to float afterwards).
 */
public final class Philox {

    private Philox() {}

    /** Round multipliers of Philox4x32. */
    public static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    /** Weyl key increments of Philox4x32 (the golden ratio and sqrt(3) - 1, scaled to 2^32). */
    public static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;
    /** Rounds. */
    public static final int ROUNDS = 10;

    /** 2π as a double (exactly twice {@link Math#PI}). */
    public static final double TWO_PI = 2 * Math.PI;

    private static final long MASK32 = 0xFFFF_FFFFL;
    private static final float TWO_POW_M24F = 0x1p-24f;
    private static final double TWO_POW_M32 = 0x1p-32;
    private static final double TWO_POW_M53 = 0x1p-53;

    /**
     * Philox4x32-10 of counter {@code (c0, c1, c2, c3)} under key {@code (k0, k1)}; writes the four
     * output words into {@code out[0..3]}. Words are unsigned 32-bit values carried in ints.
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out) {
        for (int r = 0; r < ROUNDS; r++) {
            if (r > 0) { k0 += W0; k1 += W1; }
            long p0 = (M0 & MASK32) * (c0 & MASK32);
            long p1 = (M1 & MASK32) * (c2 & MASK32);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        }
        out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
    }

    /** Philox4x32-10 of a 4-word counter under a 2-word key; a new 4-word array. */
    public static int[] block(int[] counter, int[] key) {
        if (counter.length != 4 || key.length != 2)
            throw new IllegalArgumentException("Philox4x32: counter needs 4 words and key 2, got " + counter.length + " and " + key.length);
        int[] out = new int[4];
        block(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
        return out;
    }

    /**
     * The block behind one element: counter {@code (lo32(c), hi32(c), 0, 0)}, key
     * {@code (lo32(seed), hi32(seed))}, where {@code c} is the generator offset plus the element index.
     */
    public static void draw(long seed, long c, int[] out) {
        block((int) c, (int) (c >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out);
    }

    /** {@code u32(hi) << 32 | u32(lo)}: the 64 raw bits of a pair of words, the first word high. */
    public static long bits64(int hi, int lo) { return ((long) hi << 32) | (lo & MASK32); }

    /** {@code (u32(w0) >>> 8) * 2^-24}: uniform on [0, 1) in steps of 2^-24. */
    public static float uniformF32(int w0) { return (w0 >>> 8) * TWO_POW_M24F; }

    /** {@code (bits64(w0, w1) >>> 11) * 2^-53}: uniform on [0, 1) in steps of 2^-53. */
    public static double uniformF64(int w0, int w1) { return (bits64(w0, w1) >>> 11) * TWO_POW_M53; }

    /** Box–Muller from words 0 and 1, computed in double and rounded once to float (see class doc). */
    public static float normalF32(int w0, int w1) {
        double u1 = ((w0 & MASK32) + 1) * TWO_POW_M32;   // (0, 1]
        double u2 = (w1 & MASK32) * TWO_POW_M32;         // [0, 1)
        return (float) (StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(TWO_PI * u2));
    }

    /** Box–Muller from words (0, 1) for the radius and (2, 3) for the angle (see class doc). */
    public static double normalF64(int w0, int w1, int w2, int w3) {
        double u1 = ((bits64(w0, w1) >>> 11) + 1) * TWO_POW_M53;   // (0, 1]
        double u2 = (bits64(w2, w3) >>> 11) * TWO_POW_M53;         // [0, 1)
        return StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(TWO_PI * u2);
    }

    /**
     * {@code low + mulhi_u64(bits, high - low)}: maps 64 random bits to [low, high) by Lemire's
     * multiply-shift (no rejection; relative bias at most {@code (high - low) * 2^-64}). Requires
     * {@code low < high}; the range may be as wide as {@code [Long.MIN_VALUE, Long.MAX_VALUE)}.
     */
    public static long integer(long bits, long low, long high) {
        return low + Math.unsignedMultiplyHigh(bits, high - low);
    }
}
