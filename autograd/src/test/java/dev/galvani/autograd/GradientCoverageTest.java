package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Node;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.UnaryOp;
import dev.galvani.tensor.testing.Inputs;
import dev.galvani.tensor.testing.OpInfo;
import dev.galvani.tensor.testing.Sample;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Adding a differentiable op without a gradient test fails the build: the ops recorded while the
 * gradient table runs must all have had their rule exercised, every registered rule (one per op
 * record type) must be recorded by some row of the table (or be listed below with the test that
 * covers it), and every element-wise function, with tensors and with a Java number, must be
 * recorded by some row (their rules are switches over the op enums, one rule per record type).
 */
class GradientCoverageTest {

    /** Rules the table does not reach, each with the test that covers it instead. */
    static final Map<Class<?>, String> NOT_IN_TABLE = Map.of(
            Context.Call.class, "custom Functions: FunctionTest",
            dev.galvani.tensor.Ops.ToDevice.class, "a copy between two devices: CheckDeviceGradientTest (the table runs on one device)",
            dev.galvani.tensor.Ops.Lif.class, "the fused LIF, whose surrogate gradient is no finite difference: LifFusedTest against the unrolled neuron, "
                    + "whose spike rule the table checks");

    /** Rules registered by this module's test resources to test the engine's checks. */
    static boolean testFixture(Class<?> op) { return op == TestRules.Wrong.class; }

    @Test
    void everyRecordedOpHasItsRuleRunAndEveryRuleIsInTheTable() {
        Set<String> recorded = new TreeSet<>(), exercised = new TreeSet<>();
        Set<Class<?>> recordedTypes = new HashSet<>();
        for (OpInfo row : GradientTableTest.rows())
            for (Sample s : row.samples().make(new Inputs(Device.CPU, GradientTableTest.SEED), DType.F64)) run(s, recorded, exercised, recordedTypes);
        Set<String> notRun = new TreeSet<>(recorded);
        notRun.removeAll(exercised);
        assertEquals(Set.of(), notRun, "recorded ops whose rule did not run in backward");

        Set<String> stale = new TreeSet<>();
        for (Class<?> c : NOT_IN_TABLE.keySet()) if (recordedTypes.contains(c)) stale.add(c.getName());
        assertEquals(Set.of(), stale, "ops listed in NOT_IN_TABLE are now recorded by the table: remove them from the list");

        Set<String> untested = new TreeSet<>();
        for (Class<?> op : RuleRegistry.ops())
            if (!recordedTypes.contains(op) && !NOT_IN_TABLE.containsKey(op) && !testFixture(op)) untested.add(op.getName());
        assertEquals(Set.of(), untested, "derivative rules no row of the gradient table exercises: add rows (OpTable or ExtraGradientRows)");

        Set<String> functions = new TreeSet<>();
        for (UnaryOp op : UnaryOp.values()) functions.add(new Ops.Unary(op).name());
        for (BinaryOp op : BinaryOp.values())
            if (!op.boolResult()) {
                functions.add(new Ops.Binary(op).name());
                functions.add(new Ops.BinaryScalar(op, 1, false).name());
            }
        functions.removeAll(recorded);
        assertEquals(Set.of(), functions, "element-wise functions no row of the gradient table records: add rows (OpTable or ExtraGradientRows)");
    }

    /** Forward with recording, collect the graph's ops, backward, and see which nodes ran their rule (the engine frees them). */
    private static void run(Sample s, Set<String> recorded, Set<String> exercised, Set<Class<?>> types) {
        List<Tensor> inputs = s.inputs();
        for (Tensor t : inputs) if (t.dtype().isFloatingPoint()) t.requiresGrad(true);
        Tensor out = s.call().apply(inputs);
        if (out.gradFn() == null) return;
        Set<Node> nodes = Kinks.nodes(out);
        for (Node n : nodes) {
            recorded.add(n.name());
            types.add(n.op().getClass());
        }
        out.backward(out.onesLike());
        for (Node n : nodes) if (n.isFreed()) exercised.add(n.name());
    }
}
