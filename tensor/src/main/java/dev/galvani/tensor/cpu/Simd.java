package dev.galvani.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** The vector shapes the CPU kernels use: the widest the machine prefers (AVX-512: 16 floats). */
final class Simd {

    private Simd() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Double> D = DoubleVector.SPECIES_PREFERRED;
    static final int FL = F.length();
    static final int DL = D.length();

    /** Contiguous scratch rows for strided operands: small enough to stay in L1, long enough to amortise. */
    static final int BLOCK = 1024;

    private static final ThreadLocal<float[][]> F_SCRATCH = ThreadLocal.withInitial(() -> new float[3][BLOCK]);
    private static final ThreadLocal<double[][]> D_SCRATCH = ThreadLocal.withInitial(() -> new double[3][BLOCK]);

    /** Three per-thread float blocks (operand slots 0, 1, 2). */
    static float[][] floatScratch() { return F_SCRATCH.get(); }

    static double[][] doubleScratch() { return D_SCRATCH.get(); }

    /**
     * The lanes of v added in lane order. {@code reduceLanes(ADD)} leaves the order unspecified, and
     * the interpreter and the JIT-compiled intrinsic do use different orders, so the same call could
     * give results an ulp apart before and after warm-up; a fixed order keeps every run reproducible.
     */
    static float sumLanes(FloatVector v) {
        float s = v.lane(0);
        for (int i = 1, n = v.length(); i < n; i++) s += v.lane(i);
        return s;
    }

    static double sumLanes(DoubleVector v) {
        double s = v.lane(0);
        for (int i = 1, n = v.length(); i < n; i++) s += v.lane(i);
        return s;
    }
}
