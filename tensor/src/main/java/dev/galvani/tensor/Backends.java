package dev.galvani.tensor;

import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.cpu.CpuBackend;

/** Finds the backend that owns a device. The CUDA backend registers here when it is built. */
final class Backends {

    private Backends() {}

    static Backend of(Device device) {
        if (device.isCpu()) return CpuBackend.INSTANCE;
        throw new UnsupportedOperationException("device " + device + ": this build of Galvani has no CUDA backend yet");
    }

    /** The one backend shared by several tensors, or an error naming the op and the devices. */
    static Backend of(String op, Tensor... tensors) {
        Device d = tensors[0].device();
        for (Tensor t : tensors)
            if (!t.device().equals(d))
                throw new IllegalArgumentException(op + ": tensors on different devices (" + d + " and " + t.device() + ")");
        return of(d);
    }
}
