package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.galvani.tensor.Device;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gradients across devices: {@code to(device)} is recorded, so a gradient goes back to where its tensor came from. */
class CheckDeviceGradientTest {

    static final Device CHECK = new Device("check", 0);

    @Test
    void gradientsFlowBackAcrossADeviceCopy() {
        Tensor x = Tensor.of(new double[]{-1, 0, 0.5, 2}).requiresGrad(true);
        Tensor onDevice = x.to(CHECK);
        assertEquals(CHECK, onDevice.device());
        assertSame(Ops.ToDevice.class, onDevice.gradFn().op().getClass());
        onDevice.exp().sum().backward();
        assertEquals(Device.CPU, x.grad().device());
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) expected[i] = Math.exp(new double[]{-1, 0, 0.5, 2}[i]);
        assertArrayEquals(expected, x.grad().toDoubleArray(), 1e-15);       // d(sum exp x)/dx = exp x, the same kernel bits
    }

    @Test
    void aRoundTripPassesTheGradientCheckInBothDirections() {
        Tensor x = Tensor.of(new double[]{0.3, -1.2, 2.5, 0.7, -0.1, 1.9}, 2, 3).requiresGrad(true);
        GradCheck.of(in -> in.get(0).to(CHECK).mul(3.0).sin().to(Device.CPU), List.of(x)).run().orThrow();
        Tensor y = Tensor.of(new double[]{0.4, -0.8}).to(CHECK).requiresGrad(true);
        GradCheck.of(in -> in.get(0).to(Device.CPU).square().to(CHECK), List.of(y)).run().orThrow();
    }
}
