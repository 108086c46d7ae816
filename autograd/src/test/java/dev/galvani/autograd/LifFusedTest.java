package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.Surrogate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The fused multi-step LIF against the same neuron unrolled step by step from recorded tensor
 * operations, for every neuron (IF, LIF with and without input decay, PLIF with and without) ×
 * reset (hard, soft) × detachReset × surrogate: the forward outputs bit for bit, and the gradients
 * with respect to the input, the initial membrane and PLIF's decay (through all three outputs)
 * within 1e-6, in F64, for T = 1 and T = 7, N = 37 (not a multiple of any vector width),
 * N = 2100 and N = 16,421 (two kernel blocks of 16,384), inputs that cross the threshold often, exact ties, and a
 * non-contiguous input.
 */
class LifFusedTest {

    record Neuron(String name, LifSpec.Kind kind, boolean decayInput, boolean plif) {}

    static final List<Neuron> NEURONS = List.of(new Neuron("IF", LifSpec.Kind.IF, true, false),
            new Neuron("LIF", LifSpec.Kind.LIF, true, false), new Neuron("LIF no input decay", LifSpec.Kind.LIF, false, false),
            new Neuron("PLIF", LifSpec.Kind.LIF, true, true), new Neuron("PLIF no input decay", LifSpec.Kind.LIF, false, true));

