package dev.galvani.snn;

import dev.galvani.nn.Module;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.Surrogate;
import java.util.Arrays;

/**
 * The base of the spiking neurons: the charge → fire → reset model of the SNN reference §2.1 with
 * SpikingJelly's options and defaults (threshold 1, hard reset to 0, reset not detached, Sigmoid
 * surrogate α = 4), in either {@link StepMode}.
 *
 * <p>In {@code MULTI} mode (the default) a call takes a whole sequence [T, B, ...] and starts from
 * the initial state, unless {@link #carryState(boolean)} asks to continue from the previous call (a
 * long sequence in chunks). In {@code SINGLE} mode a call takes one step [B, ...] and the state is
 * carried: call {@link #resetState()} (or {@link SNN#resetState} for a whole model) between
 * sequences. With {@link #detachState(boolean)} the carried state is cut from the graph, so each
 * step's backward reaches that step only (SLTT, reference §7).
 *
 * <p>The state a neuron carries belongs to no {@code TensorScope}: it outlives the step that made it.
 */
public abstract class SpikingNeuron extends Module implements Stateful {

    /** The firing threshold V_th (SpikingJelly's {@code v_threshold}, default 1). */
    protected final double vThreshold;
    /** The hard-reset value, or NaN for a soft (subtractive) reset. */
    protected final double vReset;
    /** Whether the reset is cut from the graph (SpikingJelly's {@code detach_reset}, default false). */
    protected final boolean detachReset;
    /** The surrogate gradient of the spike function (default Sigmoid, alpha 4). */
    protected final Surrogate surrogate;
    private StepMode stepMode = StepMode.MULTI;
    private boolean carryState, detachState;
    /** States replaced while detached (SLTT), which no later step reads. */
    private final java.util.List<Tensor> spent = new java.util.ArrayList<>();
    /** The recorder of a {@link SpikeMonitor}, or null (off: nothing is recorded). */
    SpikeMonitor.Recorder recorder;

    /** A neuron with the shared options {@code o} (threshold, reset, detach_reset, surrogate). */
    protected SpikingNeuron(Options o) {
        this.vThreshold = o.vThreshold;
        this.vReset = o.vReset == null ? Double.NaN : o.vReset;
        this.detachReset = o.detachReset;
        this.surrogate = o.surrogate;
    }

    /** The options every neuron has, with SpikingJelly's defaults. */
    public static class Options {
        double vThreshold = 1.0;
        Double vReset = 0.0;
        boolean detachReset;
        Surrogate surrogate = Surrogate.sigmoid();

        /**
         * The firing threshold V_th (1 by default), SpikingJelly's {@code v_threshold}; returns these
         * options.
         */
        public Options vThreshold(double v) { this.vThreshold = v; return this; }
        /** The hard-reset value (0 by default). */
        public Options vReset(double v) { this.vReset = v; return this; }
        /** A soft (subtractive) reset: V = H − V_th S. */
        public Options softReset() { this.vReset = null; return this; }
        /**
         * Cuts the reset from the graph (false by default), SpikingJelly's {@code detach_reset}; returns
         * these options.
         */
        public Options detachReset(boolean d) { this.detachReset = d; return this; }
        /**
         * The surrogate gradient of the spike (Sigmoid, alpha 4, by default), SpikingJelly's
         * {@code surrogate_function}; returns these options.
         */
        public Options surrogate(Surrogate s) { this.surrogate = s; return this; }
    }

    @Override public final Tensor forward(Tensor x) {
        Tensor spikes;
        if (stepMode == StepMode.MULTI) {
            if (x.dim() < 2) throw new IllegalArgumentException(name() + " (multi-step): expects [T, B, ...], got " + x.shape()
                    + "; for one step at a time use stepMode(StepMode.SINGLE)");
            if (!carryState) resetState();
            spikes = steps(x);
        } else {
            spikes = steps(x.unsqueeze(0)).squeeze(0);
        }
        if (recorder != null) recorder.record(this, spikes, stepMode);
        return spikes;
    }

    /** Runs the neuron over x [T, B, ...] from the current state, leaves the state after the last step, returns the spikes. */
    protected abstract Tensor steps(Tensor x);

    /** A state to continue from: null when there is none yet; detached when {@link #detachState(boolean)} says so. */
    protected final Tensor carried(Tensor state, Tensor x) {
        if (state == null) return null;
        int[] expected = Arrays.copyOfRange(x.shape().dims(), 1, x.dim());
        if (!Arrays.equals(state.shape().dims(), expected))
            throw new IllegalStateException(name() + ": its state " + state.shape() + " is from a sequence of other shape than the input step "
                    + Arrays.toString(expected) + "; call SNN.resetState(model) between sequences");
        return detachState ? state.detach() : state;
    }

    /**
     * Keeps a state tensor for the next call: out of every scope, as module state is. With the state
     * detached between steps (SLTT), the state it replaces is remembered as spent, for
     * {@link #releaseSpentState()}.
     */
    protected final Tensor keep(Tensor previous, Tensor state) {
        if (detachState && previous != null && previous != state && previous.storage() != state.storage()) spent.add(previous);
        return state == null ? null : TensorScope.escape(state);
    }

    /**
     * Gives the memory of replaced states back to the allocator. Call it only when no graph needs them
     * any more: after the backward of the steps that read them ({@code TemporalTraining} does, after
     * each SLTT step). Without it they are freed by the garbage collector.
     */
    public void releaseSpentState() {
        for (Tensor t : spent) t.storage().release();
        spent.clear();
    }

    /**
     * Sets how calls take their input: {@link StepMode#MULTI} (the default) a sequence [T, B, ...],
     * {@link StepMode#SINGLE} one step [B, ...], as SpikingJelly's {@code step_mode='m'} / {@code 's'};
     * returns this.
     */
    public SpikingNeuron stepMode(StepMode mode) {
        this.stepMode = mode;
        return this;
    }

    /** How calls take their input ({@link StepMode#MULTI} by default). */
    public StepMode stepMode() { return stepMode; }

    /** In multi-step mode, continue from the state the previous call left (sequences in chunks); off by default. */
    public SpikingNeuron carryState(boolean carry) {
        this.carryState = carry;
        return this;
    }

    /** Cut the carried state from the graph (SLTT); off by default. */
    public SpikingNeuron detachState(boolean detach) {
        this.detachState = detach;
        if (!detach) spent.clear();
        return this;
    }

    /** Whether the carried state is cut from the graph ({@link #detachState(boolean)}). */
    public boolean detachesState() { return detachState; }

    /** The surrogate gradient of the spike function. */
    public Surrogate surrogate() { return surrogate; }

    /** The name used in error messages: the class's simple name. */
    protected String name() { return getClass().getSimpleName(); }

    @Override protected String extraRepr() {
        return "v_threshold=" + vThreshold + ", v_reset=" + (Double.isNaN(vReset) ? "None" : vReset) + ", detach_reset=" + detachReset
                + ", surrogate=" + surrogate + ", step_mode=" + (stepMode == StepMode.MULTI ? "m" : "s");
    }
}
