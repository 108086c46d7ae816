package dev.galvani.tensor.backend;

/**
 * What a random fill draws. Element {@code i} of a fill at generator offset {@code o} is computed
 * from one Philox4x32-10 block at counter {@code o + i}; the exact formulas are in
 * {@code dev.galvani.tensor.Philox} and {@code dev.galvani.tensor.Generator}.
 */
public enum Distribution {
    /** Uniform on [0, 1); F32 or F64. */
    UNIFORM,
    /** Standard normal, Box–Muller (cosine branch); F32 or F64. */
    NORMAL,
    /** The block's raw 64 bits {@code u32(w0) << 32 | u32(w1)} as a signed long; I64 only. */
    BITS64
}
