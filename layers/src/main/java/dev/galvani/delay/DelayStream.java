package dev.galvani.delay;

import dev.galvani.autograd.Autograd;
import dev.galvani.tensor.Delays;
import dev.galvani.tensor.Tensor;

/**
 * Online inference through a {@link DelayedLinear} with its rounded delays (DCLS reference §7,
 * §13): one time step {@code [B, Cin]} in, one {@code [B, Cout]} out, from a ring buffer of the last
 * D inputs, at the cost of one linear layer per step. Step t returns what the layer's evaluation
 * form gives at output step t of a sequence; the sequence form's last {@code (D − 1)/2} steps (its
 * right padding) are what further steps with zero inputs return.
 *
 * <p>The weights and delays are taken from the layer when the stream is made and by
 * {@link #refresh()}; the ring starts at zero (the causal padding) and {@link #reset()} clears it.
 * Nothing is recorded for autograd.
 */
public final class DelayStream {

    private final DelayedLinear layer;
    private final int batch;
    private final Tensor ring;                  // [D, Cin, B]: slot newest holds the latest input
    private Tensor weight, delays;
    private int newest = -1;

    /**
     * A stream for batches of {@code batch} sequences through {@code layer}.
     *
     * @param layer the delay layer (its weights and rounded delays are read now)
     * @param batch B, the sequences processed side by side
     */
    public DelayStream(DelayedLinear layer, int batch) {
        if (batch <= 0) throw new IllegalArgumentException("DelayStream: the batch must be positive, got " + batch);
        this.layer = layer;
        this.batch = batch;
        Tensor w = layer.weight.value();
        this.ring = Tensor.zeros(w.dtype(), layer.taps, layer.inFeatures, batch).to(w.device());
        refresh();
    }

    /** Reads the layer's weights and rounded delays again (after training it further). */
    public void refresh() {
        try (var _ = Autograd.noGrad()) {
            weight = layer.roundedWeight().contiguous();
            delays = layer.delays();
        }
    }

    /** Clears the ring: the next step starts a new sequence. */
    public void reset() {
        try (var _ = Autograd.noGrad()) {
            ring.fill(0);
        }
        newest = -1;
    }

    /**
     * The output of the next time step.
     *
     * @param x the input of this step, [B, Cin]
     * @return [B, Cout]
     */
    public Tensor step(Tensor x) {
        if (x.dim() != 2 || x.size(0) != batch || x.size(1) != layer.inFeatures)
            throw new IllegalArgumentException("DelayStream: a step takes [" + batch + ", " + layer.inFeatures + "], got " + x.shape());
        newest = (newest + 1) % layer.taps;
        try (var _ = Autograd.noGrad()) {
            ring.select(0, newest).copyFrom(x.T().to(ring.dtype()));
            return Delays.integerStep(ring, newest, weight, delays, layer.taps);
        }
    }
}
