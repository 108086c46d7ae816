package dev.galvani.tensor;

/**
 * What a recorded operation was: a record whose fields are its arguments (a permutation, a
 * convolution's geometry, the statistics batch norm saved). The tensor module records them
 * ({@link Ops} lists its own); galvani-autograd holds one derivative rule per record type, so a
 * rule reads typed fields and a mismatch is a compile error. Other modules define records of their
 * own (a custom {@code Function}'s call, a fused spiking kernel) the same way.
 */
public interface Op {

    /** The name users see in messages and graph printouts, e.g. "exp", "conv2d", "Spike". */
    String name();

    /**
     * Whether this op's derivative rule reads the values of input {@code i} (not only its shape,
     * dtype or device). True unless the op declares otherwise; a {@link Node} counts the uses that
     * read (its storage's {@code graphReads}), and a storage no rule reads may be given back before
     * its scope closes ({@link TensorScope#releaseUnread}). A false answer is a promise that a
     * backward pass, recorded or not, never reads those values: each one is tested by releasing the
     * slot's memory before the backward.
     * @param i the input's position
     * @return whether the rule reads input {@code i}'s values
     */
    default boolean readsInput(int i) { return true; }

    /**
     * Whether this op's derivative rule reads the values of output {@code i}; true unless declared
     * otherwise (see {@link #readsInput}).
     * @param i the output's position
     * @return whether the rule reads output {@code i}'s values
     */
    default boolean readsOutput(int i) { return true; }

    /**
     * Tensors outside the inputs and outputs that the rule reads (statistics or tensors saved for
     * the backward), counted like read slots while the node lives. None by default.
     * @return the tensors the record holds for its rule
     */
    default java.util.List<Tensor> savedForBackward() { return java.util.List.of(); }
}
