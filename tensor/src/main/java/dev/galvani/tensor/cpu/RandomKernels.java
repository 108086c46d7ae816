package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Philox;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Distribution;

/**
 * Philox4x32-10 fills: element {@code i} of {@code out} is computed from the block at counter
 * {@code offset + i} under key {@code seed}, by the formulas documented in {@link Philox}. Every
 * element is independent of the others, so the work splits across threads freely and the result
 * does not depend on the split.
 */
final class RandomKernels {

    private RandomKernels() {}

    /** Philox costs about ten multiply rounds per element: more than an add, so a smaller grain. */
    static final int GRAIN = 8_192;

    static void fill(Distribution dist, Operand out, long seed, long offset) {
        if (!out.isContiguous())
            throw new IllegalArgumentException("random " + dist + ": the output tensor must be contiguous");
        DType dt = out.dtype();
        boolean ok = switch (dist) {
            case Distribution.Uniform u -> dt.isFloatingPoint();
            case Distribution.Normal n -> dt.isFloatingPoint();
            case Distribution.Bits64 b -> dt == DType.I64;
            case Distribution.Integers i -> dt == DType.I64;
            case Distribution.Bernoulli b -> true;
        };
        if (!ok) throw new IllegalArgumentException("random " + dist + ": unsupported dtype " + dt);
        int n = (int) out.numel();
        if (n == 0) return;
        int base = out.offset();
        Object array = CpuBackend.array(out);
        switch (dist) {
            case Distribution.Uniform u when dt == DType.F32 -> each(n, seed, offset, (i, w) -> ((float[]) array)[base + i] = Philox.uniformF32(w[0]));
            case Distribution.Uniform u -> each(n, seed, offset, (i, w) -> ((double[]) array)[base + i] = Philox.uniformF64(w[0], w[1]));
            case Distribution.Normal nd when dt == DType.F32 -> each(n, seed, offset, (i, w) -> ((float[]) array)[base + i] = Philox.normalF32(w[0], w[1]));
            case Distribution.Normal nd -> each(n, seed, offset, (i, w) -> ((double[]) array)[base + i] = Philox.normalF64(w[0], w[1], w[2], w[3]));
            case Distribution.Bits64 b -> each(n, seed, offset, (i, w) -> ((long[]) array)[base + i] = Philox.bits64(w[0], w[1]));
            case Distribution.Integers r -> each(n, seed, offset,
                    (i, w) -> ((long[]) array)[base + i] = Philox.integer(Philox.bits64(w[0], w[1]), r.low(), r.high()));
            case Distribution.Bernoulli b -> {
                double p = b.p();
                each(n, seed, offset, (i, w) -> Scalars.setDouble(array, dt, base + i, Philox.uniformF64(w[0], w[1]) < p ? 1 : 0));
            }
        }
    }

    /** What one element makes of its Philox block {@code w}. */
    @FunctionalInterface
    private interface Element { void set(int i, int[] w); }

    private static void each(int n, long seed, long offset, Element element) {
        Parallel.forRange(n, GRAIN, (s, e) -> {
            int[] w = new int[4];
            for (int i = s; i < e; i++) {
                Philox.draw(seed, offset + i, w);
                element.set(i, w);
            }
        });
    }
}
