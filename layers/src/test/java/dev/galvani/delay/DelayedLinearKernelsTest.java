package dev.galvani.delay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.autograd.Autograd;
import dev.galvani.delay.DelayedLinear.Kernel;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.DelaySpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layer's kernel choice (GEMM form, sparse taps, integer delays) and each kernel against the
 * reference path of recorded operations: values and gradients in F32 within 1e-5 and F64 within
 * 1e-10 of each tensor's scale where the math is the same, the truncation bound where it is not,
 * and the streaming form step by step.
 */
class DelayedLinearKernelsTest {

    static DelayedLinear layer(DType dt, double sigma, long seed) {
        var layer = new DelayedLinear(21, 6, 9, new Generator(seed));
        layer.to(dt);
        try (var _ = Autograd.noGrad()) {
            layer.sigma.value().fill(sigma);
        }
        return layer;
    }

    static void close(Tensor expected, Tensor actual, double rel, String what) {
        assertNotNull(expected, what + ": no reference");
        assertNotNull(actual, what + ": no value");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double scale = 0, err = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            err = Math.max(err, Math.abs(e[i] - a[i]));
        }
        assertTrue(err <= rel * scale, what + ": error " + err + " against scale " + scale);
    }

    /** Output, dx, dW, dP of one forward and backward under the loss Σ y·g. */
    static List<Tensor> run(DelayedLinear layer, Kernel kernel, Tensor x) {
        layer.kernel(kernel);
        layer.zeroGrad();
        Tensor in = x.detach().requiresGrad(true);
        Tensor y = layer.forward(in);
        Tensor g = Tensor.randn(new Generator(77), DType.F64, y.shape().dims()).to(y.dtype());
        y.mul(g).sum().backward();
        return new ArrayList<>(java.util.Arrays.asList(y.detach(), in.grad(), layer.weight.grad(), layer.positions.grad()));
    }

    @Test void autoTakesTheGemmFormThenSparseTapsAtTheFloorThenIntegerDelays() {
        var layer = layer(DType.F32, 12, 1);
        assertEquals(Kernel.GEMM, layer.activeKernel());
        var schedule = new SigmaSchedule(List.of(layer), 12, 3);
        schedule.step(0);
        schedule.step(1);
        assertEquals(Kernel.GEMM, layer.activeKernel(), "σ = " + schedule.sigma());
        schedule.step(2);
        assertEquals(Kernel.SPARSE_TAPS, layer.activeKernel(), "σ = " + schedule.sigma() + " is the floor");
        layer.eval();
        assertEquals(Kernel.INTEGER, layer.activeKernel());
        layer.kernel(Kernel.GEMM);
        assertEquals(Kernel.GEMM, layer.activeKernel());
        // A σ written by hand (a checkpoint) is seen: its storage changed.
        layer.kernel(Kernel.AUTO).train();
        try (var _ = Autograd.noGrad()) {
            layer.sigma.value().fill(5);
        }
        assertEquals(Kernel.GEMM, layer.activeKernel());
    }

    @Test void theGemmFormTrainsAsTheReference() {
        Tensor x = Tensor.randn(new Generator(2), DType.F64, 11, 19, 21);
        for (DType dt : List.of(DType.F32, DType.F64)) {
            var layer = layer(dt, 2.5, 3);
            List<Tensor> ref = run(layer, Kernel.REFERENCE, x.to(dt)), gemm = run(layer, Kernel.GEMM, x.to(dt));
            double tol = dt == DType.F32 ? 1e-5 : 1e-10;
            String[] names = {"y", "dx", "dW", "dP"};
            for (int i = 0; i < names.length; i++) close(ref.get(i), gemm.get(i), tol, "GEMM " + names[i] + " " + dt);
        }
    }

    /**
     * At the floor the sparse taps drop at most the tolerance of each synapse's mass: the output is
     * within {@code tolerance · Σ_i |W[o, i]| · max |x|} of the reference; with the tolerance near
     * zero the radius covers every tap and values and gradients match the reference.
     */
    @Test void sparseTapsAtTheFloorStayWithinTheirBound() {
        Tensor x = Tensor.randn(new Generator(4), DType.F64, 11, 19, 21);
        var layer = layer(DType.F64, SigmaSchedule.FLOOR, 5);
        for (double tol : new double[]{1e-2, 1e-3, 1e-5}) {
            layer.sparseTolerance(tol);
            double[] ref = run(layer, Kernel.REFERENCE, x).get(0).toDoubleArray(), sparse = run(layer, Kernel.SPARSE_TAPS, x).get(0).toDoubleArray();
            double[] wAbs = layer.weight.value().abs().sum(1, false).toDoubleArray();
            double xmax = x.abs().amax().itemDouble(), worst = 0;
            for (int e = 0; e < ref.length; e++) {
                double allowed = tol * wAbs[e % 6] * xmax;
                assertTrue(Math.abs(ref[e] - sparse[e]) <= allowed, "tolerance " + tol + ", element " + e);
                worst = Math.max(worst, Math.abs(ref[e] - sparse[e]) / allowed);
            }
            assertTrue(worst > 0, "the truncation drops something at " + tol);
        }
        for (DType dt : List.of(DType.F32, DType.F64)) {
            var exact = layer(dt, SigmaSchedule.FLOOR, 5).sparseTolerance(1e-300);        // radius beyond every tap
            List<Tensor> ref = run(exact, Kernel.REFERENCE, x.to(dt)), sparse = run(exact, Kernel.SPARSE_TAPS, x.to(dt));
            double tol = dt == DType.F32 ? 1e-5 : 1e-10;
            String[] names = {"y", "dx", "dW", "dP"};
            for (int i = 0; i < names.length; i++) close(ref.get(i), sparse.get(i), tol, "sparse " + names[i] + " " + dt);
        }
    }

    @Test void everyKernelEvaluatesAsTheRoundedReference() {
        Tensor x = Tensor.randn(new Generator(6), DType.F64, 11, 19, 21);
        for (DType dt : List.of(DType.F32, DType.F64)) {
            var layer = layer(dt, 0.7, 7);
            layer.eval();
            Tensor ref;
            try (var _ = Autograd.noGrad()) {
                ref = layer.kernel(Kernel.REFERENCE).forward(x.to(dt));
                for (Kernel k : List.of(Kernel.AUTO, Kernel.GEMM, Kernel.SPARSE_TAPS, Kernel.INTEGER))
                    close(ref, layer.kernel(k).forward(x.to(dt)), dt == DType.F32 ? 1e-5 : 1e-10, k + " " + dt);
            }
        }
    }

    /** Integer delays while training: the weights learn over fixed rounded delays (SNN-delays' lr0 arm); the positions get no gradient. */
    @Test void integerDelaysTrainTheWeightsOnly() {
        Tensor x = Tensor.randn(new Generator(8), DType.F64, 11, 3, 21);
        var layer = layer(DType.F64, 0.7, 9);
        List<Tensor> integer = run(layer, Kernel.INTEGER, x);
        assertNull(integer.get(3));
        // The rounded reference (max kernel, σ = 0, rounded P) from recorded operations, differentiated in x and W.
        Tensor in = x.detach().requiresGrad(true), w = layer.weight.value().detach().requiresGrad(true);
        Tensor k = DelayKernel.build(DelayKernel.Version.MAX, w, DelayKernel.roundedPositions(layer.positions.value().detach(), 9),
                layer.sigma.value().zerosLike(), 9);
        Tensor y = DelayedLinear.correlate(in, k, 9);
        y.mul(Tensor.randn(new Generator(77), DType.F64, y.shape().dims())).sum().backward();
        close(y.detach(), integer.get(0), 1e-10, "y");
        close(in.grad(), integer.get(1), 1e-10, "dx");
        close(w.grad(), integer.get(2), 1e-10, "dW");
    }

    /** The stream's step t is the evaluation form's output step t (then zero inputs for the right padding), and reset starts over. */
    @Test void theStreamIsTheSequenceFormStepByStep() {
        int steps = 14;
        for (DType dt : List.of(DType.F32, DType.F64)) {
            var layer = layer(dt, 0.7, 10);
            layer.eval();
            Tensor x = Tensor.randn(new Generator(11), DType.F64, steps, 3, 21).to(dt), y;
            try (var _ = Autograd.noGrad()) {
                y = layer.forward(x);
            }
            var stream = new DelayStream(layer, 3);
            for (int pass = 0; pass < 2; pass++) {
                for (int t = 0; t < y.size(0); t++) {
                    Tensor in = t < steps ? x.select(0, t) : Tensor.zeros(dt, 3, 21);
                    close(y.select(0, t), stream.step(in), dt == DType.F32 ? 1e-5 : 1e-10, dt + " step " + t + " pass " + pass);
                }
                stream.reset();
            }
        }
    }

    @Test void theSparseRadiusFollowsSigmaAndTolerance() {
        var layer = layer(DType.F32, SigmaSchedule.FLOOR, 12);
        assertEquals(DelaySpec.gaussRadius(0.5, 1e-5), layer.sparseRadius(), 1e-6);
        layer.sparseTolerance(1e-3);
        assertTrue(layer.sparseRadius() < DelaySpec.gaussRadius(0.5, 1e-5));
    }
}
