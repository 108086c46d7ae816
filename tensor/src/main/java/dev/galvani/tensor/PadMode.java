package dev.galvani.tensor;

/** How {@link Tensor#pad} fills the border. */
public enum PadMode {
    /** A constant value. */
    CONSTANT,
    /** Mirror without repeating the edge: [a b c] padded by 2 on the left is [c b | a b c]. */
    REFLECT,
    /** Repeat the edge element. */
    REPLICATE,
    /** Wrap around: the left border comes from the right end. */
    CIRCULAR
}
