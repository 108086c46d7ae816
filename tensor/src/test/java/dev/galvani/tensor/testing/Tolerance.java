package dev.galvani.tensor.testing;

import dev.galvani.tensor.DType;

/** |actual - expected| <= atol + rtol * |expected|, per dtype (integers and bools: exact). */
public record Tolerance(double f32Rtol, double f32Atol, double f64Rtol, double f64Atol) {

    public static final Tolerance DEFAULT = new Tolerance(1e-5, 1e-6, 1e-12, 1e-13);
    /** Transcendental functions and long sums: a few ulps of float in vector code. */
    public static final Tolerance LOOSE = new Tolerance(3e-5, 1e-5, 1e-10, 1e-12);

    public double rtol(DType t) { return t == DType.F32 ? f32Rtol : t == DType.F64 ? f64Rtol : 0; }

    public double atol(DType t) { return t == DType.F32 ? f32Atol : t == DType.F64 ? f64Atol : 0; }
}
