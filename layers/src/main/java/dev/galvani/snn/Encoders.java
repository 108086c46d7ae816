package dev.galvani.snn;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * Turn analog inputs into spike sequences [T, ...] (SNN reference §5). The random ones draw from
 * Philox through a {@link Generator}, so every device produces the same spikes.
 */
public final class Encoders {

    private Encoders() {}

    /** The analog input repeated at every step (direct encoding; deep SNNs' usual first layer): a view, no copy. */
    public static Tensor direct(Tensor x, int steps) {
        requireSteps(steps);
        int[] shape = new int[x.dim() + 1];
        shape[0] = steps;
        System.arraycopy(x.shape().dims(), 0, shape, 1, x.dim());
        return x.unsqueeze(0).expand(shape);
    }

    /**
     * Poisson (rate) coding: S[t] = 1[u_t &lt; p], u_t uniform from Philox, independent per element and
     * step; p = x must lie in [0, 1] (scale the input first).
     */
    public static Tensor poisson(Tensor x, int steps, Generator gen) {
        requireSteps(steps);
        Tensor u = Tensor.rand(gen, DType.F64, x.device(), direct(x, steps).shape().dims());
        return u.lt(x.unsqueeze(0).to(DType.F64)).to(x.dtype().isFloatingPoint() ? x.dtype() : DType.F32);
    }

    /**
     * Latency coding, linear mode: one spike per element at t_f = round((T − 1)(1 − p)), so larger
     * inputs fire earlier; p = x in [0, 1] (an input of 0 fires at the last step).
     */
    public static Tensor latency(Tensor x, int steps) {
        requireSteps(steps);
        Tensor fireAt = x.clamp(0, 1).rsub(1.0).mul(steps - 1).round();                   // [...]
        Tensor t = Tensor.arange(0, steps).to(x.device()).to(fireAt.dtype());
        int[] shape = new int[x.dim() + 1];
        java.util.Arrays.fill(shape, 1);
        shape[0] = steps;
        return t.reshape(shape).eq(fireAt.unsqueeze(0)).to(x.dtype().isFloatingPoint() ? x.dtype() : DType.F32);
    }

    /**
     * Latency coding, log (RC) mode: the time the membrane τ dV/dt = −V + p needs to reach θ,
     * t_f = τ ln(p / (p − θ)) for p &gt; θ, no spike otherwise; spikes later than T − 1 are dropped
     * (snnTorch's {@code spikegen.latency} with {@code linear=False}; its threshold 0.01).
     */
    public static Tensor latencyLog(Tensor x, int steps, double tau, double threshold) {
        requireSteps(steps);
        Tensor p = x.to(DType.F64);
        Tensor fireAt = Tensor.where(p.gt(threshold), p.div(p.sub(threshold)).log().mul(tau).round(), (double) steps);   // steps: never
        Tensor t = Tensor.arange(0, steps).to(x.device()).to(DType.F64);
        int[] shape = new int[x.dim() + 1];
        java.util.Arrays.fill(shape, 1);
        shape[0] = steps;
        return t.reshape(shape).eq(fireAt.unsqueeze(0)).to(x.dtype().isFloatingPoint() ? x.dtype() : DType.F32);
    }

    /**
     * Delta coding of a sequence x [T, ...]: +1 where x[t] − x[t−1] ≥ θ, −1 where it is ≤ −θ and
     * {@code offSpikes}, else 0. x[−1] is 0, or x[0] with {@code firstFromInput} (no event at t = 0).
     */
    public static Tensor delta(Tensor x, double threshold, boolean offSpikes, boolean firstFromInput) {
        if (x.dim() < 1) throw new IllegalArgumentException("delta: expects a sequence [T, ...], got " + x.shape());
        if (!(threshold > 0)) throw new IllegalArgumentException("delta: the threshold must be positive, got " + threshold);
        Tensor previous = Tensor.cat(0, (firstFromInput ? x.narrow(0, 0, 1) : x.narrow(0, 0, 1).zerosLike()), x.narrow(0, 0, x.size(0) - 1));
        Tensor d = x.sub(previous);
        Tensor on = d.ge(threshold).to(x.dtype().isFloatingPoint() ? x.dtype() : DType.F32);
        return offSpikes ? on.sub(d.le(-threshold).to(on.dtype())) : on;
    }

    private static void requireSteps(int steps) {
        if (steps < 1) throw new IllegalArgumentException("encoder: the number of steps must be positive, got " + steps);
    }
}
