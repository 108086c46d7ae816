package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.F;
import static dev.galvani.tensor.cpu.Simd.FL;

import dev.galvani.tensor.backend.Surrogate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The surrogate derivatives σ'(x) of {@link Surrogate} (SNN reference §4) in float lanes, with a
 * scalar tail of the same operations in the same order. {@link #fill} picks the surrogate once,
 * outside its loop, so no vector flows through a branch (C2 would box it). The constants are folded
 * once per call: for ATan σ'(x) = (α/2) / (1 + (πα/2 · x)²), and so on. The exponentials are
 * {@link VectorMath#exp}, not the Vector API's {@code EXP} lanes, whose results differ between the
 * interpreter and compiled code (the same run would give other bits after warm-up).
 */
final class SurrogateLanes {

    private SurrogateLanes() {}

    /** out[i] = σ'(h[row + i] − vth) for i in [0, len). */
    static void fill(Surrogate s, float[] h, int row, float vth, float[] out, int len) {
        float a = (float) s.alpha();
        int bound = F.loopBound(len), i = 0;
        switch (s.kind()) {
            case ATAN -> {
                float half = a / 2, slope = (float) (Math.PI * s.alpha() / 2);
                for (; i < bound; i += FL) {
                    FloatVector u = x(h, row, i, vth).mul(slope);
                    FloatVector.broadcast(F, half).div(u.mul(u).add(1f)).intoArray(out, i);
                }
                for (; i < len; i++) {
                    float u = (h[row + i] - vth) * slope;
                    out[i] = half / (u * u + 1f);
                }
            }
            case SIGMOID -> {
                for (; i < bound; i += FL) {
                    FloatVector sig = FloatVector.broadcast(F, 1f).div(VectorMath.exp(x(h, row, i, vth).mul(-a)).add(1f));
                    sig.mul(a).mul(sig.neg().add(1f)).intoArray(out, i);
                }
                for (; i < len; i++) {
                    float sig = 1f / (exp((h[row + i] - vth) * -a) + 1f);
                    out[i] = sig * a * (-sig + 1f);
                }
            }
            case FAST_SIGMOID -> {
                for (; i < bound; i += FL) {
                    FloatVector d = x(h, row, i, vth).abs().mul(a).add(1f);
                    FloatVector.broadcast(F, 1f).div(d.mul(d)).intoArray(out, i);
                }
                for (; i < len; i++) {
                    float d = Math.abs(h[row + i] - vth) * a + 1f;
                    out[i] = 1f / (d * d);
                }
            }
            case PIECEWISE_QUADRATIC -> {
                float width = 1 / a, curvature = -a * a;
                for (; i < bound; i += FL) {
                    FloatVector ax = x(h, row, i, vth).abs();
                    ax.mul(curvature).add(a).blend(0f, ax.compare(VectorOperators.GT, width)).intoArray(out, i);
                }
                for (; i < len; i++) {
                    float ax = Math.abs(h[row + i] - vth);
                    out[i] = ax > width ? 0f : ax * curvature + a;
                }
            }
            case TRIANGLE -> {
                for (; i < bound; i += FL) x(h, row, i, vth).abs().neg().add(1f).max(0f).mul(a).intoArray(out, i);
                for (; i < len; i++) out[i] = Math.max(-Math.abs(h[row + i] - vth) + 1f, 0f) * a;
            }
            case ERF -> {
                float scale = (float) (s.alpha() / Math.sqrt(Math.PI)), c = -a * a;
                for (; i < bound; i += FL) {
                    FloatVector x = x(h, row, i, vth);
                    VectorMath.exp(x.mul(x).mul(c)).mul(scale).intoArray(out, i);
                }
                for (; i < len; i++) {
                    float x = h[row + i] - vth;
                    out[i] = exp(x * x * c) * scale;
                }
            }
            case PIECEWISE_EXP -> {
                float half = a / 2;
                for (; i < bound; i += FL) VectorMath.exp(x(h, row, i, vth).abs().mul(-a)).mul(half).intoArray(out, i);
                for (; i < len; i++) out[i] = exp(Math.abs(h[row + i] - vth) * -a) * half;
            }
            case SOFT_SIGN -> {
                float half = a / 2;
                for (; i < bound; i += FL) {
                    FloatVector d = x(h, row, i, vth).mul(a).abs().add(1f);
                    FloatVector.broadcast(F, half).div(d.mul(d)).intoArray(out, i);
                }
                for (; i < len; i++) {
                    float d = Math.abs((h[row + i] - vth) * a) + 1f;
                    out[i] = half / (d * d);
                }
            }
        }
    }

    private static FloatVector x(float[] h, int row, int i, float vth) { return FloatVector.fromArray(F, h, row + i).sub(vth); }

    /** The lanes' exp for one value, so a scalar tail gives the bits its lanes would. */
    private static float exp(float x) { return VectorMath.exp(FloatVector.broadcast(F, x)).lane(0); }
}
