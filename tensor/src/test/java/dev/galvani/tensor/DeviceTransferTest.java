package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.check.CheckBackend;
import org.junit.jupiter.api.Test;

/** Copies between devices, and the front end's promise never to wait for a device on its own. */
class DeviceTransferTest {

    static final Device CHECK0 = new Device("check", 0), CHECK1 = new Device("check", 1);

    @Test
    void toTheSameDeviceIsTheTensorItself() {
        Tensor x = Tensor.ones(CHECK0, 3);
        assertSame(x, x.to(CHECK0));
    }

    @Test
    void aDirectCopyBetweenDevicesNeitherWaitsNorStagesThroughTheHost() {
        Tensor x = Tensor.arange(0, 12, 1, CHECK0).to(DType.F32).reshape(3, 4).transpose(0, 1);    // strided source
        CheckBackend.Counters from = CheckBackend.of(CHECK0).counters(), to = CheckBackend.of(CHECK1).counters();
        Tensor y = x.to(CHECK1).mul(2.0);
        CheckBackend.Counters sentBy = CheckBackend.of(CHECK0).counters().minus(from), receivedBy = CheckBackend.of(CHECK1).counters().minus(to);
        assertEquals(0, sentBy.synchronizations() + sentBy.deviceToHost() + receivedBy.synchronizations() + receivedBy.hostToDevice(),
                "stream to stream: " + sentBy + " / " + receivedBy);
        assertEquals(CHECK1, y.device());
        assertArrayEquals(new float[]{0, 8, 16, 2, 10, 18, 4, 12, 20, 6, 14, 22}, y.toFloatArray());
    }

    @Test
    void toTheCpuAndBackStagesThroughTheHost() {
        Tensor x = Tensor.randn(new Generator(3), CHECK0, 5);
        Tensor host = x.to(Device.CPU);
        assertArrayEquals(Tensor.randn(new Generator(3), 5).toFloatArray(), host.toFloatArray(), "the same Philox numbers on every device");
        assertArrayEquals(host.toFloatArray(), host.to(CHECK0).toFloatArray());
    }

    @Test
    void aKernelErrorOnAnAsynchronousDeviceSurfacesAtTheNextRead() {
        Tensor x = Tensor.ones(CHECK0, 2, 3);
        Tensor bad = Tensor.of(new long[]{0, 7}).to(CHECK0);
        Tensor y = x.indexSelect(1, bad);                                        // no wait: the index is checked by the kernel
        var e = assertThrows(IndexOutOfBoundsException.class, y::toFloatArray);
        assertTrue(e.getMessage().startsWith("indexSelect: index 7 is out of bounds for dimension 1 with size 3"), e.getMessage());
        assertArrayEquals(new float[]{3, 3}, x.sum(1).toFloatArray(), "the device works again once its error is reported");
    }
}
