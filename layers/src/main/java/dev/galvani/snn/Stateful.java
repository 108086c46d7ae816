package dev.galvani.snn;

/** A module with state carried between time steps (membranes, adaptive thresholds); {@link SNN#resetState} reaches them all. */
public interface Stateful {

    /** Forgets the state: the next step starts from the initial state. */
    void resetState();
}
