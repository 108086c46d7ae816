package dev.galvani.tensor.cpu;

import java.lang.ref.Reference;

/**
 * Runs a kernel and keeps its operands reachable until it has returned. A kernel works on the bare
 * arrays; without the fence the JIT may let an operand (and so its storage) become unreachable while
 * the kernel still reads the array, and the allocator's cleaner would then hand the array to another
 * tensor mid-kernel. Every {@link CpuBackend} and {@link CpuKernelFamilies} entry point goes through here.
 */
final class Fence {

    private Fence() {}

    static void run(Runnable kernel, Object... operands) {
        try {
            kernel.run();
        } finally {
            Reference.reachabilityFence(operands);       // the array holds each operand until here
        }
    }
}
