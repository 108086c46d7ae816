package dev.galvani.tensor;

/**
 * Element types. The order of the constants is PyTorch's promotion lattice for tensors of the
 * same category rank: {@code BOOL < I32 < I64 < F32 < F64}; {@link #promote} takes the larger.
 */
public enum DType {
    BOOL(1, Category.BOOL),
    I32(4, Category.INTEGRAL),
    I64(8, Category.INTEGRAL),
    F32(4, Category.FLOATING),
    F64(8, Category.FLOATING);

    /** Kinds of value, ordered as PyTorch orders them for promotion: bool &lt; integral &lt; floating. */
    public enum Category { BOOL, INTEGRAL, FLOATING }

    private final int byteSize;
    private final Category category;

    DType(int byteSize, Category category) {
        this.byteSize = byteSize;
        this.category = category;
    }

    /** The default floating-point type (PyTorch's {@code torch.get_default_dtype()}). */
    public static final DType DEFAULT_FLOAT = F32;

    public int byteSize() { return byteSize; }

    public Category category() { return category; }

    public boolean isFloatingPoint() { return category == Category.FLOATING; }

    public boolean isIntegral() { return category == Category.INTEGRAL; }

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
