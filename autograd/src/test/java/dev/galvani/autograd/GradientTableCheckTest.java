package dev.galvani.autograd;

import dev.galvani.tensor.Device;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The gradient table on the checking device of the tensor test jar: {@code check:0} (asynchronous,
 * off-heap, every kernel family) and {@code check:1} (the core only: every fused op's gradient goes
 * through its composed form). Each finite difference reads the device, so this is the table's
 * slowest run; the rules themselves never read it.
 */
class GradientTableCheckTest {

    @TestFactory
    Stream<DynamicTest> withKernelFamilies() { return GradientTableTest.gradients(new Device("check", 0)); }

    @TestFactory
    Stream<DynamicTest> coreOnly() { return GradientTableTest.gradients(new Device("check", 1)); }
}
