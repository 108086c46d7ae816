package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.D;
import static dev.galvani.tensor.cpu.Simd.DL;
import static dev.galvani.tensor.cpu.Simd.F;
import static dev.galvani.tensor.cpu.Simd.FL;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.ReduceOp;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Reductions over a set of dimensions. The reduced dimensions are merged where memory allows, so
 * each output element reduces a few runs; a unit-stride run is reduced with SIMD, others with a
 * scalar loop. F32 sums accumulate each run in float lanes and the runs in double. When there are
 * fewer outputs than threads, one long run is split across threads instead.
 */
final class ReduceKernels {

    private ReduceKernels() {}

    /** The reduction work for one output element: its runs and how to walk them. */
    private record Plan(int[] keptShape, int[] keptStrides, int[] outStrides,
                        int[] redShape, int[] redStrides, int runLength, int runStride, long extent) {}

    static void reduce(ReduceOp op, Operand x, int[] dims, Operand out) {
        Plan p = plan(x, dims, out);
        Object xs = CpuBackend.array(x), os = CpuBackend.array(out);
        DType t = x.dtype();
        int outputs = (int) out.numel();
        long work = (long) outputs * p.extent;
        if (op == ReduceOp.SUM && t.isFloatingPoint() && p.redShape.length == 0 && p.runLength > 1
                && rowMajor(p.keptShape, p.keptStrides) && rowMajor(p.keptShape, p.outStrides)) {
            outerSum(xs, t, x.offset(), p.runLength, p.runStride, os, out.dtype(), out.offset(), outputs);
            return;
        }
        if (outputs < Parallel.threads() && p.redShape.length == 0 && p.extent >= 1 << 16 && op != ReduceOp.PROD) {
            for (int o = 0; o < outputs; o++) {
                int base = x.offset() + keptOffset(o, p.keptShape, p.keptStrides);
                int outAt = out.offset() + keptOffset(o, p.keptShape, p.outStrides);
                splitRun(op, xs, t, base, p.runLength, p.runStride, os, outAt);
            }
            return;
        }
        int grain = (int) Math.max(1, Math.min(outputs, Parallel.ELEMENTWISE_GRAIN / Math.max(1, p.extent)));
        if (work < Parallel.ELEMENTWISE_GRAIN) grain = outputs;
        Parallel.forRange(outputs, grain, (start, end) -> {
            Acc acc = new Acc(op, t);
            int[] idx = new int[p.redShape.length];
            for (int o = start; o < end; o++) {
                int base = x.offset() + keptOffset(o, p.keptShape, p.keptStrides);
                acc.reset();
                java.util.Arrays.fill(idx, 0);
                long position = 0;
                while (true) {
                    int off = base;
                    for (int d = 0; d < idx.length; d++) off += idx[d] * p.redStrides[d];
                    acc.run(xs, off, p.runLength, p.runStride, position);
                    position += p.runLength;
                    int d = idx.length - 1;
                    while (d >= 0 && ++idx[d] == p.redShape[d]) idx[d--] = 0;
                    if (d < 0) break;
                }
                acc.store(os, out.dtype(), out.offset() + keptOffset(o, p.keptShape, p.outStrides));
            }
        });
    }

    private static Plan plan(Operand x, int[] dims, Operand out) {
        int[] shape = x.shape().dims(), xs = x.strides(), os = out.strides();
        boolean[] red = new boolean[shape.length];
        for (int d : dims) red[d] = true;
        int nk = shape.length - dims.length;
        int[] ks = new int[nk], kst = new int[nk], ost = new int[nk];
        // Reduced dims, merged where contiguous (keeps row-major order, so argmax positions stay right).
        int[] rs = new int[dims.length], rst = new int[dims.length];
        int nr = 0, k = 0;
        long extent = 1;
        for (int d = 0; d < shape.length; d++) {
            if (!red[d]) { ks[k] = shape[d]; kst[k] = xs[d]; ost[k++] = os[d]; continue; }
            extent *= shape[d];
            if (shape[d] == 1) continue;
            if (nr > 0 && rst[nr - 1] == xs[d] * shape[d]) { rs[nr - 1] *= shape[d]; rst[nr - 1] = xs[d]; }
            else { rs[nr] = shape[d]; rst[nr++] = xs[d]; }
        }
        int runLength = 1, runStride = 1;
        if (nr > 0) { runLength = rs[nr - 1]; runStride = rst[nr - 1]; nr--; }
        return new Plan(ks, kst, ost, java.util.Arrays.copyOf(rs, nr), java.util.Arrays.copyOf(rst, nr), runLength, runStride, extent);
    }

