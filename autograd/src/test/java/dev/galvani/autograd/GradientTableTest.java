package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.testing.Inputs;
import dev.galvani.tensor.testing.OpInfo;
import dev.galvani.tensor.testing.OpTable;
import dev.galvani.tensor.testing.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every differentiable row of the operation table (the tensor module's {@link OpTable}, plus the
 * autograd-only rows of {@link ExtraGradientRows}), every F64 sample: the inputs are marked
 * {@code requiresGrad(true)} as they are (non-contiguous views and broadcast inputs included), the
 * forward value with recording on must equal the value with recording off, and {@link GradCheck}
 * compares the analytic gradient with central differences.
 *
 * <p>Skip rule (each skip is printed, and a row may skip at most a quarter of its samples): a sample
 * is skipped when an input or the output holds a non-finite value (a difference quotient of inf or
 * NaN means nothing; a lone 1-D input first drops its non-finite elements, so the edge-value samples
 * still check 0, -0, 1e-30, +-30 and the halves), or when its graph sits within {@link #DELTA} of a
 * point where an op has no derivative ({@link Kinks}).
 */
class GradientTableTest {

    static final long SEED = 20240611L;
    static final double EPS = 1e-6;
    /** Distance to a kink below which finite differences are not trusted: a few eps. */
    static final double DELTA = 4 * EPS;
    /**
     * Memory locations checked per input; larger inputs are sampled, so that the table runs in
     * seconds. Inputs of the 300k-element reduction samples get fewer: each evaluation there is a
     * pass over all of them.
     */
    static final int MAX_ELEMENTS = 48, MAX_ELEMENTS_LARGE = 16;

    /** Every differentiable row that has F64 samples. */
    static List<OpInfo> rows() {
        List<OpInfo> rows = new ArrayList<>();
        for (OpInfo row : OpTable.all()) if (row.differentiable() && row.dtypes().contains(DType.F64)) rows.add(row);
        rows.addAll(ExtraGradientRows.all());
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> gradients() { return gradients(Device.CPU); }

    /** The table on one device: its inputs made there, its gradients computed and checked there. */
    static Stream<DynamicTest> gradients(Device device) {
        return rows().stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> checkRow(row, device)));
    }

    private static void checkRow(OpInfo row, Device device) {
        List<Sample> samples = row.samples().make(new Inputs(device, SEED), DType.F64);
        List<String> failures = new ArrayList<>(), skips = new ArrayList<>();
        for (Sample s : samples) {
            try {
                String skip = checkSample(row, s);
                if (skip != null) skips.add(s.name() + ": " + skip);
            } catch (AssertionError e) {
                failures.add(s.name() + ": " + e.getMessage());
            }
        }
        for (String s : skips) System.out.println("[gradient table] skipped " + row.name() + " / " + s);
        if (!failures.isEmpty()) fail(failures.size() + " of " + samples.size() + " samples failed:\n  " + String.join("\n  ", failures));
        assertTrue(skips.size() * 4 <= samples.size(), row.name() + ": " + skips.size() + " of " + samples.size() + " samples skipped: " + skips);
    }

    /** Checks one sample; returns why it was skipped, or null. */
    private static String checkSample(OpInfo row, Sample s) {
        List<Tensor> inputs = finitePart(s.inputs());
        for (Tensor t : inputs)
            if (t.dtype().isFloatingPoint() && !allFinite(t)) return "non-finite input";
        for (Tensor t : inputs) if (t.dtype().isFloatingPoint()) t.requiresGrad(true);

        Tensor recorded = s.call().apply(inputs);
        Tensor plain;
        try (var _ = GradMode.disable()) {
            plain = s.call().apply(inputs);
        }
        if (!recorded.shape().equals(plain.shape()) || recorded.dtype() != plain.dtype() || !sameValues(recorded, plain))
            throw new AssertionError("the forward value with recording on differs from the value with recording off");
        if (!recorded.requiresGrad()) throw new AssertionError("the output does not require grad: the op was not recorded");
        if (!allFinite(recorded)) return "non-finite output";
        String kink = Kinks.find(recorded, DELTA);
        if (kink != null) return "an input of " + kink + " is within " + DELTA + " of a point where it has no derivative";

        double eps = ExtraGradientRows.EPS.getOrDefault(row.name(), EPS);
        long largest = inputs.stream().mapToLong(Tensor::numel).max().orElse(0);
        int budget = largest > 100_000 ? MAX_ELEMENTS_LARGE : MAX_ELEMENTS;
        GradCheck.of(in -> s.call().apply(in), inputs).eps(eps).maxElements(budget).seed(SEED).run().orThrow();
        return null;
    }

    /**
     * The edge-value samples of element-wise ops are one vector holding inf and NaN among useful
     * finite values (0, -0, 1e-30, +-30, halves): for a single 1-D input, keep the finite ones.
     */
    private static List<Tensor> finitePart(List<Tensor> inputs) {
        if (inputs.size() != 1 || inputs.get(0).dim() != 1 || !inputs.get(0).dtype().isFloatingPoint()) return inputs;
        double[] v = inputs.get(0).toDoubleArray();
        if (Arrays.stream(v).allMatch(Double::isFinite)) return inputs;
        return List.of(Tensor.of(Arrays.stream(v).filter(Double::isFinite).toArray()).to(inputs.get(0).dtype()).to(inputs.get(0).device()));
    }

    static boolean allFinite(Tensor t) {
        for (double v : t.toDoubleArray()) if (!Double.isFinite(v)) return false;
        return true;
    }

    private static boolean sameValues(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray(), y = b.toDoubleArray();
        for (int i = 0; i < x.length; i++) if (Double.doubleToLongBits(x[i]) != Double.doubleToLongBits(y[i])) return false;
        return true;
    }
}
