package dev.galvani.optim;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient clipping between backward and the optimizer step, as PyTorch's
 * {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}. Parameters without a
 * gradient are skipped; the gradients are changed in place.
 */
public final class GradClip {

    private GradClip() {}

    /** {@link #clipGradNorm(Iterable, double, double, boolean)} with the 2-norm. */
    public static Tensor clipGradNorm(Iterable<Parameter> params, double maxNorm) { return clipGradNorm(params, maxNorm, 2, false); }

    /** {@link #clipGradNorm(Iterable, double, double, boolean)} that scales by a non-finite norm instead of failing. */
    public static Tensor clipGradNorm(Iterable<Parameter> params, double maxNorm, double normType) {
        return clipGradNorm(params, maxNorm, normType, false);
    }

    /**
     * Scales all gradients together so that their total norm is at most {@code maxNorm}, and
     * returns the total norm before clipping. The total norm is the {@code normType}-norm of the
     * per-parameter norms (the norm of all gradients concatenated; {@code Double.POSITIVE_INFINITY}
     * for the largest magnitude). The scale is PyTorch's: min(1, maxNorm / (total + 1e-6)), the
     * 1e-6 keeping it finite when every gradient is zero.
     *
     * <p>The norm and the scale are computed on the gradients' device and the gradients are scaled
     * by a 0-d tensor: nothing waits for the device, as in PyTorch, unless
     * {@code errorIfNonfinite} asks to look at the norm (or the caller reads the returned tensor).
     *
     * @param errorIfNonfinite throw if the total norm is NaN or infinite, instead of scaling by it
     * @return the total norm, a 0-d tensor on the gradients' device
     */
    public static Tensor clipGradNorm(Iterable<Parameter> params, double maxNorm, double normType, boolean errorIfNonfinite) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("clipGradNorm: maxNorm must be >= 0, got " + maxNorm);
        List<Tensor> grads = gradients(params);
        if (grads.isEmpty()) return Tensor.scalar(0);
        try (var _ = GradMode.disable()) {
            List<Tensor> norms = new ArrayList<>(grads.size());
            for (Tensor g : grads) norms.add(g.norm(normType).to(DType.F64));
            Tensor total = Tensor.stack(norms, 0).norm(normType);
            if (errorIfNonfinite && !Double.isFinite(total.itemDouble()))
                throw new IllegalStateException("clipGradNorm: the total norm of order " + normType + " of the gradients is " + total.itemDouble()
                        + ", so they cannot be clipped; pass errorIfNonfinite=false to scale by it anyway");
            Tensor scale = total.add(1e-6).rdiv(maxNorm).clampMax(1.0);    // NaN stays NaN, as in PyTorch
            for (Tensor g : grads) g.mulInPlace(scale.to(g.dtype()));
            return total;
        }
    }

    /** Clamps every gradient element into [-clipValue, clipValue]. */
    public static void clipGradValue(Iterable<Parameter> params, double clipValue) {
        if (!(clipValue >= 0)) throw new IllegalArgumentException("clipGradValue: clipValue must be >= 0, got " + clipValue);
        try (var _ = GradMode.disable()) {
            for (Tensor g : gradients(params)) g.copyFrom(g.clamp(-clipValue, clipValue));
        }
    }

    private static List<Tensor> gradients(Iterable<Parameter> params) {
        List<Tensor> grads = new ArrayList<>();
        for (Parameter p : params) if (p.grad() != null) grads.add(p.grad());
        return grads;
    }
}
