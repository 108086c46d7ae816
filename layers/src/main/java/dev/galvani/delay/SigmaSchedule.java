package dev.galvani.delay;

import dev.galvani.autograd.Autograd;
import java.util.List;

/**
 * SNN-delays' σ schedule (DCLS reference §6): after each epoch before {@code finalEpoch}, every
 * layer's σ is multiplied by {@code α = (0.23 / σ₀)^(1 / finalEpoch)} while it is above 0.23, so it
 * falls geometrically from σ₀ (= ⌊D/2⌋) to 0.23 (effective width 0.5) and stays there. SHD:
 * σ₀ = 12, 150 epochs, {@code finalEpoch = 150 / 4 = 37}, α = 0.898633.
 */
public final class SigmaSchedule {

    /** The floor: with the gauss offset 0.27, an effective width of 0.5. */
    public static final double FLOOR = 0.23;

    private final List<DelayedLinear> layers;
    private final double alpha;
    private final int finalEpoch;
    private double sigma;

    /**
     * A schedule that starts at σ₀ and shrinks the σ of the given layers.
     *
     * @param layers       the layers whose σ it sets
     * @param initialSigma σ₀, positive
     * @param finalEpoch   the epoch count over which σ shrinks (SNN-delays: epochs / 4)
     * @throws IllegalArgumentException if σ₀ is not positive or finalEpoch is negative
     */
    public SigmaSchedule(List<DelayedLinear> layers, double initialSigma, int finalEpoch) {
        if (!(initialSigma > 0)) throw new IllegalArgumentException("SigmaSchedule: the initial sigma must be positive, got " + initialSigma);
        if (finalEpoch < 0) throw new IllegalArgumentException("SigmaSchedule: finalEpoch must be non-negative, got " + finalEpoch);
        this.layers = List.copyOf(layers);
        this.finalEpoch = finalEpoch;
        this.alpha = finalEpoch == 0 ? 1 : Math.pow(FLOOR / initialSigma, 1.0 / finalEpoch);
        this.sigma = initialSigma;
    }

    /** The factor σ is multiplied by each epoch. */
    public double alpha() { return alpha; }

    /** σ now. */
    public double sigma() { return sigma; }

    /** Call after epoch {@code epoch} (0-based) ends, after the learning-rate schedule's step. */
    public void step(int epoch) {
        if (epoch >= finalEpoch || !(sigma > FLOOR)) return;
        sigma *= alpha;
        try (var _ = Autograd.noGrad()) {
            for (DelayedLinear layer : layers) layer.sigma.value().fill(sigma);
        }
    }
}
