package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ComplexTensor}: arithmetic, abs, angle, conj against complex arithmetic written out per
 * element; PyTorch's real layout both ways; the spectral channel mixing against a naive einsum loop;
 * printing against text recorded from PyTorch by
 * {@code src/test/resources/reference/make_complex_reference.py}.
 */
class ComplexTensorTest {

    private static ComplexTensor random(long seed, int... shape) {
        Generator g = new Generator(seed);
        return ComplexTensor.of(Tensor.randn(g, DType.F64, shape), Tensor.randn(g, DType.F64, shape));
    }

    /** Element i as {re, im}. */
    private static double[] at(ComplexTensor z, int i) {
        return new double[]{z.real().contiguous().reshape(-1).get(i), z.imag().contiguous().reshape(-1).get(i)};
    }

    @Test
    void arithmeticAsComplexNumbers() {
        ComplexTensor a = random(1, 3, 4), b = random(2, 3, 4);
        Tensor r = Tensor.randn(new Generator(3), DType.F64, 4).add(3.0);
        for (int i = 0; i < 12; i++) {
            double[] x = at(a, i), y = at(b, i);
            double rr = r.get(i % 4);
            assertPair(new double[]{x[0] + y[0], x[1] + y[1]}, at(a.add(b), i), "add");
            assertPair(new double[]{x[0] - y[0], x[1] - y[1]}, at(a.sub(b), i), "sub");
            assertPair(new double[]{x[0] * y[0] - x[1] * y[1], x[0] * y[1] + x[1] * y[0]}, at(a.mul(b), i), "mul");
            double den = y[0] * y[0] + y[1] * y[1];
            assertPair(new double[]{(x[0] * y[0] + x[1] * y[1]) / den, (x[1] * y[0] - x[0] * y[1]) / den}, at(a.div(b), i), "div");
            assertPair(new double[]{x[0] + rr, x[1]}, at(a.add(r), i), "add real");
            assertPair(new double[]{x[0] - rr, x[1]}, at(a.sub(r), i), "sub real");
            assertPair(new double[]{x[0] * rr, x[1] * rr}, at(a.mul(r), i), "mul real");
            assertPair(new double[]{x[0] / rr, x[1] / rr}, at(a.div(r), i), "div real");
            assertPair(new double[]{x[0], -x[1]}, at(a.conj(), i), "conj");
            assertPair(new double[]{-x[0], -x[1]}, at(a.neg(), i), "neg");
            assertPair(new double[]{Math.exp(x[0]) * Math.cos(x[1]), Math.exp(x[0]) * Math.sin(x[1])}, at(a.exp(), i), "exp");
            assertEquals(Math.hypot(x[0], x[1]), a.abs().reshape(-1).get(i), 1e-14, "abs");
            assertEquals(Math.atan2(x[1], x[0]), a.angle().reshape(-1).get(i), 1e-15, "angle");
            double[] p = at(ComplexTensor.polar(a.abs(), a.angle()), i);
            assertPair(x, p, "polar(abs, angle)");
        }
        assertArrayEquals(a.real().sum(0, false).toDoubleArray(), a.sum(new int[]{0}, false).real().toDoubleArray(), 1e-14);
        assertEquals(a.imag().mean().itemDouble(), a.mean().imag().itemDouble(), 1e-15);
    }

    private static void assertPair(double[] want, double[] got, String what) {
        assertEquals(want[0], got[0], 1e-13 * Math.max(1, Math.abs(want[0])), what + " (real)");
        assertEquals(want[1], got[1], 1e-13 * Math.max(1, Math.abs(want[1])), what + " (imaginary)");
    }

    @Test
    void partsArePromotedAndBroadcastTogether() {
        ComplexTensor z = ComplexTensor.of(Tensor.ones(DType.F32, 2, 3), Tensor.of(new double[]{1, 2, 3}));
        assertEquals(DType.F64, z.dtype());
        assertArrayEquals(new int[]{2, 3}, z.shape().dims());
        assertArrayEquals(new double[]{1, 2, 3, 1, 2, 3}, z.imag().toDoubleArray());
        assertEquals(DType.F32, ComplexTensor.ofReal(Tensor.of(new long[]{1, 2})).dtype());
        assertThrows(IllegalArgumentException.class, () -> ComplexTensor.of(Tensor.ones(2, 3), Tensor.ones(4)));
    }

