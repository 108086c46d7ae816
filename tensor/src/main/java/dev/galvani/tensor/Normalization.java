package dev.galvani.tensor;

/**
 * Batch normalisation as one fused backend operation (forward and backward), because composed from
 * element-wise operations it costs several passes over the activations each way.
 *
 * <p>Autograd: records "batchNorm" with inputs (x, weight, bias) — weight and bias may be null —
 * and arguments (mean [C], invstd [C], Boolean batchStats); the rule calls {@link #batchNormBackward}.
 */
public final class Normalization {

    private Normalization() {}

    /** The normalised output and the statistics used: per-channel mean and 1/sqrt(var + eps) (biased variance). */
    public record BatchNormResult(Tensor output, Tensor mean, Tensor invstd) {}

    /**
     * Normalises x [N, C, ...] per channel. With {@code batchStats} the batch's mean and biased variance
     * are used (training); otherwise {@code runningMean} and {@code runningVar} (evaluation).
     * {@code weight}/{@code bias} [C] may be null.
     */
    public static BatchNormResult batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar, boolean batchStats, double eps) {
        String op = "batchNorm";
        if (x.dim() < 2) throw new IllegalArgumentException(op + ": expects [N, C, ...], got " + x.shape());
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException(op + ": needs a floating-point input, got " + x.dtype());
        int n = x.size(0), c = x.size(1), s = (int) (x.numel() / Math.max(1, (long) n * c));
        checkChannelVector(op, "weight", weight, c, x);
        checkChannelVector(op, "bias", bias, c, x);
        if (!batchStats) {
            if (runningMean == null || runningVar == null)
                throw new IllegalArgumentException(op + ": running statistics are needed when not using batch statistics");
            checkChannelVector(op, "running mean", runningMean, c, x);
            checkChannelVector(op, "running var", runningVar, c, x);
        } else if ((long) n * s <= 1) {
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when using batch statistics, got input " + x.shape());
        }
        Tensor mean, invstd, out = Creation.empty(x.dtype(), x.device(), x.shape.raw());
        Tensor w = weight == null ? null : weight.detach().to(x.dtype()), b = bias == null ? null : bias.detach().to(x.dtype());
        try (var _ = GradMode.disable()) {
            if (batchStats) {
                mean = Creation.empty(x.dtype(), x.device(), c);
                invstd = Creation.empty(x.dtype(), x.device(), c);
            } else {
                mean = runningMean.to(x.dtype()).detach();
                invstd = runningVar.to(x.dtype()).add(eps).rsqrt().detach();
            }
            if (x.numel() > 0)
                Backends.of(op, x, mean).batchNormForward(x.detach().contiguous().view(n, c, s), w, b, mean, invstd, out.view(n, c, s), batchStats, eps);
        }
        Tape.record(op, out, new Tensor[]{x, weight, bias}, mean, invstd, batchStats);
        return new BatchNormResult(out, mean, invstd);
    }

    /**
     * The gradients of {@link #batchNorm} with respect to (x, weight, bias); an entry is null when its
     * flag is false (or the weight is null).
     */
    public static Tensor[] batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor invstd, boolean batchStats,
                                             boolean needInput, boolean needWeight, boolean needBias) {
        int n = x.size(0), c = x.size(1), s = (int) (x.numel() / Math.max(1, (long) n * c));
        Tensor gi = needInput ? Creation.empty(x.dtype(), x.device(), x.shape.raw()) : null;
        Tensor gw = needWeight && weight != null ? Creation.empty(x.dtype(), x.device(), c) : null;
        Tensor gb = needBias ? Creation.empty(x.dtype(), x.device(), c) : null;
        if (x.numel() > 0)
            Backends.of("batchNormBackward", gradOut, x).batchNormBackward(gradOut.to(x.dtype()).contiguous().view(n, c, s), x.detach().contiguous().view(n, c, s),
                    weight == null ? null : weight.detach().to(x.dtype()), mean, invstd, gi == null ? null : gi.view(n, c, s), gw, gb, batchStats);
        return new Tensor[]{gi, gw == null ? null : gw.to(weight.dtype()), gb};
    }

    private static void checkChannelVector(String op, String what, Tensor t, int c, Tensor x) {
        if (t != null && (t.dim() != 1 || t.size(0) != c))
            throw new IllegalArgumentException(op + ": " + what + " " + t.shape() + " must have one value per channel (" + c + ") of input " + x.shape());
        if (t != null && !t.device().equals(x.device()))
            throw new IllegalArgumentException(op + ": " + what + " is on " + t.device() + " but the input is on " + x.device());
    }
}