    @TestFactory
    Stream<DynamicTest> everyCombination() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Neuron neuron : NEURONS)
            for (boolean hard : new boolean[]{true, false})
                for (boolean detach : new boolean[]{false, true})
                    for (Surrogate.Kind kind : Surrogate.Kind.values()) {
                        LifSpec spec = new LifSpec(neuron.kind(), 0.4, neuron.decayInput(), 1.0, hard ? -0.25 : Double.NaN, detach, false,
                                new Surrogate(kind, kind.defaultAlpha()));
                        String name = neuron.name() + (hard ? " hard" : " soft") + (detach ? " detached" : "") + " " + kind;
                        tests.add(DynamicTest.dynamicTest(name, () -> compare(spec, neuron.plif(), name.hashCode())));
                    }
        return tests.stream();
    }

    /**
     * The F32 kernel runs in vector lanes with a scalar tail: its gradients against autograd through
     * the unrolled F32 graph (the same spikes, bit for bit), within float rounding, on widths that
     * leave a tail (37, 2100) for every combination; T = 7 and 9 run groups of four steps and single steps.
     */
    @TestFactory
    Stream<DynamicTest> everyCombinationInF32() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Neuron neuron : NEURONS)
            for (boolean hard : new boolean[]{true, false})
                for (boolean detach : new boolean[]{false, true})
                    for (Surrogate.Kind kind : Surrogate.Kind.values()) {
                        LifSpec spec = new LifSpec(neuron.kind(), 0.4, neuron.decayInput(), 1.0, hard ? -0.25 : Double.NaN, detach, false,
                                new Surrogate(kind, kind.defaultAlpha()));
                        String name = neuron.name() + (hard ? " hard" : " soft") + (detach ? " detached" : "") + " " + kind + " F32";
                        tests.add(DynamicTest.dynamicTest(name, () -> compareF32(spec, neuron.plif(), name.hashCode())));
                    }
        return tests.stream();
    }

    private static void compareF32(LifSpec spec, boolean plif, long seed) {
        for (int[] shape : new int[][]{{3, 37}, {7, 2100}, {9, 37}, {3, 16_421}}) {
            Generator g = new Generator(seed);
            Tensor x = Tensor.rand(g, DType.F32, shape).mul(2.5).sub(0.6);
            Tensor v0 = Tensor.rand(g, DType.F32, shape[1]).mul(0.5);
            Tensor w = Tensor.scalar(DType.F32, -0.3);
            Tensor gs = Tensor.randn(g, DType.F32, shape), gm = Tensor.randn(g, DType.F32, shape), gl = Tensor.randn(g, DType.F32, shape[1]);
            Result fused = run(true, x, v0, w, plif, spec, gs, gm, gl), unrolled = run(false, x, v0, w, plif, spec, gs, gm, gl);
            String where = java.util.Arrays.toString(shape) + " F32";
            assertArrayEquals(unrolled.spikes, fused.spikes, "spikes " + where);
            assertArrayEquals(unrolled.membrane, fused.membrane, "membrane " + where);
            assertClose(unrolled.dx, fused.dx, 2e-5, "dL/dx " + where);
            assertClose(unrolled.dv0, fused.dv0, 2e-5, "dL/dv0 " + where);
            if (plif) assertClose(unrolled.dw, fused.dw, 1e-4, "dL/dw " + where);
        }
    }

    private static void compare(LifSpec spec, boolean plif, long seed) {
        for (int[] shape : new int[][]{{1, 37}, {7, 37}, {7, 2100}, {3, 16_421}, {7, 3, 13}}) {
            Generator g = new Generator(seed);
            // Inputs around the threshold, a few landing exactly on it from a zero membrane (a tie must spike).
            Tensor x = Tensor.rand(g, DType.F64, shape).mul(2.5).sub(0.6);
            if (shape[0] > 1) x = Tensor.where(Tensor.rand(g, DType.F64, shape).lt(0.05), 1.0, x);
            boolean strided = shape.length == 3;
            Tensor input = strided ? x.transpose(1, 2).contiguous().transpose(1, 2) : x;
            Tensor v0 = Tensor.rand(g, DType.F64, java.util.Arrays.copyOfRange(shape, 1, shape.length)).mul(0.5);
            Tensor w = Tensor.scalar(DType.F64, -0.3);                      // PLIF: k = sigmoid(w)
            Tensor gs = Tensor.randn(g, DType.F64, shape), gm = Tensor.randn(g, DType.F64, shape), gl = Tensor.randn(g, DType.F64, v0.shape().dims());
            Result fused = run(true, input, v0, w, plif, spec, gs, gm, gl), unrolled = run(false, input, v0, w, plif, spec, gs, gm, gl);
            String where = java.util.Arrays.toString(shape) + (strided ? " (non-contiguous)" : "");
            assertArrayEquals(unrolled.spikes, fused.spikes, "spikes " + where);
            assertArrayEquals(unrolled.membrane, fused.membrane, "membrane " + where);
            assertArrayEquals(unrolled.last, fused.last, "last membrane " + where);
            assertClose(unrolled.dx, fused.dx, "dL/dx " + where);
            assertClose(unrolled.dv0, fused.dv0, "dL/dv0 " + where);
            if (plif) assertClose(unrolled.dw, fused.dw, "dL/dw " + where);
        }
    }

    record Result(double[] spikes, double[] membrane, double[] last, double[] dx, double[] dv0, double[] dw) {}

    private static Result run(boolean fused, Tensor x0, Tensor v00, Tensor w0, boolean plif, LifSpec spec, Tensor gs, Tensor gm, Tensor gl) {
        Tensor x = x0.detach().requiresGrad(true), v0 = v00.detach().requiresGrad(true), w = w0.detach().requiresGrad(true);
        Tensor k = plif ? w.sigmoid() : null;
        Spiking.LifResult r = fused ? Spiking.lif(x, v0, k, spec, true) : Spiking.lifUnrolled(x, v0, k, spec, true);
        if (fused) assertEquals(spec.kind() == LifSpec.Kind.IF ? "multiStepIF" : "multiStepLIF", r.spikes().gradFn().name(), "the fused op was recorded");
        List<Tensor> inputs = plif ? List.of(x, v0, w) : List.of(x, v0);
        List<Tensor> grads = Autograd.grad(List.of(r.spikes(), r.membrane(), r.last()), inputs, List.of(gs, gm, gl), false, true);
        return new Result(r.spikes().toDoubleArray(), r.membrane().toDoubleArray(), r.last().toDoubleArray(), grads.get(0).toDoubleArray(),
                grads.get(1).toDoubleArray(), plif ? grads.get(2).toDoubleArray() : null);
    }

    private static void assertClose(double[] expected, double[] actual, String what) { assertClose(expected, actual, 1e-6, what); }

    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++)
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * Math.max(1, Math.abs(expected[i])),
                    what + " [" + i + "]: unrolled " + expected[i] + ", fused " + actual[i]);
    }

    @Test
    void f32ForwardIsBitForBitTheUnrolledForm() {
        Generator g = new Generator(8);
        for (Neuron neuron : NEURONS)
          for (double reset : new double[]{0.1, Double.NaN}) {
            LifSpec spec = new LifSpec(neuron.kind(), 0.3, neuron.decayInput(), 0.7, reset, false, false, Surrogate.atan());
            Tensor x = Tensor.rand(g, 9, 130).mul(2.0).sub(0.5), k = neuron.plif() ? Tensor.scalar(0.37) : null;
            Spiking.LifResult a = Spiking.lif(x, null, k, spec, true), b = Spiking.lifUnrolled(x, null, k, spec, true);
            assertArrayEquals(b.spikes().toFloatArray(), a.spikes().toFloatArray(), neuron.name());
            assertArrayEquals(b.membrane().toFloatArray(), a.membrane().toFloatArray(), neuron.name());
        }
    }

    @Test
    void aTieSpikesAndTheTemporalDetachCutsOnlyTheMembranePath() {
        LifSpec spec = new LifSpec(LifSpec.Kind.IF, 1, true, 1.0, 0.0, false, true, Surrogate.piecewiseQuadratic());
        Tensor x = Tensor.of(new double[]{1.0, 0.5, 0.25}, 3, 1).requiresGrad(true);
        Spiking.LifResult r = Spiking.lif(x, null, null, spec, true);
        assertArrayEquals(new double[]{1, 0, 0}, r.spikes().toDoubleArray(), "H = V_th spikes");
        // With the temporal path cut (SLTT), dL/dX[t] only sees step t: dS[t]/dX[t] = σ'(H[t] − V_th).
        List<Tensor> gx = Autograd.grad(List.of(r.spikes().sum()), List.of(x));
        double[] h = {1.0, 0.5, 0.75};
        for (int t = 0; t < 3; t++) assertEquals(Surrogate.piecewiseQuadratic().derivative(h[t] - 1), gx.get(0).toDoubleArray()[t], 1e-15);
    }
}
