package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.Surrogate;
import dev.galvani.tensor.cuda.CudaBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * On {@code cuda:0}: the gradient table, exactly as on the checking device ({@link GradientTableCheckTest}),
 * and the fused LIF kernels (lif.cu) against their composed form on the same GPU and against the CPU:
 * forward F32 spikes and membranes bit for bit with the CPU's fused kernel, gradients within float
 * rounding, for every neuron, reset and surrogate. Skipped where no CUDA device can be used.
 */
@Tag("cuda")
class CudaGradientTest {

    static final Device GPU = Device.cuda(0);

    @BeforeAll
    static void gpu() {
        Optional<String> why = CudaBackend.unavailableReason(0);
        assumeTrue(why.isEmpty(), () -> why.orElse(""));
    }

    @TestFactory
    Stream<DynamicTest> gradientTable() { return GradientTableTest.gradients(GPU); }

    @TestFactory
    Stream<DynamicTest> fusedLifAgainstComposedAndCpu() {
        List<DynamicTest> tests = new ArrayList<>();
        for (LifFusedTest.Neuron neuron : LifFusedTest.NEURONS)
            for (boolean hard : new boolean[]{true, false})
                for (Surrogate.Kind kind : Surrogate.Kind.values())
                    for (DType dt : new DType[]{DType.F32, DType.F64}) {
                        LifSpec spec = new LifSpec(neuron.kind(), 0.4, neuron.decayInput(), 1.0, hard ? -0.25 : Double.NaN, false, false,
                                new Surrogate(kind, kind.defaultAlpha()));
                        String name = neuron.name() + (hard ? " hard " : " soft ") + kind + " " + dt;
                        tests.add(DynamicTest.dynamicTest(name, () -> compare(spec, neuron.plif(), dt, name.hashCode())));
                    }
        return tests.stream();
    }

    private record Result(double[] spikes, double[] membrane, double[] dx, double[] dv0, double[] dw) {}

    private static void compare(LifSpec spec, boolean plif, DType dt, long seed) {
        for (int[] shape : new int[][]{{7, 37}, {5, 2100}, {3, 70_001}}) {
            Generator g = new Generator(seed);
            Tensor x = Tensor.rand(g, dt, shape).mul(2.5).sub(0.6), v0 = Tensor.rand(g, dt, shape[1]).mul(0.5), w = Tensor.scalar(dt, -0.3);
            Tensor gs = Tensor.randn(g, dt, shape), gm = Tensor.randn(g, dt, shape), gl = Tensor.randn(g, dt, shape[1]);
            Result cpu = run(true, Device.CPU, x, v0, w, plif, spec, gs, gm, gl);
            Result fused = run(true, GPU, x, v0, w, plif, spec, gs, gm, gl), composed = run(false, GPU, x, v0, w, plif, spec, gs, gm, gl);
            String where = java.util.Arrays.toString(shape) + " " + dt;
            assertArrayEquals(cpu.spikes, fused.spikes, "spikes, CUDA against the CPU's fused kernel " + where);
            assertArrayEquals(cpu.membrane, fused.membrane, "membrane, CUDA against the CPU's fused kernel " + where);
            double tol = dt == DType.F32 ? 5e-5 : 1e-9;
            close(composed.dx, fused.dx, tol, "dL/dx fused against composed " + where);
            close(composed.dv0, fused.dv0, tol, "dL/dv0 fused against composed " + where);
            close(cpu.dx, fused.dx, tol, "dL/dx against the CPU " + where);
            if (plif) close(composed.dw, fused.dw, dt == DType.F32 ? 1e-3 : 1e-8, "dL/dw " + where);
        }
    }

    private static Result run(boolean fused, Device device, Tensor x0, Tensor v00, Tensor w0, boolean plif, LifSpec spec, Tensor gs, Tensor gm, Tensor gl) {
        Tensor x = x0.to(device).detach().requiresGrad(true), v0 = v00.to(device).detach().requiresGrad(true), w = w0.to(device).detach().requiresGrad(true);
        Tensor k = plif ? w.sigmoid() : null;
        Spiking.LifResult r = fused ? Spiking.lif(x, v0, k, spec, true) : Spiking.lifUnrolled(x, v0, k, spec, true);
        List<Tensor> inputs = plif ? List.of(x, v0, w) : List.of(x, v0);
        List<Tensor> grads = Autograd.grad(List.of(r.spikes(), r.membrane(), r.last()), inputs, List.of(gs.to(device), gm.to(device), gl.to(device)), false, true);
        return new Result(r.spikes().toDoubleArray(), r.membrane().toDoubleArray(), grads.get(0).toDoubleArray(), grads.get(1).toDoubleArray(),
                plif ? grads.get(2).toDoubleArray() : null);
    }

    private static void close(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], actual[i], tol * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
    }
}
