package dev.galvani.tensor.backend;

/**
 * Fused multi-step spiking neurons: the whole [T, N] recurrence of {@link LifSpec} in one pass over
 * memory, and its exact backward recurrence (SNN reference §3). Operands are contiguous, start at
 * offset 0 and are time-major ([T, N], element t·N + n). {@code decay} is a 0-d operand holding k for PLIF, or null (then the
 * spec's constant k). Without this family the front end runs the neuron step by step from tensor
 * operations (the unrolled form), which autograd differentiates.
 */
public interface SpikingKernels extends KernelFamily {

    /**
     * x, v0 [N] into spikes, h (H[t], the pre-reset membrane backward needs), vSeq (V[t]; null when
     * not wanted) and vLast [N] (V[T−1], the state carried to the next call).
     */
    void lifForward(Operand x, Operand v0, Operand decay, Operand spikes, Operand h, Operand vSeq, Operand vLast, LifSpec spec);

    /**
     * The reverse recurrence of §3.4 from dL/dS (gradSpikes), dL/dV[t] (gradVSeq, or null) and
     * dL/dV[T−1] (gradVLast, or null) into gradX [T, N] and gradV0 [N] (overwritten); with a
     * non-null gradDecay (0-d), also dL/dk of §3.5, which needs vSeq (V[t−1] is v0 for t = 0).
     */
    void lifBackward(Operand gradSpikes, Operand gradVSeq, Operand gradVLast, Operand h, Operand vSeq, Operand v0, Operand decay,
                     Operand gradX, Operand gradV0, Operand gradDecay, LifSpec spec);
}
