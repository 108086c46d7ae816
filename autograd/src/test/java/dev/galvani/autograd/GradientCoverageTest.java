package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Node;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.testing.Inputs;
import dev.galvani.tensor.testing.OpInfo;
import dev.galvani.tensor.testing.Sample;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Adding a differentiable op without a gradient test fails the build: the ops recorded while the
 * gradient table runs must all have had their rule exercised, and every registered rule must be
 * recorded by some row of the table (or be listed below with the test that covers it).
 */
class GradientCoverageTest {

    /** Rules the table does not reach, each with the test that covers it instead. */
    static final Map<String, String> NOT_IN_TABLE = Map.of(
            "function", "custom Functions: FunctionTest");

    /** Rules registered by this module's test resources to test the engine's checks. */
    static boolean testFixture(String op) { return op.startsWith("test."); }

    @Test
    void everyRecordedOpHasItsRuleRunAndEveryRuleIsInTheTable() {
        Set<String> recorded = new TreeSet<>(), exercised = new TreeSet<>();
        for (OpInfo row : GradientTableTest.rows())
            for (Sample s : row.samples().make(new Inputs(Device.CPU, GradientTableTest.SEED), DType.F64)) run(s, recorded, exercised);
        Set<String> notRun = new TreeSet<>(recorded);
        notRun.removeAll(exercised);
        assertEquals(Set.of(), notRun, "recorded ops whose rule did not run in backward");

        Set<String> stale = new TreeSet<>(NOT_IN_TABLE.keySet());
        stale.retainAll(recorded);
        assertEquals(Set.of(), stale, "ops listed in NOT_IN_TABLE are now recorded by the table: remove them from the list");

        Set<String> untested = new TreeSet<>();
        for (String op : RuleRegistry.ops())
            if (!recorded.contains(op) && !NOT_IN_TABLE.containsKey(op) && !testFixture(op)) untested.add(op);
        assertEquals(Set.of(), untested, "derivative rules no row of the gradient table exercises: add rows (OpTable or ExtraGradientRows)");
    }

    /** Forward with recording, collect the graph's ops, backward, and see which nodes ran their rule (the engine frees them). */
    private static void run(Sample s, Set<String> recorded, Set<String> exercised) {
        List<Tensor> inputs = s.inputs();
        for (Tensor t : inputs) if (t.dtype().isFloatingPoint()) t.requiresGrad(true);
        Tensor out = s.call().apply(inputs);
        if (out.gradFn() == null) return;
        Set<Node> nodes = Kinks.nodes(out);
        for (Node n : nodes) recorded.add(n.op());
        out.backward(out.onesLike());
        for (Node n : nodes) if (n.isFreed()) exercised.add(n.op());
    }
}
