package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.galvani.tensor.testing.OpInfo;
import dev.galvani.tensor.testing.OpTable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Adding a tensor operation without a row in the operation table fails the build. */
class OpTableCoverageTest {

    /** Tensor methods that are not operations on values, or that are tested elsewhere (with the test named). */
    static final Set<String> NOT_IN_TABLE = Set.of(
            // factories and conversions: CreationTest, RandomTest
            "of", "scalar", "zeros", "ones", "full", "zerosLike", "onesLike", "fullLike", "arange", "linspace", "eye",
            "rand", "randn", "randint", "bernoulli", "randperm", "to", "cpu", "detach",
            // autograd and in-place state: the autograd module's tests, InPlaceTest
            "requiresGrad", "grad", "backward", "retainGrad", "copyFrom", "addInPlace", "subInPlace", "mulInPlace", "divInPlace", "fill", "zero",
            // views over several parts: ErrorMessagesTest.splitAndChunkReturnViews
            "split", "chunk",
            // PyTorch's spellings of ops that have rows (max/min: amax/amin and maximum/minimum; t: T): PyTorchHabitsTest
            "max", "min", "t", "ofNested");

    @Test
    void everyTensorOperationHasARow() {
        Set<String> rows = OpTable.all().stream().map(OpInfo::name).map(n -> n.split("[ (]")[0]).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (Method m : Tensor.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || m.getReturnType() != Tensor.class) continue;
            String name = m.getName();
            if (!rows.contains(name) && !NOT_IN_TABLE.contains(name)) missing.add(name);
        }
        assertEquals(Set.of(), missing, "Tensor operations without a row in OpTable (add one, or list the method in NOT_IN_TABLE with the test that covers it): "
                + Arrays.toString(missing.toArray()));
    }
}
