package dev.galvani.tensor;

/**
 * PyTorch's type promotion (torch.result_type). Operands fall in three priority groups: tensors with
 * dimensions, zero-dimensional tensors, and wrapped Java numbers. A lower group decides the result
 * only when its category (bool &lt; integral &lt; floating) is higher; a wrapped floating number then
 * stands for the default float type and a wrapped integer for I64.
 */
final class Promotion {

    private Promotion() {}

    static DType resultType(Tensor... operands) {
        DType dimResult = null, zeroResult = null, wrappedResult = null;
        for (Tensor t : operands) {
            DType current = t.dtype();
            if (t.wrappedScalar) {
                if (current.isFloatingPoint()) current = DType.DEFAULT_FLOAT;
                else if (current.isIntegral()) current = DType.I64;
                wrappedResult = promote(wrappedResult, current);
            } else if (t.dim() == 0) {
                zeroResult = promote(zeroResult, current);
            } else {
                dimResult = promote(dimResult, current);
            }
        }
        return combine(dimResult, combine(zeroResult, wrappedResult));
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
