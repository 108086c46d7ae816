package dev.galvani.nn;

import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Normalization;
import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Softmax;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;

/**
 * The functional forms of the layers and the losses, PyTorch's {@code torch.nn.functional}. Everything
 * here is composed from tensor operations, so it runs on every backend and autograd differentiates it.
 */
public final class F {

    private F() {}

    /** How a loss reduces its per-element values. */
    public enum Reduction {
        /** The per-element losses, unreduced ({@code reduction='none'}). */
        NONE,
        /** Their mean ({@code reduction='mean'}, the default). */
        MEAN,
        /** Their sum ({@code reduction='sum'}). */
        SUM
    }

    // ================================ linear and embedding ================================

    /**
     * {@code x W^T + b}, as {@code F.linear(x, weight, bias)}: x [..., in], weight [out, in], bias [out] or
     * null, into [..., out]; differentiable.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (x.dim() == 0 || x.size(-1) != weight.size(1))
            throw new IllegalArgumentException("linear: input " + x.shape() + " has " + (x.dim() == 0 ? 0 : x.size(-1))
                    + " features but the weight " + weight.shape() + " expects " + weight.size(1));
        Tensor y = x.matmul(weight.T());
        return bias == null ? y : y.add(bias);
    }

    /**
     * Rows of {@code weight} [num, dim] picked by the integer tensor {@code indices}, as
     * {@code F.embedding(indices, weight)}: shape indices.shape + [dim]; differentiable in the weight.
     */
    public static Tensor embedding(Tensor indices, Tensor weight) {
        int[] shape = Arrays.copyOf(indices.shape().dims(), indices.dim() + 1);
        shape[indices.dim()] = weight.size(1);
        return weight.indexSelect(0, indices.reshape(-1)).reshape(shape);
    }

    // ================================ convolution and pooling ================================

    /**
     * 1-D convolution of [N, C, L] by [O, C/groups, K], bias [O] or null, as
     * {@code F.conv1d(x, weight, bias, stride, padding, dilation, groups)}; differentiable.
     */
    public static Tensor conv1d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return Convolution.conv1d(x, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * 2-D convolution of [N, C, H, W] by [O, C/groups, kH, kW], bias [O] or null, as
     * {@code F.conv2d(x, weight, bias, stride, padding, dilation, groups)}; differentiable.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation, int groups) {
        return Convolution.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * Max pooling of [N, C, L], as {@code F.max_pool1d(x, kernel, stride, padding)} (dilation 1, no ceil
     * mode); differentiable.
     */
    public static Tensor maxPool1d(Tensor x, int kernel, int stride, int padding) { return Pooling.maxPool1d(x, kernel, stride, padding, 1, false); }

    /**
     * Max pooling of [N, C, H, W] with a square kernel, as {@code F.max_pool2d(x, kernel, stride, padding)}
     * (dilation 1, no ceil mode); differentiable.
     */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding) { return Pooling.maxPool2d(x, kernel, stride, padding); }

    /**
     * Average pooling of [N, C, L], as {@code F.avg_pool1d(x, kernel, stride, padding)} (padding counted in
     * the divisor, no ceil mode); differentiable.
     */
    public static Tensor avgPool1d(Tensor x, int kernel, int stride, int padding) { return Pooling.avgPool1d(x, kernel, stride, padding, false, true); }

