package dev.galvani.tensor;

/**
 * Element types. The order of the constants is PyTorch's promotion lattice for tensors of the
 * same category rank: {@code BOOL < I32 < I64 < F32 < F64}; {@link #promote} takes the larger.
 */
public enum DType {
    /** Booleans, one byte each ({@code torch.bool}). */
    BOOL(1, Category.BOOL),
    /** 32-bit signed integers ({@code torch.int32}). */
    I32(4, Category.INTEGRAL),
    /** 64-bit signed integers ({@code torch.int64}): indices, class labels, integer sums. */
    I64(8, Category.INTEGRAL),
    /** 32-bit floats ({@code torch.float32}), the default floating-point type. */
    F32(4, Category.FLOATING),
    /** 64-bit floats ({@code torch.float64}). */
    F64(8, Category.FLOATING);

    /** Kinds of value, ordered as PyTorch orders them for promotion: bool &lt; integral &lt; floating. */
    public enum Category {
        /** BOOL. */
        BOOL,
        /** I32 and I64. */
        INTEGRAL,
        /** F32 and F64. */
        FLOATING
    }

    private final int byteSize;
    private final Category category;

    DType(int byteSize, Category category) {
        this.byteSize = byteSize;
        this.category = category;
    }

    /** The default floating-point type (PyTorch's {@code torch.get_default_dtype()}). */
    public static final DType DEFAULT_FLOAT = F32;

    /** The size of one element in bytes, as {@code dtype.itemsize}. */
    public int byteSize() { return byteSize; }

    /** Whether this type is boolean, integral or floating-point. */
    public Category category() { return category; }

    /** True for F32 and F64, as {@code dtype.is_floating_point}. */
    public boolean isFloatingPoint() { return category == Category.FLOATING; }

    /** True for I32 and I64 (not BOOL). */
    public boolean isIntegral() { return category == Category.INTEGRAL; }

    /** True for BOOL. */
    public boolean isBool() { return this == BOOL; }

    /** Promotion of two tensors of equal priority: the larger type on the lattice. */
    public static DType promote(DType a, DType b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** The type integer and bool tensors become when an operation needs real numbers (exp, div, mean). */
    public DType toFloating() {
        return isFloatingPoint() ? this : DEFAULT_FLOAT;
    }
}
