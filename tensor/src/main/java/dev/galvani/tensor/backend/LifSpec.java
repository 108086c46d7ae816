package dev.galvani.tensor.backend;

/**
 * One multi-step leaky integrate-and-fire layer, in the charge → fire → reset form of the SNN
 * reference §2.1–2.2 (SpikingJelly's LIFNode): with V[−1] the initial membrane,
 * <pre>
 *   H[t] = charge(V[t−1], X[t])          IF:  V + X
 *                                        LIF: V + k (X − (V − V_r))     decayInput
 *                                             V − k (V − V_r) + X       otherwise
 *   S[t] = Θ(H[t] − V_th)
 *   V[t] = H[t] (1 − S[t]) + V_reset S[t]    hard reset
 *          H[t] − V_th S[t]                  soft reset
 * </pre>
 * k = 1/τ, and V_r = V_reset for a hard reset, 0 for a soft one. PLIF is LIF with k = sigmoid(w)
 * a learnable tensor (the kernel then takes k as an operand). {@code detachReset} makes the S[t]
 * inside the reset a constant in backward; {@code detachTemporal} cuts the path from V[t−1] to H[t]
 * in backward (SLTT, reference §7.1), so the gradient of step t reaches step t only.
 *
 * @param kind      IF or LIF (PLIF is LIF with a tensor k)
 * @param decay     k = 1/τ for LIF (used unless the kernel is given a k tensor); ignored for IF
 * @param vReset    the reset value, or NaN for a soft (subtractive) reset
 */
public record LifSpec(Kind kind, double decay, boolean decayInput, double vThreshold, double vReset, boolean detachReset,
                      boolean detachTemporal, Surrogate surrogate) {

    /** The neuron model. */
    public enum Kind {
        /** Integrate-and-fire: the charge adds the input to the membrane, without leak. */
        IF,
        /** Leaky integrate-and-fire: the membrane decays towards V_r with rate k = 1/τ. */
        LIF
    }

    /**
     * Checks the components.
     * @throws IllegalArgumentException if kind or surrogate is null, a LIF decay is outside (0, 1], the
     * threshold is not finite, or the reset value is infinite
     */
    public LifSpec {
        if (kind == null || surrogate == null) throw new IllegalArgumentException("LifSpec: kind and surrogate must be given");
        if (kind == Kind.LIF && !(decay > 0 && decay <= 1))
            throw new IllegalArgumentException("LifSpec: the decay 1/tau must be in (0, 1] (tau >= 1), got " + decay);
        if (!Double.isFinite(vThreshold)) throw new IllegalArgumentException("LifSpec: the threshold must be finite, got " + vThreshold);
        if (Double.isInfinite(vReset)) throw new IllegalArgumentException("LifSpec: the reset value must be finite, or NaN for a soft reset");
    }

    /**
     * True for a hard reset (vReset is a number), false for a soft, subtractive one (vReset is NaN).
     * @return whether the reset is hard
     */
    public boolean hardReset() { return !Double.isNaN(vReset); }

    /** V_r inside the charge: the reset value for a hard reset, 0 for a soft one. */
    public double restingValue() { return hardReset() ? vReset : 0; }

    /** ∂H[t]/∂V[t−1] for decay k: 1 for IF, 1 − k for LIF (0 with detachTemporal, in backward). */
    public double membraneFactor(double k) { return kind == Kind.IF ? 1 : 1 - k; }

    /** ∂H[t]/∂X[t] for decay k: k for LIF with decayInput, else 1. */
    public double inputFactor(double k) { return kind == Kind.LIF && decayInput ? k : 1; }

    /** The initial membrane when none is given: V_reset for a hard reset, 0 for a soft one (§2.1). */
    public double initialMembrane() { return restingValue(); }
}
