package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Philox;
import dev.galvani.tensor.Tensor;
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

    static void fill(Distribution dist, Tensor out, long seed, long offset) {
        if (!out.isContiguous())
            throw new IllegalArgumentException("random " + dist + ": the output tensor must be contiguous");
        DType dt = out.dtype();
        boolean ok = switch (dist) {
            case UNIFORM, NORMAL -> dt == DType.F32 || dt == DType.F64;
            case BITS64 -> dt == DType.I64;
        };
        if (!ok) throw new IllegalArgumentException("random " + dist + ": unsupported dtype " + dt);
        int n = (int) out.numel();
        if (n == 0) return;
        int base = out.offset();
        Object array = CpuBackend.array(out);
        switch (dist) {
            case UNIFORM -> {
                if (dt == DType.F32) {
                    float[] a = (float[]) array;
                    Parallel.forRange(n, GRAIN, (s, e) -> {
                        int[] w = new int[4];
                        for (int i = s; i < e; i++) {
                            Philox.draw(seed, offset + i, w);
                            a[base + i] = Philox.uniformF32(w[0]);
                        }
                    });
                } else {
                    double[] a = (double[]) array;
                    Parallel.forRange(n, GRAIN, (s, e) -> {
                        int[] w = new int[4];
                        for (int i = s; i < e; i++) {
                            Philox.draw(seed, offset + i, w);
                            a[base + i] = Philox.uniformF64(w[0], w[1]);
                        }
                    });
                }
            }
            case NORMAL -> {
                if (dt == DType.F32) {
                    float[] a = (float[]) array;
                    Parallel.forRange(n, GRAIN, (s, e) -> {
                        int[] w = new int[4];
                        for (int i = s; i < e; i++) {
                            Philox.draw(seed, offset + i, w);
                            a[base + i] = Philox.normalF32(w[0], w[1]);
                        }
                    });
                } else {
                    double[] a = (double[]) array;
                    Parallel.forRange(n, GRAIN, (s, e) -> {
                        int[] w = new int[4];
                        for (int i = s; i < e; i++) {
                            Philox.draw(seed, offset + i, w);
                            a[base + i] = Philox.normalF64(w[0], w[1], w[2], w[3]);
                        }
                    });
                }
            }
            case BITS64 -> {
                long[] a = (long[]) array;
                Parallel.forRange(n, GRAIN, (s, e) -> {
                    int[] w = new int[4];
                    for (int i = s; i < e; i++) {
                        Philox.draw(seed, offset + i, w);
                        a[base + i] = Philox.bits64(w[0], w[1]);
                    }
                });
            }
        }
    }
}
