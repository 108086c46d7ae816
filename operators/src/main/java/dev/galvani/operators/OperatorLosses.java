package dev.galvani.operators;

import dev.galvani.nn.F;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;

/**
 * The losses neural operators are trained and judged with (operators.md §6), computed on decoded
 * (de-normalised) outputs. Both are relative per sample, so the scale of the field drops out, and
 * reduced over the batch by mean (the reference's {@code size_average}), sum, or not at all.
 */
public final class OperatorLosses {

    private OperatorLosses() {}

    /**
     * The relative L2 error ({@code LpLoss.rel}, p = 2): per sample {@code ‖ŷ − y‖₂ / ‖y‖₂} over all of the
     * sample's elements (every dimension after the first), then reduced over the samples. Differentiable.
     * @param prediction [B, ...]
     * @param target [B, ...], the same shape
     * @param reduction mean (the reference's default), sum, or none ([B] per-sample errors)
     * @return the reduced loss, or the per-sample errors
     */
    public static Tensor relativeL2(Tensor prediction, Tensor target, F.Reduction reduction) {
        checkShapes("relativeL2", prediction, target);
        int b = target.size(0);
        Tensor diff = prediction.sub(target).reshape(b, -1).norm(2, new int[]{1}, false);
        Tensor norm = target.reshape(b, -1).norm(2, new int[]{1}, false);
        return reduce(diff.div(norm), reduction);
    }

    /** {@link #relativeL2(Tensor, Tensor, F.Reduction)} averaged over the batch. */
    public static Tensor relativeL2(Tensor prediction, Tensor target) { return relativeL2(prediction, target, F.Reduction.MEAN); }

    /**
     * The relative H1 error of §6 ({@code HsLoss(d=2, p=2, k=1)}): the discrete Fourier transform of
     * prediction and target over the last two dimensions, each coefficient weighted by
     * {@code √(1 + kx² + ky²)} with integer wavenumbers in FFT order ({@code k = j} for {@code j < n/2},
     * else {@code j − n}), and the relative L2 error of the weighted spectra per sample. By Parseval this is
     * a relative Sobolev H1 norm of a periodic extension. With {@code maxWavenumber > 0} every
     * {@code |k| ≥ maxWavenumber} counts as 0 in the weight, as MgNO's copy does with 20 (its default);
     * 0 keeps every wavenumber, as FNO's.
     *
     * <p>The transform is two dense matrix products per axis (cosine and sine matrices), an exact DFT in
     * O(n³) per sample instead of an FFT's O(n² log n): small beside a network's cost at the grid sizes
     * these losses see. The FFT normalisation cancels in the ratio. Differentiable.
     * @param prediction [B, ..., H, W]
     * @param target the same shape
     * @param maxWavenumber 0 for all wavenumbers, else the truncation of MgNO's copy (20)
     * @param reduction mean, sum or none
     * @return the reduced loss, or the per-sample errors
     */
    public static Tensor relativeH1(Tensor prediction, Tensor target, int maxWavenumber, F.Reduction reduction) {
        checkShapes("relativeH1", prediction, target);
        if (target.dim() < 3) throw new IllegalArgumentException("relativeH1: needs [B, ..., H, W], got " + target.shape());
        if (maxWavenumber < 0) throw new IllegalArgumentException("relativeH1: maxWavenumber must be 0 (none) or positive, got " + maxWavenumber);
        int h = target.size(-2), w = target.size(-1), b = target.size(0);
        Spectrum s = new Spectrum(h, w, maxWavenumber, target.dtype(), target);
        Tensor diff = s.weightedNormSquared(prediction.sub(target).reshape(b, -1, h, w)).sqrt();
        Tensor norm = s.weightedNormSquared(target.reshape(b, -1, h, w)).sqrt();
        return reduce(diff.div(norm), reduction);
    }

    /** The weighted spectral norm of §6's H1 loss, by cosine and sine matrices. */
    private static final class Spectrum {
        final Tensor cosH, sinH, cosWt, sinWt, weightSquared;

        Spectrum(int h, int w, int maxK, DType dtype, Tensor like) {
            cosH = trig(h, true, dtype, like);
            sinH = trig(h, false, dtype, like);
            cosWt = trig(w, true, dtype, like).transpose(0, 1);
            sinWt = trig(w, false, dtype, like).transpose(0, 1);
            double[] ws = new double[h * w];
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++) {
                    double kx = wavenumber(i, h, maxK), ky = wavenumber(j, w, maxK);
                    ws[i * w + j] = 1 + kx * kx + ky * ky;
                }
            weightSquared = Tensor.of(ws, h, w).to(dtype).to(like.device());
        }

        /** [B, C, H, W] to [B]: {@code Σ (1 + |k|²) |ẑ_k|²} over channels and wavenumbers. */
        Tensor weightedNormSquared(Tensor z) {
            Tensor zc = z.matmul(cosWt), zs = z.matmul(sinWt);
            Tensor re = cosH.matmul(zc).sub(sinH.matmul(zs));
            Tensor im = sinH.matmul(zc).add(cosH.matmul(zs));
            return re.square().add(im.square()).mul(weightSquared).sum(new int[]{1, 2, 3}, false);
        }

        static Tensor trig(int n, boolean cos, DType dtype, Tensor like) {
            double[] m = new double[n * n];
            for (int k = 0; k < n; k++)
                for (int j = 0; j < n; j++) {
                    double angle = 2 * Math.PI * ((long) k * j % n) / n;      // reduced mod n: exact angles for large k·j
                    m[k * n + j] = cos ? Math.cos(angle) : Math.sin(angle);
                }
            return Tensor.of(m, n, n).to(dtype).to(like.device());
        }
    }

    /**
     * The integer wavenumber of FFT bin {@code j} of {@code n} as the reference's loss builds it
     * ({@code j} below {@code n/2} rounded down, else {@code j − n}), in absolute value, 0 when it reaches
     * {@code maxK > 0}.
     */
    static int wavenumber(int j, int n, int maxK) {
        int k = Math.abs(j < n / 2 ? j : j - n);
        return maxK > 0 && k >= maxK ? 0 : k;
    }

    private static Tensor reduce(Tensor perSample, F.Reduction reduction) {
        return switch (reduction) {
            case NONE -> perSample;
            case MEAN -> perSample.mean();
            case SUM -> perSample.sum();
        };
    }

    private static void checkShapes(String op, Tensor prediction, Tensor target) {
        if (!prediction.shape().equals(target.shape()))
            throw new IllegalArgumentException(op + ": prediction " + prediction.shape() + " and target " + target.shape() + " differ in shape");
        if (target.dim() < 1 || target.size(0) == 0) throw new IllegalArgumentException(op + ": needs a batch dimension with samples, got " + target.shape());
    }
}