    @Test
    void pyTorchRealLayoutBothWays() {
        Tensor x = Tensor.arange(DType.F64, 0, 12, 1).reshape(3, 2, 2);
        ComplexTensor z = x.viewAsComplex();
        assertArrayEquals(new double[]{0, 2, 4, 6, 8, 10}, z.real().toDoubleArray());
        assertArrayEquals(new double[]{1, 3, 5, 7, 9, 11}, z.imag().toDoubleArray());
        assertTrue(z.real().storage() == x.storage(), "viewAsComplex makes views, not copies");
        assertArrayEquals(x.toDoubleArray(), z.viewAsReal().toDoubleArray());
        assertArrayEquals(new int[]{3, 2, 2}, z.viewAsReal().shape().dims());
        assertThrows(IllegalArgumentException.class, () -> Tensor.ones(3, 3).viewAsComplex());
    }

    @Test
    void randnHasUnitVarianceSplitOverTheParts() {
        ComplexTensor z = ComplexTensor.randn(new Generator(4), DType.F64, Device.CPU, 100_000);
        assertEquals(1.0, z.absSquare().mean().itemDouble(), 0.02);
        assertEquals(0.5, z.real().square().mean().itemDouble(), 0.01);
        assertEquals(0.5, z.imag().square().mean().itemDouble(), 0.01);
    }

    /** y[b, o, m] = Σ_i x[b, i, m] w[i, o, m], complex, by a naive loop. */
    @Test
    void channelMixIsTheSpectralEinsum() {
        int b = 2, in = 3, out = 4, m1 = 2, m2 = 5;
        ComplexTensor x = random(5, b, in, m1, m2), w = random(6, in, out, m1, m2);
        ComplexTensor y = ComplexTensor.channelMix(x, w);
        assertArrayEquals(new int[]{b, out, m1, m2}, y.shape().dims());
        for (int bi = 0; bi < b; bi++)
            for (int o = 0; o < out; o++)
                for (int p = 0; p < m1; p++)
                    for (int q = 0; q < m2; q++) {
                        double re = 0, im = 0;
                        for (int i = 0; i < in; i++) {
                            double xr = x.real().get(bi, i, p, q), xi = x.imag().get(bi, i, p, q), wr = w.real().get(i, o, p, q), wi = w.imag().get(i, o, p, q);
                            re += xr * wr - xi * wi;
                            im += xr * wi + xi * wr;
                        }
                        assertEquals(re, y.real().get(bi, o, p, q), 1e-13);
                        assertEquals(im, y.imag().get(bi, o, p, q), 1e-13);
                    }
        assertThrows(IllegalArgumentException.class, () -> ComplexTensor.channelMix(x, random(7, in, out, m1, 3)));
    }

    @Test
    void printingMatchesPyTorch() throws IOException {
        List<String> lines = TorchParityTest.lines("torch_complex_printing.txt");
        int cases = 0;
        for (int i = 0; i < lines.size(); i++) {
            String header = lines.get(i);
            if (!header.startsWith("### ")) continue;
            String[] f = header.substring(4).split("\\|", -1);
            StringBuilder text = new StringBuilder();
            for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("### "); j++) text.append(j > i + 1 ? "\n" : "").append(lines.get(j));
            int[] shape = f[2].isEmpty() ? new int[0] : Arrays.stream(f[2].split(",")).mapToInt(Integer::parseInt).toArray();
            DType dt = DType.valueOf(f[1]);
            Tensor re = Tensor.of(values(f[3])).reshape(shape).to(dt), im = Tensor.of(values(f[4])).reshape(shape).to(dt);
            String expected = text.toString().replace("torch.complex128", "complex128");
            assertEquals(expected, ComplexTensor.of(re, im).toString(), "printing case '" + f[0] + "'");
            cases++;
        }
        assertFalse(cases < 10, "only " + cases + " printing cases");
    }

    private static double[] values(String csv) { return csv.isEmpty() ? new double[0] : Arrays.stream(csv.split(",")).mapToDouble(TorchParityTest::parse).toArray(); }
}
