package dev.galvani.tensor;

import dev.galvani.tensor.backend.Operand;

/** Lets tests of backend packages call kernels directly on a tensor's operand (package-private in the front end). */
public final class TensorTestAccess {

    private TensorTestAccess() {}

    /**
     * What a backend sees of {@code t}.
     * @param t a tensor
     * @return its storage and layout
     */
    public static Operand operand(Tensor t) { return t.operand(); }
}
