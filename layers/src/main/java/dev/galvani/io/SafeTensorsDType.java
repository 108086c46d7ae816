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
    /** Booleans, one byte; read as BOOL. */
    BOOL(1, DType.BOOL),
    /** Unsigned 8-bit integers; read as I32. */
    U8(1, DType.I32),
    /** Signed 8-bit integers; read as I32. */
    I8(1, DType.I32),
    /** Signed 16-bit integers; read as I32. */
    I16(2, DType.I32),
    /** Unsigned 16-bit integers; read as I32. */
    U16(2, DType.I32),
    /** IEEE half precision; read as F32. */
    F16(2, DType.F32),
    /** bfloat16; read as F32. */
    BF16(2, DType.F32),
    /** Signed 32-bit integers; read as I32. */
    I32(4, DType.I32),
    /** Unsigned 32-bit integers; read as I64. */
    U32(4, DType.I64),
    /** 32-bit floats; read as F32. */
    F32(4, DType.F32),
    /** 64-bit floats; read as F64. */
    F64(8, DType.F64),
    /** Signed 64-bit integers; read as I64. */
    I64(8, DType.I64),
    // Known to the format, not representable in Galvani without loss.
    /** Unsigned 64-bit integers; not readable (no exact Galvani type). */
    U64(8, null),
    /** Complex numbers of two 32-bit floats; not readable. */
    C64(8, null),
    /** 8-bit float, 5 exponent and 2 mantissa bits; not readable. */
    F8_E5M2(1, null),
    /** 8-bit float, 4 exponent and 3 mantissa bits; not readable. */
    F8_E4M3(1, null),
    /** 8-bit float E4M3, finite, no negative zero; not readable. */
    F8_E4M3FNUZ(1, null),
    /** 8-bit float E5M2, finite, no negative zero; not readable. */
    F8_E5M2FNUZ(1, null),
    /** 8-bit exponent-only scale (E8M0); not readable. */
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
