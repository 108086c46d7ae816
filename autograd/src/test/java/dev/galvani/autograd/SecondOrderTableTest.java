package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.fail;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.testing.Inputs;
import dev.galvani.tensor.testing.OpInfo;
import dev.galvani.tensor.testing.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Second derivatives over the differentiable rows of the gradient table (PyTorch's gradgradcheck):
 * for each sample, the function checked is x -> d(sum(f(x) R))/dx computed by a backward pass that
 * creates a graph, and {@link GradCheck} compares its own backward (the gradient of the gradient)
 * with central differences of it. A term 0 * sum(x) keeps the result recorded where the first
 * derivative does not depend on x (linear ops), so that case is checked too: its second
 * derivative must be zero.
 *
 * <p>Every row must pass; a row that cannot would be listed in {@link #FIRST_ORDER_ONLY} with the
 * reason, and the printed summary says which rows support second order.
 */
class SecondOrderTableTest {

    /** Rows whose rules do not support a recorded backward pass, with the reason. None today. */
    static final Set<String> FIRST_ORDER_ONLY = Set.of();

    /** Samples per row (the first ones: contiguous layouts and the edge cases come first in each row). */
    static final int SAMPLES = 3, MAX_ELEMENTS = 12;

    private static final Set<String> SUPPORTED = new TreeSet<>();

    @TestFactory
    Stream<DynamicTest> secondDerivatives() {
        return GradientTableTest.rows().stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> checkRow(row)));
    }

    @AfterAll
    static void summary() {
        System.out.println("[second order] " + SUPPORTED.size() + " rows support second derivatives: " + SUPPORTED);
    }

    private static void checkRow(OpInfo row) {
        List<Sample> samples = row.samples().make(new Inputs(Device.CPU, GradientTableTest.SEED), DType.F64);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Sample s : samples) {
            if (checked == SAMPLES) break;
            try {
                if (checkSample(s)) checked++;
            } catch (AssertionError | RuntimeException e) {
                failures.add(s.name() + ": " + e);
                checked++;
            }
        }
        if (FIRST_ORDER_ONLY.contains(row.name())) return;
        if (!failures.isEmpty()) fail(failures.size() + " second-order checks failed:\n  " + String.join("\n  ", failures));
        if (checked > 0) SUPPORTED.add(row.name());
    }

    /** True when the sample was checked; false when skipped (non-finite values, a kink, nothing to differentiate). */
    private static boolean checkSample(Sample s) {
        List<Tensor> inputs = s.inputs();
        for (Tensor t : inputs)
            if (t.dtype().isFloatingPoint() && !GradientTableTest.allFinite(t)) return false;
        List<Integer> wrt = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++)
            if (inputs.get(i).dtype().isFloatingPoint()) {
                inputs.get(i).requiresGrad(true);
                wrt.add(i);
            }
        if (wrt.isEmpty()) return false;
        Tensor out = s.call().apply(inputs);
        if (!out.requiresGrad() || out.numel() == 0 || !GradientTableTest.allFinite(out)) return false;
        if (Kinks.find(out, GradientTableTest.DELTA) != null) return false;
        double[] r = new SplittableRandom(7).doubles(out.numel(), -1, 1).toArray();
        Tensor weights = Tensor.of(r).reshape(out.shape().dims());
        GradCheck.of(in -> firstGradient(s, in, wrt, weights), inputs).maxElements(MAX_ELEMENTS).seed(GradientTableTest.SEED).run().orThrow();
        return true;
    }

    /** d(sum(f(in) weights))/d(in[wrt]), recorded, flattened and joined, plus 0 * sum(in[wrt]). */
    private static Tensor firstGradient(Sample s, List<Tensor> in, List<Integer> wrt, Tensor weights) {
        try (var _ = dev.galvani.tensor.GradMode.enable()) {     // GradCheck evaluates its function with recording off
            return recordedFirstGradient(s, in, wrt, weights);
        }
    }

    private static Tensor recordedFirstGradient(Sample s, List<Tensor> in, List<Integer> wrt, Tensor weights) {
        Tensor y = s.call().apply(in);
        List<Tensor> x = wrt.stream().map(in::get).toList();
        List<Tensor> g = Autograd.grad(List.of(y), x, List.of(weights), true, true, true);
        List<Tensor> parts = new ArrayList<>();
        Tensor zero = null;
        for (int k = 0; k < x.size(); k++) {
            parts.add((g.get(k) == null ? x.get(k).detach().zerosLike() : g.get(k)).reshape(-1));
            Tensor z = x.get(k).sum().mul(0.0);
            zero = zero == null ? z : zero.add(z);
        }
        return Tensor.cat(parts, 0).add(zero);
    }
}
