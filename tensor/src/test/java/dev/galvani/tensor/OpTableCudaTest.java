package dev.galvani.tensor;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.galvani.tensor.cuda.CudaBackend;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole operation table on {@code cuda:0}, exactly as on the checking device ({@link
 * OpTableCheckTest}), with every launch checked at once (debug mode) so a failure names its kernel.
 * Skipped where no CUDA device can be used.
 */
@Tag("cuda")
class OpTableCudaTest {

    @TestFactory
    Stream<DynamicNode> onCuda() {
        Optional<String> why = CudaBackend.unavailableReason(0);
        assumeTrue(why.isEmpty(), () -> why.orElse(""));
        CudaBackend.debug(true);
        return OpTableCpuTest.run(Device.cuda(0));
    }
}
