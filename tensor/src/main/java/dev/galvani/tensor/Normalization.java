package dev.galvani.tensor;

import dev.galvani.tensor.backend.NormalizationKernels;

/**
 * Batch normalisation as one fused operation each way (the device's {@link NormalizationKernels}),
 * because composed from element-wise operations it costs several passes over the activations; a
 * device without that family runs the composed form ({@code ComposedNormalization}).
 *
 * <p>Autograd: records {@link Ops.BatchNorm} (the statistics used, whether they were the batch's,
 * eps) with inputs (x, weight, bias), weight and bias possibly null; the rule calls
 * {@link #batchNormBackward}, or differentiates the composed form when the backward pass itself is
 * recorded.
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
        Tensor mean, invstd, out;
        Tensor w = weight == null ? null : weight.detach().to(x.dtype()), b = bias == null ? null : bias.detach().to(x.dtype());
        Backends.of(op, x, weight, bias);
        var kernels = Backends.kernels(x.device(), NormalizationKernels.class);
        try (var _ = GradMode.disable()) {
            Tensor x3 = x.detach().contiguous().view(n, c, s);
            if (batchStats) {
                Tensor[] stats = kernels.isPresent() || x.numel() == 0 ? null : ComposedNormalization.batchStatistics(x3, eps);
                mean = stats != null ? stats[0] : Creation.output(x.numel() > 0, x.dtype(), x.device(), c);
                invstd = stats != null ? stats[1] : Creation.output(x.numel() > 0, x.dtype(), x.device(), c);
            } else {
                mean = runningMean.to(x.dtype()).detach();
                invstd = runningVar.to(x.dtype()).add(eps).rsqrt().detach();
            }
            if (kernels.isEmpty()) {
                out = x.numel() == 0 ? Creation.empty(x.dtype(), x.device(), x.shape.raw()) : ComposedNormalization.normalize(x3, w, b, mean, invstd).view(x.shape.raw());
            } else {
                out = Creation.output(x.numel() > 0, x.dtype(), x.device(), x.shape.raw());
                if (x.numel() > 0)
                    kernels.get().batchNormForward(x3.operand(), operandOf(w), operandOf(b), mean.operand(), invstd.operand(),
                            out.view(n, c, s).operand(), batchStats, eps);
            }
        }
        Tape.record(new Ops.BatchNorm(mean, invstd, batchStats, eps), out, x, weight, bias);
        return new BatchNormResult(out, mean, invstd);
    }

    /**
     * The forward of {@link #batchNorm} composed of recorded element-wise operations and reductions,
     * with the batch statistics recomputed from x when {@code batchStats} (else {@code mean} and
     * {@code invstd} are constants): the form a backward pass that creates a graph differentiates,
     * so that second derivatives see the statistics depend on x.
     */
    public static Tensor batchNormComposed(Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor invstd, boolean batchStats, double eps) {
        int n = x.size(0), c = x.size(1), s = (int) (x.numel() / Math.max(1, (long) n * c));
        Tensor x3 = x.reshape(n, c, s);
        if (batchStats) {
            Tensor[] stats = ComposedNormalization.statistics(x3, eps);
            mean = stats[0];
            invstd = stats[1];
        }
        Tensor w = weight == null ? null : weight.to(x.dtype()), b = bias == null ? null : bias.to(x.dtype());
        return ComposedNormalization.normalize(x3, w, b, mean, invstd).reshape(x.shape.raw());
    }

    /**
     * The gradients of {@link #batchNorm} with respect to (x, weight, bias); an entry is null when its
     * flag is false (or the weight is null).
     */
    public static Tensor[] batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor invstd, boolean batchStats,
                                             boolean needInput, boolean needWeight, boolean needBias) {
        int n = x.size(0), c = x.size(1), s = (int) (x.numel() / Math.max(1, (long) n * c));
        Backends.of("batchNormBackward", gradOut, x);
        var kernels = Backends.kernels(x.device(), NormalizationKernels.class);
        Tensor g3 = gradOut.to(x.dtype()).detach().contiguous().view(n, c, s), x3 = x.detach().contiguous().view(n, c, s);
        Tensor w = weight == null ? null : weight.detach().to(x.dtype());
        if (kernels.isEmpty()) {
            if (x.numel() == 0) return new Tensor[]{needInput ? x.detach().zerosLike() : null, needWeight && weight != null ? weight.detach().zerosLike() : null,
                    needBias ? Creation.empty(x.dtype(), x.device(), c) : null};
            Tensor[] r = ComposedNormalization.backward(g3, x3, w, mean, invstd, batchStats, needInput, needWeight && weight != null, needBias);
            return new Tensor[]{r[0] == null ? null : r[0].view(x.shape.raw()), r[1] == null ? null : r[1].to(weight.dtype()), r[2]};
        }
        boolean work = x.numel() > 0;
        Tensor gi = needInput ? Creation.output(work, x.dtype(), x.device(), x.shape.raw()) : null;
        Tensor gw = needWeight && weight != null ? Creation.output(work, x.dtype(), x.device(), c) : null;
        Tensor gb = needBias ? Creation.output(work, x.dtype(), x.device(), c) : null;
        if (x.numel() > 0)
            kernels.get().batchNormBackward(g3.operand(), x3.operand(), operandOf(w), mean.operand(), invstd.operand(),
                    gi == null ? null : gi.view(n, c, s).operand(), operandOf(gw), operandOf(gb), batchStats);
        return new Tensor[]{gi, gw == null ? null : gw.to(weight.dtype()), gb};
    }

    private static dev.galvani.tensor.backend.Operand operandOf(Tensor t) { return t == null ? null : t.operand(); }

    private static void checkChannelVector(String op, String what, Tensor t, int c, Tensor x) {
        if (t != null && (t.dim() != 1 || t.size(0) != c))
            throw new IllegalArgumentException(op + ": " + what + " " + t.shape() + " must have one value per channel (" + c + ") of input " + x.shape());
        if (t != null && !t.device().equals(x.device()))
            throw new IllegalArgumentException(op + ": " + what + " is on " + t.device() + " but the input is on " + x.device());
    }
}
