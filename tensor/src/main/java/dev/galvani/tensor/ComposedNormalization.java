package dev.galvani.tensor;

/**
 * Batch normalisation from element-wise operations and reductions, for a device without
 * {@code NormalizationKernels}, and the form autograd differentiates when a backward pass is itself
 * recorded. x is [N, C, S]; statistics are per channel over N and S (Ioffe &amp; Szegedy 2015, Alg. 1,
 * biased variance).
 */
final class ComposedNormalization {

    private ComposedNormalization() {}

    /** {mean, 1/sqrt(var + eps)} [C] of x [N, C, S], the variance biased. Not recorded. */
    static Tensor[] batchStatistics(Tensor x, double eps) {
        try (var _ = GradMode.disable()) {
            return statistics(x, eps);
        }
    }

    /** The statistics as recorded operations of x (for the differentiable form). */
    static Tensor[] statistics(Tensor x, double eps) {
        int[] dims = {0, 2};
        Tensor mean = x.mean(dims, false);
        Tensor centered = x.sub(mean.view(1, -1, 1));
        Tensor var = centered.square().mean(dims, false);
        return new Tensor[]{mean, var.add(eps).rsqrt()};
    }

    /** (x - mean) invstd w + b per channel; w, b may be null. Recorded when grad mode is on. */
    static Tensor normalize(Tensor x, Tensor w, Tensor b, Tensor mean, Tensor invstd) {
        Tensor y = x.sub(mean.view(1, -1, 1)).mul(invstd.view(1, -1, 1));
        if (w != null) y = y.mul(w.view(1, -1, 1));
        if (b != null) y = y.add(b.view(1, -1, 1));
        return y;
    }

    /**
     * {gradIn, gradWeight, gradBias} (entries null where not asked for) of g [N, C, S]: with batch
     * statistics gradIn = w invstd (g - mean(g) - xhat mean(g xhat)), else g w invstd;
     * gradWeight = sum(g xhat), gradBias = sum(g). Not recorded.
     */
    static Tensor[] backward(Tensor g, Tensor x, Tensor w, Tensor mean, Tensor invstd, boolean batchStats,
                             boolean needInput, boolean needWeight, boolean needBias) {
        try (var _ = GradMode.disable()) {
            int[] dims = {0, 2};
            Tensor inv = invstd.view(1, -1, 1);
            Tensor xhat = x.sub(mean.view(1, -1, 1)).mul(inv);
            Tensor gb = g.sum(dims, false), gw = g.mul(xhat).sum(dims, false);
            Tensor gi = null;
            if (needInput) {
                Tensor scale = w == null ? inv : inv.mul(w.view(1, -1, 1));
                if (batchStats) {
                    double m = (double) x.size(0) * x.size(2);
                    gi = g.sub(gb.div(m).view(1, -1, 1)).sub(xhat.mul(gw.div(m).view(1, -1, 1))).mul(scale);
                } else {
                    gi = g.mul(scale);
                }
            }
            return new Tensor[]{gi, needWeight ? gw : null, needBias ? gb : null};
        }
    }
}
