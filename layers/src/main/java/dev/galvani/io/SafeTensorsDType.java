package dev.galvani.io;

import dev.galvani.tensor.DType;

/**
 * The element types a safetensors file can declare (the {@code "dtype"} strings of its header), with
 * their size in bytes and the Galvani {@link DType} each one is read into.
 *
 * <p>Reading widens where Galvani has no type of that width, always exactly: F16 and BF16 become
 * F32, the small integers I8, U8, I16 and U16 become I32, and U32 becomes I64. The types listed
 * after I64 are known to the format but have no exact Galvani counterpart; a file that holds them
 * can still be opened (its layout is checked with their sizes) but reading such a tensor fails.
 */
public enum SafeTensorsDType {
    BOOL(1, DType.BOOL),
    U8(1, DType.I32),
    I8(1, DType.I32),
    I16(2, DType.I32),
    U16(2, DType.I32),
    F16(2, DType.F32),
    BF16(2, DType.F32),
    I32(4, DType.I32),
    U32(4, DType.I64),
    F32(4, DType.F32),
    F64(8, DType.F64),
    I64(8, DType.I64),
    // Known to the format, not representable in Galvani without loss.
    U64(8, null),
    C64(8, null),
    F8_E5M2(1, null),
    F8_E4M3(1, null),
    F8_E4M3FNUZ(1, null),
    F8_E5M2FNUZ(1, null),
    F8_E8M0(1, null);

    private final int byteSize;
    private final DType galvaniType;

    SafeTensorsDType(int byteSize, DType galvaniType) {
        this.byteSize = byteSize;
        this.galvaniType = galvaniType;
    }

    /** Bytes per element in the file. */
    public int byteSize() { return byteSize; }

    /** Whether Galvani can read this type (into {@link #galvaniType()}). */
    public boolean isReadable() { return galvaniType != null; }

    /** The Galvani type a tensor of this type is read into, or null when it cannot be read. */
    public DType galvaniType() { return galvaniType; }

    /** The file type Galvani writes for a tensor of {@code dtype} when no conversion is asked for. */
    public static SafeTensorsDType of(DType dtype) {
        return switch (dtype) {
            case BOOL -> BOOL;
            case I32 -> I32;
            case I64 -> I64;
            case F32 -> F32;
            case F64 -> F64;
        };
    }

    /** The type with this header name ({@code "F32"}, {@code "BF16"} …), or null for a name the format does not define. */
    static SafeTensorsDType byName(String name) {
        for (SafeTensorsDType t : values()) if (t.name().equals(name)) return t;
        return null;
    }
}
