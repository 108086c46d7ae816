package dev.galvani.tensor;

import dev.galvani.tensor.backend.ReduceOp;
import java.util.Arrays;

/**
 * Reductions. The backend reduces (sum, prod, max, min, argmax, argmin) over a set of dimensions;
 * mean, var, std, logsumexp, norm, all and any are composed here from those and element-wise ops.
 */
final class Reductions {

    private Reductions() {}

    /** Sorted, distinct, non-negative dims; null means all of them. */
    static int[] normalizeDims(String op, Tensor x, int[] dims) {
        int rank = x.dim();
        if (dims == null) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) all[i] = i;
            return all;
        }
        boolean[] seen = new boolean[Math.max(rank, 1)];
        for (int d : dims) {
            int n = Shape.normalizeDim(op, d, rank);
            if (seen[n]) throw new IllegalArgumentException(op + ": dimension " + n + " appears more than once in " + Arrays.toString(dims));
            seen[n] = true;
        }
        if (rank == 0) return new int[0];
        int count = 0;
        for (boolean b : seen) if (b) count++;
        int[] r = new int[count];
        for (int i = 0, k = 0; i < rank; i++) if (seen[i]) r[k++] = i;
        return r;
    }

    /** Reduces x (already of the result dtype) over dims with the backend, then drops them unless keepDim. */
    static Tensor reduce(String opName, ReduceOp op, Tensor x, int[] dims, boolean keepDim, DType outType) {
        int[] d = normalizeDims(opName, x, dims);
        int[] kept = x.shape.dims();
        long extent = 1;
        for (int i : d) {
            extent *= kept[i];
            kept[i] = 1;
        }
        Tensor out = extent == 0 ? Creation.empty(outType, x.device(), kept) : Creation.uninitialized(outType, x.device(), kept);
        if (extent == 0 && out.numel() > 0) {
            switch (op) {
                case SUM -> { }
                case PROD -> Backends.of(x.device()).fill(out.operand(), 1);
                default -> throw new IllegalArgumentException(opName + ": cannot reduce over an empty dimension (shape " + x.shape()
                        + ", dims " + Arrays.toString(d) + "): the result has no defined value");
            }
        } else if (out.numel() > 0) {
            Backends.of(x.device()).reduce(op, x.operand(), d, out.operand());
        }
        Ops.ReductionKind kind = switch (op) {
            case SUM -> Ops.ReductionKind.SUM;
            case PROD -> Ops.ReductionKind.PROD;
            case MAX -> Ops.ReductionKind.AMAX;
            case MIN -> Ops.ReductionKind.AMIN;
            case ARGMAX, ARGMIN -> null;
        };
        if (kind != null) Tape.record(new Ops.Reduction(kind, d), out, x);
        return keepDim ? out : dropDims(out, d);
    }

    private static Tensor dropDims(Tensor t, int[] dims) {
        int[] shape = t.shape.raw();
        int[] result = new int[shape.length - dims.length];
        for (int i = 0, k = 0, j = 0; i < shape.length; i++) {
            if (j < dims.length && dims[j] == i) j++;
            else result[k++] = shape[i];
        }
        return t.view(result);
    }

    /** The number of elements reduced over. */
    static long extent(Tensor x, int[] dims) {
        long n = 1;
        for (int d : normalizeDims("reduce", x, dims)) n *= x.shape.raw()[d];
        return n;
    }

    static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        DType t = x.dtype().isFloatingPoint() ? x.dtype() : DType.I64;
        return reduce("sum", ReduceOp.SUM, x.to(t), dims, keepDim, t);
    }

    static Tensor prod(Tensor x, int[] dims, boolean keepDim) {
        DType t = x.dtype().isFloatingPoint() ? x.dtype() : DType.I64;
        return reduce("prod", ReduceOp.PROD, x.to(t), dims, keepDim, t);
    }

    static Tensor mean(Tensor x, int[] dims, boolean keepDim) {
        requireFloat("mean", x);
        return sum(x, dims, keepDim).div((double) extent(x, dims));
    }

    static Tensor amax(Tensor x, int[] dims, boolean keepDim) {
        return reduce("amax", ReduceOp.MAX, x, dims, keepDim, x.dtype());
    }

    static Tensor amin(Tensor x, int[] dims, boolean keepDim) {
        return reduce("amin", ReduceOp.MIN, x, dims, keepDim, x.dtype());
    }

    /** Two passes, mean first, for accuracy: sum((x - mean)^2) / (n - correction). */
    static Tensor var(Tensor x, int[] dims, boolean unbiased, boolean keepDim) {
        requireFloat("var", x);
        long n = extent(x, dims);
        Tensor centered = x.sub(mean(x, dims, true));
        return sum(centered.square(), dims, keepDim).div((double) Math.max(0, n - (unbiased ? 1 : 0)));
    }

    static Tensor arg(ReduceOp op, Tensor x, Integer dim, boolean keepDim) {
        String name = op == ReduceOp.ARGMAX ? "argmax" : "argmin";
        if (x.dtype() == DType.BOOL) x = x.to(DType.I32);
        if (dim == null) {
            Tensor r = reduce(name, op, x.reshape(-1), new int[]{0}, false, DType.I64);
            return keepDim ? r.reshape(ones(x.dim())) : r;
        }
        return reduce(name, op, x, new int[]{dim}, keepDim, DType.I64);
    }

    private static int[] ones(int n) {
        int[] r = new int[n];
        Arrays.fill(r, 1);
        return r;
    }

    /** m + log(sum(exp(x - m))) with m the maximum (taken as 0 where it is infinite, so -inf rows stay -inf). */
    static Tensor logsumexp(Tensor x, int[] dims, boolean keepDim) {
        x = x.to(x.dtype().toFloating());
        if (x.numel() == 0) return sum(x.exp(), dims, keepDim).log();
        Tensor m = amax(x, dims, true);
        m = Tensor.where(m.abs().eq(Double.POSITIVE_INFINITY), 0.0, m);
        Tensor r = sum(x.sub(m).exp(), dims, true).log().add(m);
        return keepDim ? r : dropDims(r, normalizeDims("logsumexp", x, dims));
    }

    static Tensor norm(Tensor x, double p, int[] dims, boolean keepDim) {
        requireFloat("norm", x);
        Tensor a = x.abs();
        if (p == 2) return rootWithZeroGradientAtZero(sum(a.square(), dims, keepDim), 2);
        if (p == 1) return sum(a, dims, keepDim);
        if (p == Double.POSITIVE_INFINITY) return amax(a, dims, keepDim);
        if (p == Double.NEGATIVE_INFINITY) return amin(a, dims, keepDim);
        if (p == 0) return sum(a.ne(0.0).to(x.dtype()), dims, keepDim);
        if (!(p > 0)) throw new IllegalArgumentException("norm: p must be positive, 0 or infinite, got " + p);
        return rootWithZeroGradientAtZero(sum(a.pow(p), dims, keepDim), p);
    }

    /**
     * {@code v^(1/p)} whose gradient is 0 where {@code v = 0}, PyTorch's convention for norms and
     * standard deviations (the plain root's derivative there is infinite, and 0 * inf is NaN). The
     * root is taken of 1 where v = 0, so that the branch {@code where} discards has a finite
     * derivative too.
     */
    static Tensor rootWithZeroGradientAtZero(Tensor v, double p) {
        Tensor zero = v.eq(0.0);
        Tensor safe = Tensor.where(zero, 1.0, v);
        return Tensor.where(zero, 0.0, p == 2 ? safe.sqrt() : safe.pow(1.0 / p));
    }

    static Tensor all(Tensor x, int[] dims, boolean keepDim) { return sum(x.eq(0L), dims, keepDim).eq(0L); }

    static Tensor any(Tensor x, int[] dims, boolean keepDim) { return sum(x.ne(0L), dims, keepDim).gt(0L); }

    static Tensor cumsum(Tensor x, int dim) {
        DType t = x.dtype().isFloatingPoint() ? x.dtype() : DType.I64;
        Tensor in = x.to(t);
        if (x.dim() == 0) return in.clone();
        int d = Shape.normalizeDim("cumsum", dim, x.dim());
        Tensor out = Creation.uninitialized(t, x.device(), in.shape.raw());
        if (out.numel() > 0) Backends.of(x.device()).cumsum(in.operand(), d, out.operand());
        return Tape.record(new Ops.Cumsum(d), out, in);
    }

    private static void requireFloat(String op, Tensor x) {
        if (!x.dtype().isFloatingPoint())
            throw new IllegalArgumentException(op + ": needs a floating-point tensor, got " + x.dtype() + "; convert with x.to(DType.F32)");
    }
}
