package dev.galvani.tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A fixed set of computations whose results must not depend on whether the kernels run in the
 * interpreter or as JIT-compiled code. {@link ReproducibilityTest} runs it in a child JVM under
 * {@code -Xint} and compares, bit for bit, with a warmed-up run in the test JVM.
 *
 * <p>Sizes are chosen to reach every kernel path that reduces vector lanes: the single long run split
 * across threads (more than 2^16 elements), per-row reductions, GEMM (small, and blocked over several
 * k panels on all threads) and its dot-product path,
 * convolution, batch norm and its backward pass.
 */
public final class ReproducibilityProbe {

    private ReproducibilityProbe() {}

    /** Result name to the bits of every element, as hex. */
    public static Map<String, String> results() {
        Map<String, Supplier<Tensor>> cases = new LinkedHashMap<>();
        for (DType t : List.of(DType.F32, DType.F64)) {
            Generator g = new Generator(7);
            Tensor big = Tensor.randn(g, t, 1 << 17);
            Tensor rows = Tensor.randn(g, t, 12, 333);
            Tensor a = Tensor.randn(g, t, 37, 70), b = Tensor.randn(g, t, 70, 45), v = Tensor.randn(g, t, 70);
            Tensor bigA = Tensor.randn(g, t, 48, 320), bigB = Tensor.randn(g, t, 320, 72);    // k > F_KC, work > PARALLEL_MIN
            Tensor x = Tensor.randn(g, t, 2, 3, 9, 9), w = Tensor.randn(g, t, 4, 3, 3, 3);
            Tensor gamma = Tensor.randn(g, t, 3), beta = Tensor.randn(g, t, 3);
            String s = t.name() + " ";
            cases.put(s + "sum of 2^17", big::sum);
            cases.put(s + "mean of 2^17", big::mean);
            cases.put(s + "var of 2^17", () -> big.var(true));
            cases.put(s + "norm of 2^17", () -> big.norm());
            cases.put(s + "row sums", () -> rows.sum(1));
            cases.put(s + "column sums", () -> rows.sum(0));
            cases.put(s + "row var", () -> rows.var(1, true, false));
            cases.put(s + "logsumexp", () -> rows.logsumexp(1, false));
            cases.put(s + "exp", () -> rows.exp());
            cases.put(s + "tanh", () -> rows.tanh());
            cases.put(s + "sigmoid", () -> rows.sigmoid());
            cases.put(s + "log", () -> rows.abs().log());
            cases.put(s + "expm1", () -> rows.expm1());
            cases.put(s + "log1p", () -> rows.abs().log1p());
            cases.put(s + "silu", () -> rows.silu());
            cases.put(s + "sin", () -> rows.sin());
            cases.put(s + "cos", () -> rows.cos());
            cases.put(s + "pow", () -> rows.abs().pow(rows));
            cases.put(s + "atan2", () -> rows.atan2(rows.flip(0)));
            cases.put(s + "matmul", () -> a.matmul(b));
            cases.put(s + "matmul, several k panels, threaded", () -> bigA.matmul(bigB));
            cases.put(s + "matrix-vector", () -> a.matmul(v));
            cases.put(s + "vector-matrix", () -> v.matmul(b));
            cases.put(s + "conv2d", () -> Convolution.conv2d(x, w, null, 1, 1));
            cases.put(s + "batch norm", () -> Normalization.batchNorm(x, gamma, beta, null, null, true, 1e-5).output());
            cases.put(s + "batch norm backward", () -> {
                var r = Normalization.batchNorm(x, gamma, beta, null, null, true, 1e-5);
                return Normalization.batchNormBackward(x.cos(), x, gamma, r.mean(), r.invstd(), true, true, true, true)[0];
            });
        }
        Map<String, String> out = new LinkedHashMap<>();
        cases.forEach((name, c) -> out.put(name, bits(c.get())));
        return out;
    }

    private static String bits(Tensor t) {
        double[] v = t.toDoubleArray();
        List<String> hex = new ArrayList<>(v.length);
        if (t.dtype() == DType.F32) for (double d : v) hex.add(Integer.toHexString(Float.floatToRawIntBits((float) d)));
        else for (double d : v) hex.add(Long.toHexString(Double.doubleToRawLongBits(d)));
        return String.join(",", hex);
    }

    /** Prints one line per result: name, a tab, the bits. */
    public static void main(String[] args) {
        results().forEach((name, bits) -> System.out.println(name + "\t" + bits));
    }
}
