package dev.galvani.tensor.testing;

import dev.galvani.tensor.Tensor;
import java.util.Arrays;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * The reference side of every test: a plain row-major array of doubles with a shape, and naive loops
 * over explicit multi-indices. Nothing here uses Galvani's kernels except {@link #of}, which reads a
 * tensor's values element by element through {@link Tensor#get}.
 */
public final class NdArray {

    public final int[] shape;
    public final double[] data;

    public NdArray(int[] shape, double[] data) {
        this.shape = shape.clone();
        this.data = data;
        if (numel(shape) != data.length) throw new IllegalArgumentException("NdArray: " + data.length + " values for " + Arrays.toString(shape));
    }

    /**
     * The tensor's values, read one index at a time on the CPU (independent of the CPU's copy
     * kernels). A tensor on another device comes over in one transfer first: reading it element by
     * element would wait for the device once per element.
     */
    public static NdArray of(Tensor t) {
        Tensor host = t.device().isCpu() ? t : t.to(dev.galvani.tensor.Device.CPU);
        return build(t.shape().dims(), host::get);
    }

    /** An array whose element at every index is f(index), visiting indices in row-major order. */
    public static NdArray build(int[] shape, ToDoubleFunction<int[]> f) {
        double[] d = new double[(int) numel(shape)];
        int[] idx = new int[shape.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = f.applyAsDouble(idx.clone());
            increment(idx, shape);
        }
        return new NdArray(shape, d);
    }

    public static long numel(int[] shape) {
        long n = 1;
        for (int s : shape) n *= s;
        return n;
    }

    /** Advances a row-major multi-index; returns false after the last one. */
    public static boolean increment(int[] idx, int[] shape) {
        for (int d = shape.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return true;
            idx[d] = 0;
        }
        return false;
    }

    public int rank() { return shape.length; }

    public double get(int... idx) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) {
            if (idx[d] < 0 || idx[d] >= shape[d]) throw new IndexOutOfBoundsException(Arrays.toString(idx) + " in " + Arrays.toString(shape));
            flat = flat * shape[d] + idx[d];
        }
        return data[flat];
    }

    public NdArray map(DoubleUnaryOperator f) {
        double[] d = new double[data.length];
        for (int i = 0; i < d.length; i++) d[i] = f.applyAsDouble(data[i]);
        return new NdArray(shape, d);
    }

    /** NumPy broadcasting, spelled out: out index -> each input's index (size-1 dims read index 0). */
    public static int[] broadcastShape(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            int db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) throw new IllegalArgumentException("not broadcastable");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** This array's element for an index of a (larger, broadcast) output shape. */
    public double getBroadcast(int[] outIdx) {
        int[] idx = new int[shape.length];
        int lead = outIdx.length - shape.length;
        for (int d = 0; d < shape.length; d++) idx[d] = shape[d] == 1 ? 0 : outIdx[lead + d];
        return get(idx);
    }

    public static NdArray zip(NdArray a, NdArray b, DoubleBinaryOperator f) {
        int[] shape = broadcastShape(a.shape, b.shape);
        return build(shape, i -> f.applyAsDouble(a.getBroadcast(i), b.getBroadcast(i)));
    }

    /** Reduces over {@code dims} (null: all) visiting the reduced indices in row-major order. */
    public NdArray reduce(int[] dims, boolean keepDim, Reducer r) {
        boolean[] red = new boolean[shape.length];
        if (dims == null) Arrays.fill(red, true);
        else for (int d : dims) red[d < 0 ? d + shape.length : d] = true;
        int[] keptShape = shape.clone();
        for (int d = 0; d < shape.length; d++) if (red[d]) keptShape[d] = 1;
        NdArray full = build(keptShape, outIdx -> {
            int[] rs = new int[shape.length];
            for (int d = 0; d < shape.length; d++) rs[d] = red[d] ? shape[d] : 1;
            double[] vals = new double[(int) numel(rs)];
            int[] sub = new int[shape.length];
            for (int k = 0; k < vals.length; k++) {
                int[] idx = new int[shape.length];
                for (int d = 0; d < shape.length; d++) idx[d] = red[d] ? sub[d] : outIdx[d];
                vals[k] = get(idx);
                increment(sub, rs);
            }
            return r.apply(vals);
        });
        if (keepDim) return full;
        int n = 0;
        for (boolean b : red) if (!b) n++;
        int[] s = new int[n];
        for (int d = 0, k = 0; d < shape.length; d++) if (!red[d]) s[k++] = shape[d];
        return new NdArray(s, full.data);
    }

    @FunctionalInterface
    public interface Reducer { double apply(double[] values); }

    @Override public String toString() { return Arrays.toString(shape) + " " + Arrays.toString(data.length > 20 ? Arrays.copyOf(data, 20) : data); }
}
