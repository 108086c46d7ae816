package dev.galvani.tensor.backend;

/**
 * What a random fill draws. Element {@code i} of a fill at generator offset {@code o} is computed
 * from one Philox4x32-10 block at counter {@code o + i}; the exact formulas are in
 * {@code dev.galvani.tensor.Philox} and {@code dev.galvani.tensor.Generator}, so every device
 * draws the same numbers.
 */
public sealed interface Distribution {

    /** Uniform on [0, 1); F32 or F64. */
    Distribution UNIFORM = new Uniform();
    /** Standard normal, Box–Muller (cosine branch); F32 or F64. */
    Distribution NORMAL = new Normal();
    /** The block's raw 64 bits {@code u32(w0) << 32 | u32(w1)} as a signed long; I64 only. */
    Distribution BITS64 = new Bits64();

    /** The distribution of {@link #UNIFORM}. */
    record Uniform() implements Distribution {}

    /** The distribution of {@link #NORMAL}. */
    record Normal() implements Distribution {}

    /** The distribution of {@link #BITS64}. */
    record Bits64() implements Distribution {}

    /** I64 integers on [low, high): {@code Philox.integer(bits64, low, high)} of the element's raw bits. */
    record Integers(long low, long high) implements Distribution {
        /**
         * Checks the bounds.
         * @throws IllegalArgumentException if {@code low >= high}
         */
        public Integers {
            if (low >= high) throw new IllegalArgumentException("Integers: low " + low + " must be less than high " + high);
        }
    }

    /**
     * 1 where the element's uniform F64 (53 bits) is less than {@code p}, else 0, in the output's
     * dtype (floating or integral): {@code p = 0} never gives 1 and {@code p = 1} always does.
     */
    record Bernoulli(double p) implements Distribution {
        /**
         * Checks the probability.
         * @throws IllegalArgumentException if {@code p} is not in [0, 1]
         */
        public Bernoulli {
            if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Bernoulli: probability must be in [0, 1], got " + p);
        }
    }
}
