package dev.galvani.tensor;

/**
 * PyTorch's type promotion (torch.result_type). Operands fall in three priority groups: tensors with
 * dimensions, zero-dimensional tensors, and Java numbers in an expression ({@code x.add(2)}, which
 * PyTorch calls wrapped numbers). A lower group decides the result only when its category
 * (bool &lt; integral &lt; floating) is higher; a Java floating number then stands for the default
 * float type and a Java integer for I64.
 */
final class Promotion {

    private Promotion() {}

    static DType resultType(Tensor... operands) { return resultType(null, operands); }

    /**
     * The result type of tensors and one Java number whose kind is {@code number} (F64 for a
     * {@code double}, I64 for a {@code long}; null for none).
     */
    static DType resultType(DType number, Tensor... operands) {
        DType dimResult = null, zeroResult = null, numberResult = null;
        for (Tensor t : operands) {
            if (t.dim() == 0) zeroResult = promote(zeroResult, t.dtype());
            else dimResult = promote(dimResult, t.dtype());
        }
        if (number != null) numberResult = number.isFloatingPoint() ? DType.DEFAULT_FLOAT : number.isIntegral() ? DType.I64 : number;
        return combine(dimResult, combine(zeroResult, numberResult));
    }

    private static DType promote(DType a, DType b) { return a == null ? b : DType.promote(a, b); }

    /** The higher-priority type, unless the lower one is of a higher category (PyTorch's combine_categories). */
    private static DType combine(DType higher, DType lower) {
        if (higher == null) return lower;
        if (lower == null || higher.isFloatingPoint()) return higher;
        if (higher == DType.BOOL || lower.isFloatingPoint()) return DType.promote(higher, lower);
        return higher;
    }
}
