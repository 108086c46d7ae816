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
}