    /** Whether {@code strides} lay {@code shape} out row-major without gaps (the o-th element at offset o). */
    private static boolean rowMajor(int[] shape, int[] strides) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && strides[d] != expected) return false;
            expected *= shape[d];
        }
        return true;
    }

    /**
     * Sum over leading dimensions (an expand's gradient, a mean over time steps): out[o] = Σ_r
     * x[r·stride + o] over contiguous slabs. Each output accumulates in double in the order r = 0, 1, …,
     * exactly as the per-element loop would, but a block of outputs at a time, slab by slab, so the
     * reads are sequential and the loop vectorises.
     */
    private static void outerSum(Object xs, DType t, int base, int n, int stride, Object os, DType ot, int outAt, int outputs) {
        final int block = 2048;
        Parallel.forRange(Math.ceilDiv(outputs, block), Math.max(1, (int) (Parallel.ELEMENTWISE_GRAIN / ((long) block * n))), (b0, b1) -> {
            double[] acc = new double[block];
            for (int b = b0; b < b1; b++) {
                int from = b * block, len = Math.min(block, outputs - from);
                java.util.Arrays.fill(acc, 0, len, 0);
                for (int r = 0; r < n; r++) {
                    int off = base + r * stride + from;
                    if (t == DType.F32) {
                        float[] a = (float[]) xs;
                        for (int i = 0; i < len; i++) acc[i] += a[off + i];
                    } else {
                        double[] a = (double[]) xs;
                        for (int i = 0; i < len; i++) acc[i] += a[off + i];
                    }
                }
                if (ot == DType.F32) {
                    float[] o = (float[]) os;
                    for (int i = 0; i < len; i++) o[outAt + from + i] = (float) acc[i];
                } else for (int i = 0; i < len; i++) Scalars.setDouble(os, ot, outAt + from + i, acc[i]);
            }
        });
    }

    /** Storage offset of the o-th output (row-major over the kept dims) under the given strides. */
    private static int keptOffset(int o, int[] shape, int[] strides) {
        int off = 0;
        for (int d = shape.length - 1; d >= 0; d--) {
            off += (o % shape[d]) * strides[d];
            o /= shape[d];
        }
        return off;
    }

    /** One long run reduced by all threads: partial results per chunk, combined in chunk order. */
    private static void splitRun(ReduceOp op, Object xs, DType t, int base, int n, int stride, Object os, int outAt) {
        int chunks = Math.max(1, Math.min(Parallel.threads() * 4, n / (1 << 14)));
        Acc[] parts = new Acc[chunks];
        int size = Math.ceilDiv(n, chunks);
        Parallel.forTasks(chunks, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int from = c * size, len = Math.min(n, from + size) - from;
                Acc a = new Acc(op, t);
                if (len > 0) a.run(xs, base + from * stride, len, stride, from);
                parts[c] = a;
            }
        });
        Acc total = parts[0];
        for (int c = 1; c < chunks; c++) total.merge(parts[c]);
        total.store(os, op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN ? DType.I64 : t, outAt);
    }

    /** An accumulator for one output element; runs of the reduced elements are fed in order. */
    private static final class Acc {
        final ReduceOp op;
        final DType t;
        double d;          // floating sum/prod/max/min
        long l;            // integer sum/prod/max/min
        double best;       // arg: best value so far
        long bestIndex;
        boolean any;

        Acc(ReduceOp op, DType t) { this.op = op; this.t = t; reset(); }

        void reset() {
            any = false;
            bestIndex = 0;
            switch (op) {
                case SUM -> { d = 0; l = 0; }
                case PROD -> { d = 1; l = 1; }
                case MAX -> { d = Double.NEGATIVE_INFINITY; l = Long.MIN_VALUE; }
                case MIN -> { d = Double.POSITIVE_INFINITY; l = Long.MAX_VALUE; }
                default -> best = 0;
            }
        }

        void run(Object a, int off, int n, int stride, long position) {
            switch (t) {
                case F32 -> runF32((float[]) a, off, n, stride, position);
                case F64 -> runF64((double[]) a, off, n, stride, position);
                default -> runLong(a, off, n, stride, position);
            }
        }

        private void runF32(float[] a, int off, int n, int stride, long position) {
            if (stride == 1) {
                switch (op) {
                    case SUM -> { d += sumF32(a, off, n); return; }
                    case MAX -> { d = Math.max(d, maxF32(a, off, n, VectorOperators.MAX)); return; }
                    case MIN -> { d = Math.min(d, maxF32(a, off, n, VectorOperators.MIN)); return; }
                    default -> { }
                }
            }
            for (int i = 0, j = off; i < n; i++, j += stride) accept(a[j], position + i);
        }

        private void runF64(double[] a, int off, int n, int stride, long position) {
            if (stride == 1) {
                switch (op) {
                    case SUM -> { d += sumF64(a, off, n); return; }
                    case MAX -> { d = Math.max(d, maxF64(a, off, n, VectorOperators.MAX)); return; }
                    case MIN -> { d = Math.min(d, maxF64(a, off, n, VectorOperators.MIN)); return; }
                    default -> { }
                }
            }
            for (int i = 0, j = off; i < n; i++, j += stride) accept(a[j], position + i);
        }

        private void accept(double v, long position) {
            switch (op) {
                case SUM -> d += v;
                case PROD -> d *= v;
                case MAX -> d = Math.max(d, v);
                case MIN -> d = Math.min(d, v);
                case ARGMAX -> { if (!any || Double.isNaN(v) && !Double.isNaN(best) || v > best) take(v, position); }
                case ARGMIN -> { if (!any || Double.isNaN(v) && !Double.isNaN(best) || v < best) take(v, position); }
            }
        }

        private void take(double v, long position) {
            any = true;
            best = v;
            bestIndex = position;
        }

        private void runLong(Object a, int off, int n, int stride, long position) {
            for (int i = 0, j = off; i < n; i++, j += stride) {
                long v = Scalars.getLong(a, t, j);
                switch (op) {
                    case SUM -> l += v;
                    case PROD -> l *= v;
                    case MAX -> l = Math.max(l, v);
                    case MIN -> l = Math.min(l, v);
                    case ARGMAX -> { if (!any || v > (long) best) { any = true; best = v; bestIndex = position + i; } }
                    case ARGMIN -> { if (!any || v < (long) best) { any = true; best = v; bestIndex = position + i; } }
                }
            }
        }

        /** Folds a later chunk's accumulator into this one (chunks are merged in order). */
        void merge(Acc o) {
            if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) {
                if (o.any) {
                    if (t.isFloatingPoint()) accept(o.best, o.bestIndex);
                    else if (!any || (op == ReduceOp.ARGMAX ? o.best > best : o.best < best)) take(o.best, o.bestIndex);
                }
                return;
            }
            if (t.isFloatingPoint()) accept(o.d, 0);
            else switch (op) {
                case SUM -> l += o.l;
                case PROD -> l *= o.l;
                case MAX -> l = Math.max(l, o.l);
                default -> l = Math.min(l, o.l);
            }
        }

        void store(Object out, DType ot, int at) {
            if (op == ReduceOp.ARGMAX || op == ReduceOp.ARGMIN) ((long[]) out)[at] = bestIndex;
            else if (t.isFloatingPoint()) Scalars.setDouble(out, ot, at, d);
            else Scalars.setLong(out, ot, at, l);
        }
    }

    // ---- vector loops over one contiguous run --------------------------------------------------

    /** Sum in four float accumulators per block of 4096, blocks added in double: fast and accurate. */
    static double sumF32(float[] a, int off, int n) {
        double total = 0;
        for (int b = 0; b < n; b += 4096) {
            int m = Math.min(4096, n - b), i = 0, base = off + b;
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (; i <= m - 4 * FL; i += 4 * FL) {
                s0 = s0.add(FloatVector.fromArray(F, a, base + i));
                s1 = s1.add(FloatVector.fromArray(F, a, base + i + FL));
                s2 = s2.add(FloatVector.fromArray(F, a, base + i + 2 * FL));
                s3 = s3.add(FloatVector.fromArray(F, a, base + i + 3 * FL));
            }
            double s = Simd.sumLanes(s0.add(s1).add(s2.add(s3)));
            for (; i < m; i++) s += a[base + i];
            total += s;
        }
        return total;
    }

    static double sumF64(double[] a, int off, int n) {
        int i = 0;
        DoubleVector s0 = DoubleVector.zero(D), s1 = s0, s2 = s0, s3 = s0;
        for (; i <= n - 4 * DL; i += 4 * DL) {
            s0 = s0.add(DoubleVector.fromArray(D, a, off + i));
            s1 = s1.add(DoubleVector.fromArray(D, a, off + i + DL));
            s2 = s2.add(DoubleVector.fromArray(D, a, off + i + 2 * DL));
            s3 = s3.add(DoubleVector.fromArray(D, a, off + i + 3 * DL));
        }
        double s = Simd.sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) s += a[off + i];
        return s;
    }

    /** Max (or min, by {@code op}) of a run; NaN anywhere gives NaN, as in PyTorch. */
    private static double maxF32(float[] a, int off, int n, VectorOperators.Binary op) {
        boolean isMax = op == VectorOperators.MAX;
        float r = isMax ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        int i = 0;
        if (n >= FL) {
            FloatVector acc = FloatVector.broadcast(F, r);
            int bound = F.loopBound(n);
            if (isMax) for (; i < bound; i += FL) acc = acc.max(FloatVector.fromArray(F, a, off + i));
            else for (; i < bound; i += FL) acc = acc.min(FloatVector.fromArray(F, a, off + i));
            r = isMax ? acc.reduceLanes(VectorOperators.MAX) : acc.reduceLanes(VectorOperators.MIN);
        }
        for (; i < n; i++) r = isMax ? Math.max(r, a[off + i]) : Math.min(r, a[off + i]);
        return r;
    }

    private static double maxF64(double[] a, int off, int n, VectorOperators.Binary op) {
        boolean isMax = op == VectorOperators.MAX;
        double r = isMax ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        int i = 0;
        if (n >= DL) {
            DoubleVector acc = DoubleVector.broadcast(D, r);
            int bound = D.loopBound(n);
            if (isMax) for (; i < bound; i += DL) acc = acc.max(DoubleVector.fromArray(D, a, off + i));
            else for (; i < bound; i += DL) acc = acc.min(DoubleVector.fromArray(D, a, off + i));
            r = isMax ? acc.reduceLanes(VectorOperators.MAX) : acc.reduceLanes(VectorOperators.MIN);
        }
        for (; i < n; i++) r = isMax ? Math.max(r, a[off + i]) : Math.min(r, a[off + i]);
        return r;
    }

    // ---- cumsum --------------------------------------------------------------------------------

    /** Running sum along dim, one line per task; F32 accumulates in double (PyTorch's CPU accumulate type). */
    static void cumsum(Operand x, int dim, Operand out) {
        int[] shape = x.shape().dims(), xs = x.strides(), os = out.strides();
        int len = shape[dim], xStep = xs[dim], oStep = os[dim];
        int lines = (int) (out.numel() / Math.max(1, len));
        int[] lineShape = shape.clone();
        lineShape[dim] = 1;
        Object xa = CpuBackend.array(x), oa = CpuBackend.array(out);
        DType t = x.dtype();
        Parallel.forRange(lines, Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1, len)), (start, end) -> {
            for (int line = start; line < end; line++) {
                int xo = x.offset() + keptOffset(line, lineShape, xs), oo = out.offset() + keptOffset(line, lineShape, os);
                if (t.isFloatingPoint()) {
                    double s = 0;
                    for (int i = 0; i < len; i++) {
                        s += Scalars.getDouble(xa, t, xo + i * xStep);
                        Scalars.setDouble(oa, t, oo + i * oStep, s);
                    }
                } else {
                    long s = 0;
                    for (int i = 0; i < len; i++) {
                        s += Scalars.getLong(xa, t, xo + i * xStep);
                        Scalars.setLong(oa, t, oo + i * oStep, s);
                    }
                }
            }
        });
    }
}
