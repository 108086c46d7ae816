package dev.galvani.nn.dendrites;

import dev.galvani.tensor.Tensor;

/**
 * The candidate objective of perforated backpropagation (bio reference §2.2), Fahlman and
 * Lebiere's cascade-correlation restricted to one neuron per dendrite: with {@code d} a candidate's
 * outputs and {@code e = ∂L/∂y} the neuron's error, both [N, neurons] over the samples (and
 * positions) of a batch, the covariance per neuron is {@code C = Σ_p (d_p − d̄)(e_p − ē)} and the
 * candidate should make |C| large. The reference's candidate loss {@code Σ d · sign(C_running) · (e − ē)}
 * is to be maximised; {@link #candidateLoss} returns its negative, to be minimised like any loss, so
 * its gradient on d is {@code −sign(C_running)(e − ē)}.
 */
public final class CascadeCorrelation {

    /** The running covariance's EMA factor (the reference: 0.99). */
    public static final double MOMENTUM = 0.99;

    private Tensor running;
    private int batches;

    /** The covariance per neuron [neurons] of d and e [N, neurons]; e is treated as a constant. */
    public static Tensor covariance(Tensor d, Tensor e) {
        Tensor centredE = e.detach().sub(e.detach().mean(0, true));
        return d.sub(d.mean(0, true)).mul(centredE).sum(0, false);
    }

    /**
     * Updates the running covariance with this batch's: a plain average over the first batches while
     * it is smaller than the EMA's memory, then the EMA with {@link #MOMENTUM}. Returns it.
     */
    public Tensor update(Tensor d, Tensor e) {
        Tensor c = covariance(d.detach(), e);
        batches++;
        double w = Math.max(1.0 / batches, 1 - MOMENTUM);
        running = running == null ? c : running.mul(1 - w).add(c.mul(w));
        running = dev.galvani.tensor.TensorScope.untracked(running::clone);
        return running;
    }

    /** The running covariance (null before the first batch). */
    public Tensor running() { return running; }

    /** −Σ d · sign(C_running) · (e − ē), summed over samples and neurons: minimise it to maximise |C|. */
    public static Tensor candidateLoss(Tensor d, Tensor e, Tensor runningCovariance) {
        Tensor centredE = e.detach().sub(e.detach().mean(0, true));
        return d.mul(runningCovariance.detach().sign()).mul(centredE).sum().neg();
    }
}
