package dev.galvani.snn;

import dev.galvani.nn.Module;

/** Model-wide switches for spiking networks (SpikingJelly's {@code functional.reset_net} and {@code set_step_mode}). */
public final class SNN {

    private SNN() {}

    /** Resets the state of every stateful module in {@code model}: call it between sequences (batches) in single-step mode. */
    public static void resetState(Module model) {
        model.namedModules().values().forEach(m -> {
            if (m instanceof Stateful s) s.resetState();
        });
        if (model instanceof Stateful s) s.resetState();
    }

    /** Sets the step mode of every spiking neuron and multi-step container in {@code model}. */
    public static void stepMode(Module model, StepMode mode) {
        model.namedModules().values().forEach(m -> setMode(m, mode));
        setMode(model, mode);
    }

    private static void setMode(Module m, StepMode mode) {
        if (m instanceof SpikingNeuron n) n.stepMode(mode);
        if (m instanceof MultiStep s) s.stepMode(mode);
        if (m instanceof SequenceDropout d) d.stepMode(mode);
    }

    /**
     * Turns {@link MultiStep#compactSpikes} on or off for every multi-step container in {@code model}:
     * with it on, spike inputs of Linear and Conv2d layers are kept as bytes for the weight gradient
     * and their float copies given back once consumed (see that method for the contract).
     */
    public static void compactSpikes(Module model, boolean compact) {
        model.namedModules().values().forEach(m -> {
            if (m instanceof MultiStep s) s.compactSpikes(compact);
        });
        if (model instanceof MultiStep s) s.compactSpikes(compact);
    }

    /** Cuts (or restores) the step-to-step membrane path of every spiking neuron: the SLTT neurons of reference §7.1. */
    public static void detachState(Module model, boolean detach) {
        model.namedModules().values().forEach(m -> {
            if (m instanceof SpikingNeuron n) n.detachState(detach);
        });
    }

    /** Frees the states the neurons replaced while detached, once no graph needs them (after an SLTT step's backward). */
    public static void releaseSpentState(Module model) {
        model.namedModules().values().forEach(m -> {
            if (m instanceof SpikingNeuron n) n.releaseSpentState();
        });
    }
}
