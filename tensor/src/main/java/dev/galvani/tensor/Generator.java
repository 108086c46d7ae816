package dev.galvani.tensor;

/**
 * A counter-based random number generator: a 64-bit seed and a 64-bit offset, nothing else. Every
 * random number Galvani draws is a pure function of (seed, counter) through {@link Philox}
 * (Philox4x32-10), so CPU and GPU kernels produce the same numbers for the same seed and offset.
 *
 * <h2>Element mapping</h2>
 * A fill of {@code n} elements (a new contiguous tensor, elements in row-major order) drawn when
 * this generator's offset is {@code o} computes element {@code i} from ONE Philox4x32-10 block
 * <pre>
 *   c = o + i                                   (64-bit, wrapping)
 *   counter = (lo32(c), hi32(c), 0, 0)          key = (lo32(seed), hi32(seed))
 *   (w0, w1, w2, w3) = philox4x32_10(counter, key)
 * </pre>
 * and afterwards the offset is {@code o + n} (see {@link #reserve}). With {@code u32(w)} the word as
 * an unsigned integer and {@code bits64(a, b) = u32(a) << 32 | u32(b)}:
 * <ul>
 *   <li>uniform F32 = {@code (u32(w0) >>> 8) * 2^-24} in [0, 1);</li>
 *   <li>uniform F64 = {@code (bits64(w0, w1) >>> 11) * 2^-53} in [0, 1);</li>
 *   <li>normal F32 = {@code (float)(sqrt(-2 log u1) * cos(2π u2))} in double, with
 *       {@code u1 = (u32(w0) + 1) * 2^-32} in (0, 1] and {@code u2 = u32(w1) * 2^-32} in [0, 1);</li>
 *   <li>normal F64 = {@code sqrt(-2 log u1) * cos(2π u2)} with
 *       {@code u1 = ((bits64(w0, w1) >>> 11) + 1) * 2^-53} in (0, 1] and
 *       {@code u2 = (bits64(w2, w3) >>> 11) * 2^-53} in [0, 1);</li>
 *   <li>integer in [low, high) = {@code low + mulhi_u64(bits64(w0, w1), high - low)} (Lemire's
 *       multiply-shift, relative bias at most {@code (high - low) * 2^-64});</li>
 *   <li>Bernoulli(p) = 1 if the element's uniform F64 is {@code < p}, else 0;</li>
 *   <li>permutation of n: raw words {@code b[i] = bits64(w0, w1)} of elements 0..n-1, then
 *       Fisher–Yates: start from {@code a = [0, 1, .., n-1]}, for {@code i = n-1} down to 1 swap
 *       {@code a[i]} with {@code a[mulhi_u64(b[i], i + 1)]} (element 0's draw is reserved, unused).</li>
 * </ul>
 * The exact rounding rules (StrictMath log/cos/sqrt, {@code 2π = 2 * Math.PI}) are in {@link Philox}.
 *
 * <p>Generators are thread-safe: {@link #reserve} hands each fill its own disjoint counter range.
 * Re-seeding ({@link #manualSeed}) while another thread is drawing leaves it unspecified which seed
 * that draw used.
 */
public final class Generator {

    private long seed;
    private long offset;

    /** A generator with the given seed and offset 0. */
    public Generator(long seed) { this.seed = seed; }

    /** A generator with the given seed and offset. */
    public Generator(long seed, long offset) {
        this.seed = seed;
        this.offset = offset;
    }

    private static final class Global {
        static final Generator INSTANCE = new Generator(timeSeed());
    }

    /**
     * The process-wide default generator, seeded from the clock when first used; call
     * {@code Generator.global().manualSeed(s)} for reproducible runs.
     */
    public static Generator global() { return Global.INSTANCE; }

    private static long timeSeed() {
        // SplitMix64 finaliser over the wall clock and the monotonic clock.
        long z = System.currentTimeMillis() * 0x9E3779B97F4A7C15L + System.nanoTime();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The seed, which is the Philox key {@code (lo32(seed), hi32(seed))}. */
    public synchronized long seed() { return seed; }

    /** The counter the next draw starts at. */
    public synchronized long offset() { return offset; }

    /**
     * Returns the current offset and advances it by {@code n}: the caller owns counters
     * {@code [offset, offset + n)}. Atomic with respect to other calls on this generator.
     */
    public synchronized long reserve(long n) {
        if (n < 0) throw new IllegalArgumentException("Generator.reserve: negative count " + n);
        long o = offset;
        offset += n;
        return o;
    }

    /** Sets the seed and restarts the counter at 0 (PyTorch's {@code manual_seed}); returns this. */
    public synchronized Generator manualSeed(long seed) {
        this.seed = seed;
        this.offset = 0;
        return this;
    }

    /** Sets the counter the next draw starts at; returns this. */
    public synchronized Generator setOffset(long offset) {
        this.offset = offset;
        return this;
    }

    @Override public synchronized String toString() { return "Generator(seed=" + seed + ", offset=" + offset + ")"; }
}
