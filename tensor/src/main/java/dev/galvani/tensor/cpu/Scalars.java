package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;

/**
 * Element access by dtype for the scalar (non-vector) paths. Conversions follow C/PyTorch casts:
 * float to integer truncates toward zero, anything to bool is "not zero", bool reads as 0 or 1.
 */
final class Scalars {

    private Scalars() {}

    static double getDouble(Object a, DType t, int i) {
        return switch (t) {
            case F32 -> ((float[]) a)[i];
            case F64 -> ((double[]) a)[i];
            case I32 -> ((int[]) a)[i];
            case I64 -> ((long[]) a)[i];
            case BOOL -> ((boolean[]) a)[i] ? 1 : 0;
        };
    }

    static long getLong(Object a, DType t, int i) {
        return switch (t) {
            case F32 -> (long) ((float[]) a)[i];
            case F64 -> (long) ((double[]) a)[i];
            case I32 -> ((int[]) a)[i];
            case I64 -> ((long[]) a)[i];
            case BOOL -> ((boolean[]) a)[i] ? 1 : 0;
        };
    }

    static void setDouble(Object a, DType t, int i, double v) {
        switch (t) {
            case F32 -> ((float[]) a)[i] = (float) v;
            case F64 -> ((double[]) a)[i] = v;
            case I32 -> ((int[]) a)[i] = (int) (long) v;
            case I64 -> ((long[]) a)[i] = (long) v;
            case BOOL -> ((boolean[]) a)[i] = v != 0;
        }
    }

    static void setLong(Object a, DType t, int i, long v) {
        switch (t) {
            case F32 -> ((float[]) a)[i] = v;
            case F64 -> ((double[]) a)[i] = v;
            case I32 -> ((int[]) a)[i] = (int) v;
            case I64 -> ((long[]) a)[i] = v;
            case BOOL -> ((boolean[]) a)[i] = v != 0;
        }
    }

    /** dst[di] = src[si], both of type t. */
    static void copyElement(Object src, int si, Object dst, int di, DType t) {
        switch (t) {
            case F32 -> ((float[]) dst)[di] = ((float[]) src)[si];
            case F64 -> ((double[]) dst)[di] = ((double[]) src)[si];
            case I32 -> ((int[]) dst)[di] = ((int[]) src)[si];
            case I64 -> ((long[]) dst)[di] = ((long[]) src)[si];
            case BOOL -> ((boolean[]) dst)[di] = ((boolean[]) src)[si];
        }
    }

    /** dst[di] = (dt) src[si], converting between types; integers travel as long, so I64 stays exact. */
    static void convertElement(Object src, DType st, int si, Object dst, DType dt, int di) {
        if (st == DType.I64 && dt == DType.F32) ((float[]) dst)[di] = ((long[]) src)[si];   // one rounding, not two
        else if (st.isFloatingPoint() || dt.isFloatingPoint()) setDouble(dst, dt, di, getDouble(src, st, si));
        else setLong(dst, dt, di, getLong(src, st, si));
    }
}
