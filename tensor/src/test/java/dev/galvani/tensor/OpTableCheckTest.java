package dev.galvani.tensor;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole operation table on the checking device (tests' {@code dev.galvani.tensor.check}):
 * {@code check:0}, asynchronous and off-heap with every kernel family, and {@code check:1}, with
 * the core only, where every fused operation runs its composed form against the same references.
 */
class OpTableCheckTest {

    @TestFactory
    Stream<DynamicNode> withKernelFamilies() { return OpTableCpuTest.run(new Device("check", 0)); }

    @TestFactory
    Stream<DynamicNode> coreOnly() { return OpTableCpuTest.run(new Device("check", 1)); }
}