    /**
     * Average pooling of [N, C, H, W] with a square kernel, as
     * {@code F.avg_pool2d(x, kernel, stride, padding)} (padding counted in the divisor, no ceil mode);
     * differentiable.
     */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) { return Pooling.avgPool2d(x, kernel, stride, padding); }

    /**
     * Adaptive average pooling of [N, C, H, W] to [N, C, outH, outW]: output cell (i, j) averages
     * rows floor(i H / outH) .. ceil((i + 1) H / outH) - 1 and the same for columns (PyTorch's windows).
     * Evenly divisible sizes become one average pooling.
     */
    public static Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        if (x.dim() != 4) throw new IllegalArgumentException("adaptiveAvgPool2d: expects [N, C, H, W], got " + x.shape());
        int h = x.size(2), w = x.size(3);
        if (outH <= 0 || outW <= 0) throw new IllegalArgumentException("adaptiveAvgPool2d: output size must be positive, got " + outH + " x " + outW);
        if (outH == 1 && outW == 1) return x.mean(new int[]{2, 3}, true);
        if (h % outH == 0 && w % outW == 0)
            return Pooling.avgPool2d(x, h / outH, w / outW, h / outH, w / outW, 0, 0, false, true);
        java.util.List<Tensor> rows = new java.util.ArrayList<>();
        for (int i = 0; i < outH; i++) {
            int r0 = Math.floorDiv(i * h, outH), r1 = Math.ceilDiv((i + 1) * h, outH);
            java.util.List<Tensor> cells = new java.util.ArrayList<>();
            for (int j = 0; j < outW; j++) {
                int c0 = Math.floorDiv(j * w, outW), c1 = Math.ceilDiv((j + 1) * w, outW);
                cells.add(x.narrow(2, r0, r1 - r0).narrow(3, c0, c1 - c0).mean(new int[]{2, 3}, false));
            }
            rows.add(Tensor.stack(cells, -1));
        }
        return Tensor.stack(rows, -2);
    }

    // ================================ activations ================================

    /** {@code max(x, 0)} element-wise, as {@code F.relu(x)}: {@link Tensor#relu()}. */
    public static Tensor relu(Tensor x) { return x.relu(); }

    /** GELU (the exact erf form) element-wise, as {@code F.gelu(x)}: {@link Tensor#gelu()}. */
    public static Tensor gelu(Tensor x) { return x.gelu(); }

    /** {@code x * sigmoid(x)} element-wise, as {@code F.silu(x)}: {@link Tensor#silu()}. */
    public static Tensor silu(Tensor x) { return x.silu(); }

    /** {@code 1 / (1 + e^-x)} element-wise, as {@code torch.sigmoid(x)}: {@link Tensor#sigmoid()}. */
    public static Tensor sigmoid(Tensor x) { return x.sigmoid(); }

    /** The hyperbolic tangent element-wise, as {@code torch.tanh(x)}: {@link Tensor#tanh()}. */
    public static Tensor tanh(Tensor x) { return x.tanh(); }

    /** {@code log(1 + e^x)} element-wise, as {@code F.softplus(x)}: {@link Tensor#softplus()}. */
    public static Tensor softplus(Tensor x) { return x.softplus(); }

    /** max(0, x) + slope * min(0, x). */
    public static Tensor leakyRelu(Tensor x, double negativeSlope) { return Tensor.where(x.gt(0L), x, x.mul(negativeSlope)); }

    /**
     * x for x &gt; 0, alpha (e^x - 1) otherwise (Clevert et al. 2016). As in PyTorch, the gradient
     * at 0 is alpha (the branch for x &lt;= 0) and at NaN 1.
     */
    public static Tensor elu(Tensor x, double alpha) { return Tensor.where(x.le(0L), x.clampMax(0).expm1().mul(alpha), x); }

    /**
     * {@code exp(x - max) / sum} along {@code dim}, as {@code F.softmax(x, dim)}; differentiable. One
     * kernel where the device has {@code SoftmaxKernels}, else composed ({@link Softmax#softmax}).
     */
    public static Tensor softmax(Tensor x, int dim) { return Softmax.softmax(x, dim); }

    /**
     * {@code (x - max) - log(sum(exp(x - max)))} along {@code dim}, the log of softmax without its
     * overflow, as {@code F.log_softmax(x, dim)}; differentiable. One kernel where the device has
     * {@code SoftmaxKernels}, else composed ({@link Softmax#logSoftmax}).
     */
    public static Tensor logSoftmax(Tensor x, int dim) { return Softmax.logSoftmax(x, dim); }

    // ================================ regularisation and normalisation ================================

    /**
     * Zeroes each element with probability p and scales the rest by 1/(1-p) in training
     * (Srivastava et al. 2014, inverted dropout); the identity in evaluation.
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Generator gen) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("dropout: probability must be in [0, 1], got " + p);
        if (!training || p == 0) return x;
        if (p == 1) return x.mul(0.0);
        Tensor keep;
        try (var _ = GradMode.disable()) {        // the mask is drawn on x's device, in x's dtype: one kernel, no copy
            keep = Tensor.bernoulli(gen, 1 - p, x.dtype(), x.device(), x.shape().dims()).div(1 - p);
        }
        return x.mul(keep);
    }

    /**
     * Batch normalisation (Ioffe &amp; Szegedy 2015) over dim 1 of [N, C, ...], one fused operation. In
     * training the batch statistics normalise (biased variance) and the running ones are updated in
     * place with the unbiased variance: running = (1 - momentum) running + momentum stat. In
     * evaluation the running statistics normalise. {@code runningMean}/{@code runningVar} may be null
     * (no tracking: batch statistics always).
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, double momentum, double eps) {
        boolean batchStats = training || runningMean == null;
        Normalization.BatchNormResult r = Normalization.batchNorm(x, weight, bias, runningMean, runningVar, batchStats, eps);
        if (training && runningMean != null) {
            long n = x.numel() / Math.max(1, x.size(1));
            try (var _ = GradMode.disable()) {
                // biased variance = 1/invstd^2 - eps, made unbiased with n / (n - 1) (Bessel)
                Tensor var = r.invstd().square().reciprocal().sub(eps).mul((double) n / Math.max(1, n - 1));
                runningMean.mulInPlace(1 - momentum).addInPlace(r.mean().to(runningMean.dtype()), momentum);
                runningVar.mulInPlace(1 - momentum).addInPlace(var.to(runningVar.dtype()), momentum);
            }
        }
        return r.output();
    }

    /** Layer normalisation (Ba et al. 2016) over the trailing dims {@code normalizedShape}. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int k = normalizedShape.length;
        int[] tail = Arrays.copyOfRange(x.shape().dims(), Math.max(0, x.dim() - k), x.dim());
        if (x.dim() < k || !Arrays.equals(tail, normalizedShape))
            throw new IllegalArgumentException("layerNorm: input " + x.shape() + " does not end with the normalized shape " + Arrays.toString(normalizedShape));
        int[] dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = x.dim() - k + i;
        Tensor mean = x.mean(dims, true);
        Tensor centered = x.sub(mean);
        Tensor y = centered.mul(centered.square().mean(dims, true).add(eps).rsqrt());
        if (weight != null) y = y.mul(weight);
        if (bias != null) y = y.add(bias);
        return y;
    }

    /** Group normalisation (Wu &amp; He 2018): channels of [N, C, ...] in {@code groups} groups, per-channel affine. */
    public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
        if (x.dim() < 2 || x.size(1) % groups != 0)
            throw new IllegalArgumentException("groupNorm: " + groups + " groups do not divide the " + (x.dim() < 2 ? "missing" : x.size(1)) + " channels of input " + x.shape());
        int n = x.size(0), c = x.size(1);
        Tensor g = x.reshape(n, groups, -1);
        Tensor mean = g.mean(2, true);
        Tensor centered = g.sub(mean);
        Tensor y = centered.mul(centered.square().mean(2, true).add(eps).rsqrt()).reshape(x.shape().dims());
        int[] affine = new int[x.dim()];
        Arrays.fill(affine, 1);
        affine[1] = c;
        if (weight != null) y = y.mul(weight.reshape(affine));
        if (bias != null) y = y.add(bias.reshape(affine));
        return y;
    }

    // ================================ losses ================================

    static Tensor reduce(Tensor perElement, Reduction reduction) {
        return switch (reduction) {
            case NONE -> perElement;
            case SUM -> perElement.sum();
            case MEAN -> perElement.mean();
        };
    }

    /**
     * The mean of {@code (input - target)^2}, as {@code F.mse_loss(input, target)}: a 0-d tensor; the shapes
     * must be equal.
     */
    public static Tensor mseLoss(Tensor input, Tensor target) { return mseLoss(input, target, Reduction.MEAN); }

    /**
     * {@code (input - target)^2} per element, reduced by {@code reduction}, as
     * {@code F.mse_loss(input, target, reduction=...)}; the shapes must be equal.
     */
    public static Tensor mseLoss(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("mseLoss", input, target);
        return reduce(input.sub(target).square(), reduction);
    }

    /**
     * The mean of {@code |input - target|}, as {@code F.l1_loss(input, target)}: a 0-d tensor; the shapes
     * must be equal.
     */
    public static Tensor l1Loss(Tensor input, Tensor target) { return l1Loss(input, target, Reduction.MEAN); }

    /**
     * {@code |input - target|} per element, reduced by {@code reduction}, as
     * {@code F.l1_loss(input, target, reduction=...)}; the shapes must be equal.
     */
    public static Tensor l1Loss(Tensor input, Tensor target, Reduction reduction) {
        checkSameShape("l1Loss", input, target);
        return reduce(input.sub(target).abs(), reduction);
    }

    /** Huber-style: 0.5 d^2 / beta where |d| &lt; beta, else |d| - 0.5 beta (PyTorch's smooth_l1_loss). */
    public static Tensor smoothL1Loss(Tensor input, Tensor target, double beta, Reduction reduction) {
        checkSameShape("smoothL1Loss", input, target);
        if (beta < 0) throw new IllegalArgumentException("smoothL1Loss: beta must be non-negative, got " + beta);
        Tensor d = input.sub(target).abs();
        if (beta == 0) return reduce(d, reduction);
        return reduce(Tensor.where(d.lt(beta), d.square().mul(0.5 / beta), d.sub(0.5 * beta)), reduction);
    }

    /**
     * {@link #smoothL1Loss(Tensor, Tensor, double, Reduction)} with beta 1 and the mean, as
     * {@code F.smooth_l1_loss(input, target)}.
     */
    public static Tensor smoothL1Loss(Tensor input, Tensor target) { return smoothL1Loss(input, target, 1.0, Reduction.MEAN); }

    /**
     * Binary cross-entropy on logits, stable for large |x|:
     * loss = (1 - y) x + (1 + (posWeight - 1) y) (log1p(e^-|x|) + max(-x, 0)).
     * {@code weight} (per element, broadcast) and {@code posWeight} (per class, broadcast over the last dim) may be null.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target, Tensor weight, Tensor posWeight, Reduction reduction) {
        checkSameShape("binaryCrossEntropyWithLogits", logits, target);
        Tensor logSigmoidNeg = logits.abs().neg().exp().log1p().add(logits.neg().clampMin(0));   // -log sigmoid(x)
        Tensor coefficient = posWeight == null ? null : posWeight.sub(1.0).mul(target).add(1.0);
        Tensor loss = target.rsub(1.0).mul(logits).add(coefficient == null ? logSigmoidNeg : coefficient.mul(logSigmoidNeg));
        if (weight != null) loss = loss.mul(weight);
        return reduce(loss, reduction);
    }

    /**
     * The mean binary cross-entropy of {@code logits} against {@code target} probabilities of the same shape,
     * without weights, as {@code F.binary_cross_entropy_with_logits(logits, target)}.
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        return binaryCrossEntropyWithLogits(logits, target, null, null, Reduction.MEAN);
    }

    /** Options of {@link #crossEntropy(Tensor, Tensor, CrossEntropy)} and {@link #nllLoss}; defaults as in PyTorch. */
    public record CrossEntropy(Tensor weight, int ignoreIndex, Reduction reduction, double labelSmoothing) {
        /** PyTorch's defaults: no class weights, ignore index -100, the mean, no label smoothing. */
        public static final CrossEntropy DEFAULT = new CrossEntropy(null, -100, Reduction.MEAN, 0.0);

        /** Checks that the label smoothing lies in [0, 1] and the reduction is not null. */
        public CrossEntropy {
            if (labelSmoothing < 0 || labelSmoothing > 1)
                throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
            if (reduction == null) throw new IllegalArgumentException("crossEntropy: reduction is null");
        }

        /** These options with per-class weights {@code w} [C] (null for none), PyTorch's {@code weight=}. */
        public CrossEntropy withWeight(Tensor w) { return new CrossEntropy(w, ignoreIndex, reduction, labelSmoothing); }
        /**
         * These options with target class {@code i} ignored (it adds 0 and does not count in the mean),
         * PyTorch's {@code ignore_index=}.
         */
        public CrossEntropy withIgnoreIndex(int i) { return new CrossEntropy(weight, i, reduction, labelSmoothing); }
        /** These options with reduction {@code r}, PyTorch's {@code reduction=}. */
        public CrossEntropy withReduction(Reduction r) { return new CrossEntropy(weight, ignoreIndex, r, labelSmoothing); }
        /** These options with label smoothing {@code s} in [0, 1], PyTorch's {@code label_smoothing=}. */
        public CrossEntropy withLabelSmoothing(double s) { return new CrossEntropy(weight, ignoreIndex, reduction, s); }
    }

    /** Cross-entropy of logits [N, C] (or [N, C, d1, ...]) against class indices or class probabilities. */
    public static Tensor crossEntropy(Tensor logits, Tensor target) { return crossEntropy(logits, target, CrossEntropy.DEFAULT); }

    /**
     * PyTorch's cross_entropy. With integer targets (class indices, shape [N] or [N, d1, ...]):
     * loss_n = -w[y_n] ((1 - eps) logp[n, y_n] + eps/C sum_c logp[n, c] w_c / w[y_n]), ignored targets give 0,
     * and MEAN divides by the sum of w[y_n] over the targets not ignored. With floating targets
     * (probabilities, the logits' shape): loss_n = -sum_c w_c q[n, c] logp[n, c] with
     * q = (1 - eps) p + eps / C, and MEAN divides by N.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, CrossEntropy o) {
        if (logits.dim() < 1) throw new IllegalArgumentException("crossEntropy: logits need a class dimension, got " + logits.shape());
        int classDim = logits.dim() == 1 ? 0 : 1;
        int c = logits.size(classDim);
        Tensor logp = logSoftmax(logits, classDim);
        Tensor w = o.weight() == null ? null : classShaped(o.weight(), logits, classDim, c);
        double eps = o.labelSmoothing();
        if (target.dtype().isFloatingPoint()) {
            checkSameShape("crossEntropy", logits, target);
            Tensor q = eps > 0 ? target.mul(1 - eps).add(eps / c) : target;
            Tensor perClass = q.mul(logp);
            if (w != null) perClass = perClass.mul(w);
            Tensor loss = perClass.sum(classDim).neg();
            return switch (o.reduction()) {
                case NONE -> loss;
                case SUM -> loss.sum();
                case MEAN -> loss.sum().div((double) Math.max(1, logits.numel() / c));     // per sample and position, as PyTorch
            };
        }
        checkTargetShape(logits, target, classDim);
        Tensor nll = nllPerElement(logp, target, w, o.ignoreIndex(), classDim, c);     // -w[y] logp[y], 0 where ignored
        Tensor valid = target.ne((long) o.ignoreIndex()).to(logits.dtype());
        Tensor loss = nll.mul(1 - eps);
        if (eps > 0) {
            Tensor smooth = w == null ? logp.sum(classDim).neg() : logp.mul(w).sum(classDim).neg();
            loss = loss.add(smooth.mul(valid).mul(eps / c));
        }
        return switch (o.reduction()) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.sum().div(targetWeight(target, w, valid, classDim, c));
        };
    }

    /** Negative log-likelihood of log-probabilities [N, C, ...] at integer targets. */
    public static Tensor nllLoss(Tensor logProbabilities, Tensor target, CrossEntropy o) {
        int classDim = logProbabilities.dim() == 1 ? 0 : 1;
        int c = logProbabilities.size(classDim);
        if (target.dtype().isFloatingPoint()) throw new IllegalArgumentException("nllLoss: target must hold class indices (an integer tensor), got " + target.dtype());
        checkTargetShape(logProbabilities, target, classDim);
        Tensor w = o.weight() == null ? null : classShaped(o.weight(), logProbabilities, classDim, c);
        Tensor loss = nllPerElement(logProbabilities, target, w, o.ignoreIndex(), classDim, c);
        Tensor valid = target.ne((long) o.ignoreIndex()).to(logProbabilities.dtype());
        return switch (o.reduction()) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.sum().div(targetWeight(target, w, valid, classDim, c));
        };
    }

    /**
     * {@link #nllLoss(Tensor, Tensor, CrossEntropy)} with PyTorch's defaults (no weights, ignore index -100,
     * mean), as {@code F.nll_loss(logp, target)}.
     */
    public static Tensor nllLoss(Tensor logProbabilities, Tensor target) { return nllLoss(logProbabilities, target, CrossEntropy.DEFAULT); }

    /** -w[y] logp[y] per target element (0 where the target is ignored). */
    private static Tensor nllPerElement(Tensor logp, Tensor target, Tensor w, int ignoreIndex, int classDim, int c) {
        Tensor valid = target.ne((long) ignoreIndex);
        Tensor safe = Tensor.where(valid, target, 0L).to(DType.I64);
        Tensor picked;
        try {       // the gather kernel checks each class against [0, c): reading the targets here would wait for the device
            picked = logp.gather(classDim, safe.unsqueeze(classDim)).squeeze(classDim);
        } catch (IndexOutOfBoundsException e) {
            throw new IndexOutOfBoundsException("crossEntropy: every target class must lie in [0, " + c + ") (or be the ignore index " + ignoreIndex
                    + "): " + e.getMessage());
        }
        if (w != null) picked = picked.mul(w.flatten().gather(0, safe.reshape(-1)).reshape(safe.shape().dims()));
        return Tensor.where(valid, picked.neg(), 0.0);
    }

    /** The MEAN denominator: the summed class weights of the targets that are not ignored (their count without weights). */
    private static Tensor targetWeight(Tensor target, Tensor w, Tensor valid, int classDim, int c) {
        if (w == null) return valid.sum();
        Tensor safe = Tensor.where(valid.ne(0L), target, 0L).to(DType.I64);
        return w.flatten().gather(0, safe.reshape(-1)).reshape(safe.shape().dims()).mul(valid).sum();
    }

    private static Tensor classShaped(Tensor weight, Tensor logits, int classDim, int c) {
        if (weight.dim() != 1 || weight.size(0) != c)
            throw new IllegalArgumentException("crossEntropy: class weights " + weight.shape() + " must have one entry per class (" + c + ")");
        int[] shape = new int[logits.dim()];
        Arrays.fill(shape, 1);
        shape[classDim] = c;
        return weight.to(logits.dtype()).reshape(shape);
    }

    private static void checkTargetShape(Tensor logits, Tensor target, int classDim) {
        int[] expected = logits.shape().dims();
        int[] want = new int[expected.length - 1];
        for (int i = 0, k = 0; i < expected.length; i++) if (i != classDim) want[k++] = expected[i];
        if (!Arrays.equals(want, target.shape().dims()))
            throw new IllegalArgumentException("crossEntropy: logits " + logits.shape() + " need class-index targets of shape " + Arrays.toString(want)
                    + ", got " + target.shape());
        if (!target.dtype().isIntegral()) throw new IllegalArgumentException("crossEntropy: class-index targets must be integers, got " + target.dtype());
    }

    private static void checkSameShape(String op, Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape()))
            throw new IllegalArgumentException(op + ": input " + a.shape() + " and target " + b.shape() + " must have the same shape");
    }
}
