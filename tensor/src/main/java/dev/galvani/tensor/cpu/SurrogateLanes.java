package dev.galvani.tensor.cpu;

import static dev.galvani.tensor.cpu.Simd.F;

import dev.galvani.tensor.backend.Surrogate;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * The surrogate derivatives σ'(x) of {@link Surrogate} (SNN reference §4) in float, for vector lanes
 * and, with the same operations in the same order, for a scalar tail. The constants are folded
 * once per call: for ATan σ'(x) = (α/2) / (1 + (πα/2 · x)²), and so on. The exponentials are
 * {@link VectorMath#exp}, not the Vector API's {@code EXP} lanes, whose results differ between
 * the interpreter and compiled code (the same run would give other bits after warm-up).
 */
final class SurrogateLanes {

    private SurrogateLanes() {}

    static FloatVector derivative(Surrogate s, FloatVector x) {
        float a = (float) s.alpha();
        return switch (s.kind()) {
            case ATAN -> {
                FloatVector u = x.mul((float) (Math.PI * s.alpha() / 2));
                yield FloatVector.broadcast(F, a / 2).div(u.mul(u).add(1f));
            }
            case SIGMOID -> {
                FloatVector sig = FloatVector.broadcast(F, 1f).div(VectorMath.exp(x.mul(-a)).add(1f));
                yield sig.mul(a).mul(sig.neg().add(1f));
            }
            case FAST_SIGMOID -> {
                FloatVector d = x.abs().mul(a).add(1f);
                yield FloatVector.broadcast(F, 1f).div(d.mul(d));
            }
            case PIECEWISE_QUADRATIC -> {
                FloatVector ax = x.abs();
                yield ax.mul(-a * a).add(a).blend(0f, ax.compare(VectorOperators.GT, 1 / a));
            }
            case TRIANGLE -> x.abs().neg().add(1f).max(0f).mul(a);
            case ERF -> VectorMath.exp(x.mul(x).mul(-a * a)).mul((float) (s.alpha() / Math.sqrt(Math.PI)));
            case PIECEWISE_EXP -> VectorMath.exp(x.abs().mul(-a)).mul(a / 2);
            case SOFT_SIGN -> {
                FloatVector d = x.mul(a).abs().add(1f);
                yield FloatVector.broadcast(F, a / 2).div(d.mul(d));
            }
        };
    }

    static float derivative(Surrogate s, float x) {
        float a = (float) s.alpha();
        return switch (s.kind()) {
            case ATAN -> {
                float u = x * (float) (Math.PI * s.alpha() / 2);
                yield a / 2 / (u * u + 1f);
            }
            case SIGMOID -> {
                float sig = 1f / (exp(x * -a) + 1f);
                yield sig * a * (-sig + 1f);
            }
            case FAST_SIGMOID -> {
                float d = Math.abs(x) * a + 1f;
                yield 1f / (d * d);
            }
            case PIECEWISE_QUADRATIC -> {
                float ax = Math.abs(x);
                yield ax > 1 / a ? 0f : ax * (-a * a) + a;
            }
            case TRIANGLE -> Math.max(-Math.abs(x) + 1f, 0f) * a;
            case ERF -> exp(x * x * (-a * a)) * (float) (s.alpha() / Math.sqrt(Math.PI));
            case PIECEWISE_EXP -> exp(Math.abs(x) * -a) * (a / 2);
            case SOFT_SIGN -> {
                float d = Math.abs(x * a) + 1f;
                yield a / 2 / (d * d);
            }
        };
    }

    /** The lanes' exp for one value, so a scalar tail gives the bits its lanes would. */
    private static float exp(float x) { return VectorMath.exp(FloatVector.broadcast(F, x)).lane(0); }
}
