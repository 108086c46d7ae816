package dev.galvani.tensor.testing;

import dev.galvani.tensor.PadMode;
import java.util.List;

/** Naive reference implementations used by the operation table. */
public final class Reference {

    private Reference() {}

    /**
     * erf by composite Simpson integration of 2/sqrt(pi) exp(-t^2) over [0, x] with 4000 panels
     * (error below 1e-14 for |x| &lt;= 6), independent of the series/continued fraction in the library.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) return x;
        if (Math.abs(x) > 6) return Math.signum(x);
        int n = 4000;
        double h = x / n, s = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            s += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * s * h / 3;
    }

    /** PyTorch's matmul rules spelled out: 1-D promotion, batch broadcasting, triple loop. */
    public static NdArray matmul(NdArray a, NdArray b) {
        boolean aVec = a.rank() == 1, bVec = b.rank() == 1;
        if (aVec && bVec) {
            double s = 0;
            for (int i = 0; i < a.shape[0]; i++) s += a.get(i) * b.get(i);
            return new NdArray(new int[0], new double[]{s});
        }
        NdArray A = aVec ? reshape(a, 1, a.shape[0]) : a, B = bVec ? reshape(b, b.shape[0], 1) : b;
        int m = A.shape[A.rank() - 2], k = A.shape[A.rank() - 1], n = B.shape[B.rank() - 1];
        int[] batchA = java.util.Arrays.copyOf(A.shape, A.rank() - 2), batchB = java.util.Arrays.copyOf(B.shape, B.rank() - 2);
        int[] batch = NdArray.broadcastShape(batchA, batchB);
        int[] outShape = java.util.Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        NdArray out = NdArray.build(outShape, idx -> {
            double s = 0;
            for (int kk = 0; kk < k; kk++) {
                int[] ia = new int[A.rank()], ib = new int[B.rank()];
                fillBatch(ia, idx, batch.length, A.rank() - 2, batchA);
                fillBatch(ib, idx, batch.length, B.rank() - 2, batchB);
                ia[A.rank() - 2] = idx[batch.length];
                ia[A.rank() - 1] = kk;
                ib[B.rank() - 2] = kk;
                ib[B.rank() - 1] = idx[batch.length + 1];
                s += A.get(ia) * B.get(ib);
            }
            return s;
        });
        int[] finalShape = outShape;
        if (aVec) finalShape = remove(finalShape, finalShape.length - 2);
        if (bVec) finalShape = remove(finalShape, finalShape.length - 1);
        return new NdArray(finalShape, out.data);
    }

    private static void fillBatch(int[] target, int[] outIdx, int outBatchRank, int myBatchRank, int[] myBatch) {
        int lead = outBatchRank - myBatchRank;
        for (int d = 0; d < myBatchRank; d++) target[d] = myBatch[d] == 1 ? 0 : outIdx[lead + d];
    }

    private static int[] remove(int[] a, int i) {
        int[] r = new int[a.length - 1];
        for (int j = 0, k = 0; j < a.length; j++) if (j != i) r[k++] = a[j];
        return r;
    }

    public static NdArray reshape(NdArray a, int... shape) { return new NdArray(shape, a.data.clone()); }

    public static NdArray transpose(NdArray a) {
        return NdArray.build(new int[]{a.shape[1], a.shape[0]}, i -> a.get(i[1], i[0]));
    }

    public static NdArray unsqueeze(NdArray a, int dim) {
        int[] s = new int[a.rank() + 1];
        for (int i = 0, k = 0; i < s.length; i++) s[i] = i == dim ? 1 : a.shape[k++];
        return new NdArray(s, a.data.clone());
    }

    public static NdArray indexSelect(NdArray x, int dim, NdArray index) {
        int d = dim < 0 ? dim + x.rank() : dim;
        int[] shape = x.shape.clone();
        shape[d] = index.data.length;
        return NdArray.build(shape, i -> {
            int[] j = i.clone();
            j[d] = (int) index.data[i[d]];
            return x.get(j);
        });
    }

    public static NdArray scatterAdd(NdArray x, int dim, NdArray index, NdArray src) {
        double[] out = x.data.clone();
        int[] idx = new int[index.rank()];
        for (int k = 0; k < index.data.length; k++) {
            int[] j = idx.clone();
            j[dim] = (int) index.get(idx);
            int flat = 0;
            for (int d = 0; d < x.rank(); d++) flat = flat * x.shape[d] + j[d];
            out[flat] += src.get(idx);
            NdArray.increment(idx, index.shape);
        }
        return new NdArray(x.shape, out);
    }

