package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.tensor.testing.Inputs;
import dev.galvani.tensor.testing.NdArray;
import dev.galvani.tensor.testing.OpInfo;
import dev.galvani.tensor.testing.OpTable;
import dev.galvani.tensor.testing.Sample;
import dev.galvani.tensor.testing.TensorAssert;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs every row of the operation table on the CPU backend, in every dtype the row lists. */
class OpTableCpuTest {

    static Stream<DynamicNode> run(Device device) {
        List<DynamicNode> ops = new ArrayList<>();
        for (OpInfo op : OpTable.all()) {
            List<DynamicNode> perDtype = new ArrayList<>();
            for (DType dt : DType.values()) {
                if (!op.dtypes().contains(dt)) continue;
                List<Sample> samples = op.samples().make(new Inputs(device, op.name().hashCode() * 31L + dt.ordinal()), dt);
                perDtype.add(DynamicContainer.dynamicContainer(dt.name(), samples.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> check(s)))));
            }
            ops.add(DynamicContainer.dynamicContainer(op.name(), perDtype.stream()));
        }
        return ops.stream();
    }

    static void check(Sample s) {
        List<NdArray> before = s.inputs().stream().map(NdArray::of).toList();
        Tensor out = s.call().apply(s.inputs());
        assertEquals(s.expectedDType(), out.dtype(), s.name() + ": dtype");
        TensorAssert.assertClose(s.reference().apply(before), out, s.tolerance(), s.name());
        // Operations never change their inputs.
        for (int i = 0; i < before.size(); i++)
            TensorAssert.assertClose(before.get(i), s.inputs().get(i), dev.galvani.tensor.testing.Tolerance.DEFAULT, s.name() + ": input " + i + " unchanged");
    }

    @TestFactory
    Stream<DynamicNode> cpu() { return run(Device.CPU); }
}
