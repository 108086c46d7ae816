package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/** A tensor too large for the heap fails with a message that names the op, the shape, the bytes and the fix. */
class OutOfMemoryMessageTest {

    /** 2^31 - 16 doubles: 16 GiB, more than the test JVM's heap on the machines we run on. */
    private static final int HUGE = Integer.MAX_VALUE - 16;

    @Test void aTensorLargerThanTheHeapSaysWhatItAskedFor() {
        long bytes = (long) HUGE * 8;
        assumeTrue(Runtime.getRuntime().maxMemory() < bytes, "the heap would hold the tensor");
        var e = assertThrows(TensorOutOfMemoryError.class, () -> Tensor.ones(DType.F64, HUGE));
        String m = e.getMessage();
        assertTrue(m.startsWith("Tensor.ones: cannot allocate a F64 tensor of shape [" + HUGE + "] on cpu"), m);
        assertTrue(m.contains(String.format(java.util.Locale.ROOT, "%,d bytes", bytes)), m);
        assertTrue(m.contains("-Xmx"), m);
        assertTrue(e.getCause() instanceof OutOfMemoryError, "the JVM's error is kept as the cause");
        assertEquals(2.5, Tensor.ones(DType.F64, 4).mul(2.5).sum().item() / 4, "the library works on after the failure");
    }

    @Test void anOpThatAllocatesItsOutputIsNamed() {
        Tensor x = Tensor.zeros(DType.F64, 1).expand(HUGE);     // a view: no memory yet
        assumeTrue(Runtime.getRuntime().maxMemory() < (long) HUGE * 8, "the heap would hold the tensor");
        var e = assertThrows(TensorOutOfMemoryError.class, x::contiguous);
        assertTrue(e.getMessage().startsWith("Tensor.contiguous: "), e.getMessage());
    }
}
