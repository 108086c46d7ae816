package dev.galvani.snn;

import dev.galvani.nn.Module;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * Dropout for spiking sequences [T, B, ...]: one mask per sample, shared by all T steps (SLTT's and
 * SpikingJelly's convention; a new mask per step would let every neuron through over T), scaled by
 * 1/(1 − p) in training, the identity in evaluation. In single-step mode call {@link #newMask()}
 * at the start of each sequence ({@link SNN#resetState} does).
 */
public class SequenceDropout extends Module implements Stateful {

    /** The probability of zeroing a neuron for a whole sequence, in [0, 1). */
    public final double p;
    private final Generator gen;
    private StepMode stepMode = StepMode.MULTI;
    private Tensor mask;

    /** Sequence dropout with probability {@code p} in [0, 1), masks drawn from {@code gen}. */
    public SequenceDropout(double p, Generator gen) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("SequenceDropout: p must be in [0, 1), got " + p);
        this.p = p;
        this.gen = gen;
    }

    /** Sets multi-step ([T, B, ...], the default) or single-step ([B, ...]) input; returns this. */
    public SequenceDropout stepMode(StepMode mode) {
        this.stepMode = mode;
        return this;
    }

    @Override public Tensor forward(Tensor x) {
        if (!isTraining() || p == 0) return x;
        int[] step = stepMode == StepMode.MULTI ? java.util.Arrays.copyOfRange(x.shape().dims(), 1, x.dim()) : x.shape().dims();
        if (mask == null || stepMode == StepMode.MULTI || !java.util.Arrays.equals(mask.shape().dims(), step)) {
            try (var _ = GradMode.disable()) {
                mask = Tensor.bernoulli(gen, 1 - p, x.dtype(), x.device(), step).div(1 - p);
            }
            if (stepMode == StepMode.SINGLE) mask = dev.galvani.tensor.TensorScope.escape(mask);
        }
        return x.mul(mask);
    }

    /** Draws a new mask at the next call. */
    public void newMask() { mask = null; }

    @Override public void resetState() { newMask(); }

    @Override protected String extraRepr() { return "p=" + p; }
}