    public static NdArray cat(NdArray a, NdArray b, int dim) {
        int[] shape = a.shape.clone();
        shape[dim] += b.shape[dim];
        return NdArray.build(shape, i -> {
            if (i[dim] < a.shape[dim]) return a.get(i);
            int[] j = i.clone();
            j[dim] -= a.shape[dim];
            return b.get(j);
        });
    }

    /** Source position of padded position p (may be outside [0, size)) for the non-constant modes. */
    public static int padSource(PadMode mode, int p, int size) {
        return switch (mode) {
            case REFLECT -> p < 0 ? -p : p >= size ? 2 * (size - 1) - p : p;
            case REPLICATE -> p < 0 ? 0 : p >= size ? size - 1 : p;
            case CIRCULAR -> ((p % size) + size) % size;
            case CONSTANT -> throw new IllegalArgumentException();
        };
    }

    /** Einstein summation by brute force: loop over every label assignment. */
    public static NdArray einsum(String equation, NdArray a, NdArray b) {
        String[] io = equation.replace(" ", "").split("->", -1);
        String[] ins = io[0].split(",");
        String la = ins[0], lb = ins[1];
        String out;
        if (io.length == 2) out = io[1];
        else {
            StringBuilder sb = new StringBuilder();
            (la + lb).chars().sorted().distinct().filter(c -> (la + lb).indexOf(c) == (la + lb).lastIndexOf(c)).forEach(c -> sb.append((char) c));
            out = sb.toString();
        }
        String labels = (la + lb).chars().distinct().collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        int[] size = new int[128];
        for (int i = 0; i < la.length(); i++) size[la.charAt(i)] = a.shape[i];
        for (int i = 0; i < lb.length(); i++) size[lb.charAt(i)] = b.shape[i];
        int[] outShape = new int[out.length()];
        for (int i = 0; i < out.length(); i++) outShape[i] = size[out.charAt(i)];
        double[] result = new double[(int) NdArray.numel(outShape)];
        int[] all = new int[labels.length()];
        for (int i = 0; i < all.length; i++) all[i] = size[labels.charAt(i)];
        int[] v = new int[labels.length()];
        long total = NdArray.numel(all);
        for (long n = 0; n < total; n++) {
            int[] ia = new int[la.length()], ib = new int[lb.length()];
            for (int i = 0; i < la.length(); i++) ia[i] = v[labels.indexOf(la.charAt(i))];
            for (int i = 0; i < lb.length(); i++) ib[i] = v[labels.indexOf(lb.charAt(i))];
            int flat = 0;
            for (int i = 0; i < out.length(); i++) flat = flat * outShape[i] + v[labels.indexOf(out.charAt(i))];
            result[flat] += a.get(ia) * b.get(ib);
            NdArray.increment(v, all);
        }
        return new NdArray(outShape, result);
    }
    /** Cross-correlation by its definition: out[n,o,i,j] = b[o] + sum x[n, c, i s - p + ki d, j s - p + kj d] w[o, c', ki, kj]. */
    public static NdArray conv2d(NdArray x, NdArray w, NdArray b, int stride, int pad, int dil, int groups) {
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3], o = w.shape[0], cg = w.shape[1], kh = w.shape[2], kw = w.shape[3];
        int oh = (h + 2 * pad - dil * (kh - 1) - 1) / stride + 1, ow = (wd + 2 * pad - dil * (kw - 1) - 1) / stride + 1;
        int og = o / groups;
        return NdArray.build(new int[]{n, o, oh, ow}, idx -> {
            int g = idx[1] / og;
            double s = b == null ? 0 : b.get(idx[1]);
            for (int ci = 0; ci < cg; ci++)
                for (int ki = 0; ki < kh; ki++)
                    for (int kj = 0; kj < kw; kj++) {
                        int r = idx[2] * stride - pad + ki * dil, q = idx[3] * stride - pad + kj * dil;
                        if (r >= 0 && r < h && q >= 0 && q < wd) s += x.get(idx[0], g * cg + ci, r, q) * w.get(idx[1], ci, ki, kj);
                    }
            return s;
        });
    }

    /** Transposed convolution as a scatter: every input element adds x * w into the output positions it reaches. */
    public static NdArray convTranspose2d(NdArray x, NdArray w, NdArray b, int stride, int pad, int outPad, int dil, int groups) {
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3], og = w.shape[1], kh = w.shape[2], kw = w.shape[3];
        int o = og * groups, cg = c / groups;
        int oh = (h - 1) * stride - 2 * pad + dil * (kh - 1) + outPad + 1, ow = (wd - 1) * stride - 2 * pad + dil * (kw - 1) + outPad + 1;
        double[] out = new double[n * o * oh * ow];
        for (int ni = 0; ni < n; ni++)
            for (int ci = 0; ci < c; ci++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < wd; j++)
                        for (int oo = 0; oo < og; oo++)
                            for (int ki = 0; ki < kh; ki++)
                                for (int kj = 0; kj < kw; kj++) {
                                    int r = i * stride - pad + ki * dil, q = j * stride - pad + kj * dil;
                                    if (r < 0 || r >= oh || q < 0 || q >= ow) continue;
                                    int oc = ci / cg * og + oo;
                                    out[((ni * o + oc) * oh + r) * ow + q] += x.get(ni, ci, i, j) * w.get(ci, oo, ki, kj);
                                }
        if (b != null)
            for (int k = 0; k < out.length; k++) out[k] += b.get(k / (oh * ow) % o);
        return new NdArray(new int[]{n, o, oh, ow}, out);
    }

    /** The weight gradient by its definition: dw[o, c', a, b] = sum over n, i, j of x[n, g Cg + c', i s - p + a d, j s - p + b d] gy[n, o, i, j]. */
    public static NdArray conv2dWeightGrad(NdArray x, NdArray gy, int[] ws, int stride, int pad, int dil, int groups) {
        int n = x.shape[0], h = x.shape[2], wd = x.shape[3], oh = gy.shape[2], ow = gy.shape[3], og = ws[0] / groups;
        return NdArray.build(ws, idx -> {
            int g = idx[0] / og;
            double sum = 0;
            for (int ni = 0; ni < n; ni++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++) {
                        int r = i * stride - pad + idx[2] * dil, q = j * stride - pad + idx[3] * dil;
                        if (r >= 0 && r < h && q >= 0 && q < wd) sum += x.get(ni, g * ws[1] + idx[1], r, q) * gy.get(ni, idx[0], i, j);
                    }
            return sum;
        });
    }

    /** Max pooling's gradient: each output gradient added at its window's first largest element (NaN counts as largest). */
    public static NdArray maxPool2dBackward(NdArray x, NdArray gy, int k, int s, int p, int d) {
        int h = x.shape[2], w = x.shape[3];
        double[] out = new double[x.data.length];
        for (int ni = 0; ni < gy.shape[0]; ni++)
            for (int c = 0; c < gy.shape[1]; c++)
                for (int i = 0; i < gy.shape[2]; i++)
                    for (int j = 0; j < gy.shape[3]; j++) {
                        int best = -1;
                        double m = Double.NEGATIVE_INFINITY;
                        for (int ki = 0; ki < k; ki++)
                            for (int kj = 0; kj < k; kj++) {
                                int r = i * s - p + ki * d, q = j * s - p + kj * d;
                                if (r < 0 || r >= h || q < 0 || q >= w) continue;
                                double v = x.get(ni, c, r, q);
                                if (best < 0 || v > m) { m = v; best = r * w + q; }
                            }
                        out[(ni * x.shape[1] + c) * h * w + best] += gy.get(ni, c, i, j);
                    }
        return new NdArray(x.shape, out);
    }

    /** Average pooling's gradient: each output gradient spread evenly over its window (the divisor as in {@link #avgPool2d}). */
    public static NdArray avgPool2dBackward(int[] inShape, NdArray gy, int k, int s, int p, boolean countIncludePad) {
        int h = inShape[2], w = inShape[3];
        double[] out = new double[(int) NdArray.numel(inShape)];
        for (int ni = 0; ni < gy.shape[0]; ni++)
            for (int c = 0; c < gy.shape[1]; c++)
                for (int i = 0; i < gy.shape[2]; i++)
                    for (int j = 0; j < gy.shape[3]; j++) {
                        int r0 = i * s - p, q0 = j * s - p, r1 = Math.min(r0 + k, h + p), q1 = Math.min(q0 + k, w + p);
                        int count = Math.max(0, Math.min(r1, h) - Math.max(r0, 0)) * Math.max(0, Math.min(q1, w) - Math.max(q0, 0));
                        double share = gy.get(ni, c, i, j) / (countIncludePad ? (r1 - r0) * (q1 - q0) : count);
                        for (int r = Math.max(r0, 0); r < Math.min(r1, h); r++)
                            for (int q = Math.max(q0, 0); q < Math.min(q1, w); q++) out[((ni * inShape[1] + c) * h + r) * w + q] += share;
                    }
        return new NdArray(inShape, out);
    }

    /**
     * Adam (Kingma &amp; Ba 2015, Algorithm 1) element by element, with PyTorch's options: weight decay
     * as an L2 term or decoupled (AdamW), AMSGrad, maximize. One step per gradient; returns the
     * final (param, exp_avg, exp_avg_sq) joined, flat.
     */
    public static NdArray adam(NdArray param, List<NdArray> grads, double lr, double b1, double b2, double eps, double wd,
                               boolean decoupled, boolean amsgrad, boolean maximize) {
        int n = param.data.length;
        double[] p = param.data.clone(), m = new double[n], v = new double[n], vmax = new double[n];
        for (int t = 1; t <= grads.size(); t++)
            for (int i = 0; i < n; i++) {
                double g = grads.get(t - 1).data[i] * (maximize ? -1 : 1);
                if (decoupled) p[i] *= 1 - lr * wd;
                else g += wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double vt = v[i];
                if (amsgrad) vt = vmax[i] = Math.max(vmax[i], v[i]);
                double mHat = m[i] / (1 - Math.pow(b1, t)), vHat = vt / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        double[] out = new double[3 * n];
        System.arraycopy(p, 0, out, 0, n);
        System.arraycopy(m, 0, out, n, n);
        System.arraycopy(v, 0, out, 2 * n, n);
        return new NdArray(new int[]{3 * n}, out);
    }

    /**
     * The multi-step neuron of the SNN reference §2.1–2.2 by its definition, per element, in double:
     * returns {spikes, membrane after reset, last membrane} for x [T, ...].
     */
    public static NdArray[] lif(NdArray x, dev.galvani.tensor.backend.LifSpec spec, double k, NdArray v0) {
        int t = x.shape[0], n = x.data.length / Math.max(1, t);
        double[] s = new double[x.data.length], vs = new double[x.data.length], v = new double[n];
        for (int i = 0; i < n; i++) v[i] = v0 == null ? spec.initialMembrane() : v0.data[i];
        double vr = spec.restingValue();
        for (int step = 0; step < t; step++)
            for (int i = 0; i < n; i++) {
                double xi = x.data[step * n + i], vi = v[i];
                double h = spec.kind() == dev.galvani.tensor.backend.LifSpec.Kind.IF ? vi + xi
                        : spec.decayInput() ? vi + k * (xi - (vi - vr)) : vi - k * (vi - vr) + xi;
                double spike = h >= spec.vThreshold() ? 1 : 0;
                v[i] = spec.hardReset() ? (spike == 1 ? spec.vReset() : h) : h - spec.vThreshold() * spike;
                s[step * n + i] = spike;
                vs[step * n + i] = v[i];
            }
        int[] state = java.util.Arrays.copyOfRange(x.shape, 1, x.shape.length);
        return new NdArray[]{new NdArray(x.shape, s), new NdArray(x.shape, vs), new NdArray(state, v)};
    }

    /** PyTorch's pooled size: floor or ceil of (in + 2p - d(k-1) - 1)/s + 1, with the last window starting inside input or left padding. */
    public static int pooledSize(int in, int k, int s, int p, int d, boolean ceil) {
        int span = in + 2 * p - d * (k - 1) - 1;
        int out = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (out - 1) * s >= in + p) out--;
        return out;
    }

    public static NdArray maxPool2d(NdArray x, int k, int s, int p, int d, boolean ceil) {
        int h = x.shape[2], w = x.shape[3];
        int oh = pooledSize(h, k, s, p, d, ceil), ow = pooledSize(w, k, s, p, d, ceil);
        return NdArray.build(new int[]{x.shape[0], x.shape[1], oh, ow}, idx -> {
            double m = Double.NEGATIVE_INFINITY;
            for (int ki = 0; ki < k; ki++)
                for (int kj = 0; kj < k; kj++) {
                    int r = idx[2] * s - p + ki * d, q = idx[3] * s - p + kj * d;
                    if (r >= 0 && r < h && q >= 0 && q < w) {
                        double v = x.get(idx[0], idx[1], r, q);
                        if (v > m || Double.isNaN(v)) m = v;
                        if (Double.isNaN(m)) return m;
                    }
                }
            return m;
        });
    }

    /** Average pooling: the window is clipped to input + padding; the divisor counts padding only with countIncludePad. */
    public static NdArray avgPool2d(NdArray x, int k, int s, int p, boolean ceil, boolean countIncludePad) {
        int h = x.shape[2], w = x.shape[3];
        int oh = pooledSize(h, k, s, p, 1, ceil), ow = pooledSize(w, k, s, p, 1, ceil);
        return NdArray.build(new int[]{x.shape[0], x.shape[1], oh, ow}, idx -> {
            int r0 = idx[2] * s - p, q0 = idx[3] * s - p;
            int r1 = Math.min(r0 + k, h + p), q1 = Math.min(q0 + k, w + p);
            int padded = (r1 - r0) * (q1 - q0);
            double sum = 0;
            int count = 0;
            for (int r = Math.max(r0, 0); r < Math.min(r1, h); r++)
                for (int q = Math.max(q0, 0); q < Math.min(q1, w); q++) {
                    sum += x.get(idx[0], idx[1], r, q);
                    count++;
                }
            return sum / (countIncludePad ? padded : count);
        });
    }
    /** 1-D cross-correlation by its definition. */
    public static NdArray conv1d(NdArray x, NdArray w, NdArray b, int stride, int pad, int dil, int groups) {
        int n = x.shape[0], l = x.shape[2], o = w.shape[0], cg = w.shape[1], k = w.shape[2], og = o / groups;
        int ol = (l + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        return NdArray.build(new int[]{n, o, ol}, idx -> {
            double s = b == null ? 0 : b.get(idx[1]);
            for (int ci = 0; ci < cg; ci++)
                for (int ki = 0; ki < k; ki++) {
                    int r = idx[2] * stride - pad + ki * dil;
                    if (r >= 0 && r < l) s += x.get(idx[0], idx[1] / og * cg + ci, r) * w.get(idx[1], ci, ki);
                }
            return s;
        });
    }

    public static NdArray maxPool1d(NdArray x, int k, int s, int p) {
        int l = x.shape[2], ol = pooledSize(l, k, s, p, 1, false);
        return NdArray.build(new int[]{x.shape[0], x.shape[1], ol}, idx -> {
            double m = Double.NEGATIVE_INFINITY;
            for (int ki = 0; ki < k; ki++) {
                int r = idx[2] * s - p + ki;
                if (r >= 0 && r < l) m = Math.max(m, x.get(idx[0], idx[1], r));
            }
            return m;
        });
    }

    /** 1-D average pooling, padding counted in the divisor (PyTorch's default). */
    public static NdArray avgPool1d(NdArray x, int k, int s, int p) {
        int l = x.shape[2], ol = pooledSize(l, k, s, p, 1, false);
        return NdArray.build(new int[]{x.shape[0], x.shape[1], ol}, idx -> {
            int r0 = idx[2] * s - p, r1 = Math.min(r0 + k, l + p);
            double sum = 0;
            for (int r = Math.max(r0, 0); r < Math.min(r1, l); r++) sum += x.get(idx[0], idx[1], r);
            return sum / (r1 - r0);
        });
    }
    /**
     * Batch normalisation by its definition: per channel of x [N, C, ...] the mean and biased variance
     * over everything else (or the running ones when given), then (x - mean) / sqrt(var + eps) * w + b.
     */
    public static NdArray batchNorm(NdArray x, NdArray w, NdArray b, NdArray runningMean, NdArray runningVar, double eps) {
        int c = x.shape[1];
        double[] mean = new double[c], var = new double[c];
        long[] count = new long[c];
        int[] idx = new int[x.rank()];
        for (int k = 0; k < x.data.length; k++, NdArray.increment(idx, x.shape)) { mean[idx[1]] += x.data[k]; count[idx[1]]++; }
        for (int ch = 0; ch < c; ch++) mean[ch] /= count[ch];
        idx = new int[x.rank()];
        for (int k = 0; k < x.data.length; k++, NdArray.increment(idx, x.shape)) var[idx[1]] += (x.data[k] - mean[idx[1]]) * (x.data[k] - mean[idx[1]]);
        for (int ch = 0; ch < c; ch++) var[ch] /= count[ch];
        if (runningMean != null) for (int ch = 0; ch < c; ch++) { mean[ch] = runningMean.data[ch]; var[ch] = runningVar.data[ch]; }
        return NdArray.build(x.shape, i -> (x.get(i) - mean[i[1]]) / Math.sqrt(var[i[1]] + eps) * (w == null ? 1 : w.data[i[1]]) + (b == null ? 0 : b.data[i[1]]));
    }
}
