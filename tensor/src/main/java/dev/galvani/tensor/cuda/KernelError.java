package dev.galvani.tensor.cuda;

/**
 * Turns what a kernel wrote into the error slot (common.cuh: code, value, bound, detail) into the
 * exception the CPU would have thrown for the same data.
 */
final class KernelError {

    private KernelError() {}

    static final int INDEX = 1, NEGATIVE_POWER = 2;

    /** The exception for a slot; {@code kernel} names the kernel when known (debug mode). */
    static RuntimeException of(long[] slot, String kernel) {
        String where = kernel == null ? "a kernel" : kernel;
        return switch ((int) slot[0]) {
            case INDEX -> new IndexOutOfBoundsException(where + ": index " + slot[1] + " is out of range for dimension " + slot[3] + " of size " + slot[2]);
            case NEGATIVE_POWER -> new ArithmeticException("pow: integers to negative integer powers are not allowed (" + slot[1] + " to the power " + slot[2] + ")");
            default -> new IllegalStateException(where + " reported error code " + slot[0]);
        };
    }
}
