package dev.galvani.snn;

/**
 * How a spiking module takes its input (SpikingJelly's {@code step_mode}): {@code SINGLE}, one time
 * step [B, ...] per call with the state carried between calls; {@code MULTI}, a whole time-major
 * sequence [T, B, ...] per call.
 */
public enum StepMode {
    /** One time step [B, ...] per call, the state carried between calls ({@code step_mode='s'}). */
    SINGLE,
    /** A whole sequence [T, B, ...] per call ({@code step_mode='m'}). */
    MULTI
}
