package dev.galvani.nn;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;

/**
 * Batch normalisation over the channel dim of [N, C] / [N, C, L] (BatchNorm1d) or [N, C, H, W]
 * (BatchNorm2d): learnable affine, running statistics with momentum (PyTorch's defaults eps 1e-5,
 * momentum 0.1; momentum null means the cumulative average), batch statistics in training mode.
 */
public class BatchNorm extends Module {

    /** The number of channels C. */
    public final int numFeatures;
    /** The value added to the variance for numerical stability. */
    public final double eps;
    /** The running statistics' momentum, or null for the cumulative average. */
    public final Double momentum;
    /** The per-channel scale and shift [C] (ones and zeros at first; null without affine). */
    public final Parameter weight, bias;
    private final int expectedRankLow, expectedRankHigh;
    /**
     * num_batches_tracked as a Java number: counting on the device and reading the count back for
     * the cumulative average would wait for the device every step. The buffer is written with a
     * fill (no read); it is read again only when something else wrote it (a loaded checkpoint, a move).
     */
    private long batchesTracked;
    private dev.galvani.tensor.backend.Storage countStorage;
    private int countVersion = -1;

    BatchNorm(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats, int rankLow, int rankHigh) {
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.expectedRankLow = rankLow;
        this.expectedRankHigh = rankHigh;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        if (trackRunningStats) {
            registerBuffer("running_mean", Tensor.zeros(numFeatures));
            registerBuffer("running_var", Tensor.ones(numFeatures));
            registerBuffer("num_batches_tracked", Tensor.zeros(DType.I64));
        }
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() < expectedRankLow || x.dim() > expectedRankHigh || x.size(1) != numFeatures)
            throw new IllegalArgumentException(getClass().getSimpleName() + "(" + numFeatures + "): expected input of rank " + expectedRankLow
                    + (expectedRankHigh != expectedRankLow ? " or " + expectedRankHigh : "") + " with " + numFeatures + " channels, got " + x.shape());
        boolean tracking = namedBuffers().containsKey("running_mean");
        double m = momentum == null ? 0 : momentum;
        if (isTraining() && tracking) {
            Tensor count = buffer("num_batches_tracked");
            if (count.storage() != countStorage || count.storage().version() != countVersion) batchesTracked = count.itemLong();
            batchesTracked++;
            try (var _ = dev.galvani.tensor.GradMode.disable()) {
                count.fill(batchesTracked);
            }
            countStorage = count.storage();
            countVersion = count.storage().version();
            if (momentum == null) m = 1.0 / batchesTracked;        // cumulative moving average
        }
        return F.batchNorm(x, tracking ? buffer("running_mean") : null, tracking ? buffer("running_var") : null,
                weight == null ? null : weight.value(), bias == null ? null : bias.value(), isTraining() || !tracking, m, eps);
    }

    @Override protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + (weight != null ? "True" : "False")
                + ", track_running_stats=" + (namedBuffers().containsKey("running_mean") ? "True" : "False");
    }

    /** Over [N, C] or [N, C, L]. */
    public static final class BatchNorm1d extends BatchNorm {
        /**
         * Batch normalisation with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, running statistics),
         * as {@code nn.BatchNorm1d(C)}.
         */
        public BatchNorm1d(int numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

        /**
         * As {@code nn.BatchNorm1d(C, eps, momentum, affine, track_running_stats)}; a null momentum is the
         * cumulative average.
         */
        public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
            super(numFeatures, eps, momentum, affine, trackRunningStats, 2, 3);
        }
    }

    /** Over [N, C, H, W]. */
    public static final class BatchNorm2d extends BatchNorm {
        /**
         * Batch normalisation with PyTorch's defaults (eps 1e-5, momentum 0.1, affine, running statistics),
         * as {@code nn.BatchNorm2d(C)}.
         */
        public BatchNorm2d(int numFeatures) { this(numFeatures, 1e-5, 0.1, true, true); }

        /**
         * As {@code nn.BatchNorm2d(C, eps, momentum, affine, track_running_stats)}; a null momentum is the
         * cumulative average.
         */
        public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
            super(numFeatures, eps, momentum, affine, trackRunningStats, 4, 4);
        }
    }
}
