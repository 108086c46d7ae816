package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.BackendProvider;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.Distribution;
import dev.galvani.tensor.backend.DeviceMemory;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.ReduceOp;
import dev.galvani.tensor.backend.Storage;
import dev.galvani.tensor.backend.UnaryOp;

/**
 * The CPU backend: heap arrays from a caching pool ({@link CpuAllocator}), Vector API SIMD,
 * Galvani's ForkJoin pool. It is synchronous: every call has finished when it returns. This class
 * only routes; each family of kernels lives in its own class, and the optional families
 * (convolution, pooling, normalisation, optimizer updates) are registered as kernel providers
 * ({@link CpuKernelFamilies}).
 *
 * <p>Every kernel call runs through {@link Fence}, which keeps its operands reachable until it returns.
 */
public final class CpuBackend implements Backend {

    /** The one CPU backend, shared by every "cpu" device. */
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    /** Registers the CPU backend for device type "cpu" (ServiceLoader needs a public class with a public constructor). */
    public static final class Provider implements BackendProvider {
        /** Creates the provider; ServiceLoader calls it. */
        public Provider() {}

        @Override public String deviceType() { return Device.CPU.type(); }

        @Override public Backend open(int index) {
            requireVectorModule();
            Gemm.warmUpInBackground();   // the first product after start-up then finds the GEMM kernels compiled
            return INSTANCE;
        }
    }

    /**
     * The kernels are Vector API code: without the incubator module the first one to run would
     * fail with a bare {@code NoClassDefFoundError}. Checked once, when the backend first opens, so
     * the first tensor made says which flags are missing instead.
     */
    static void requireVectorModule() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty())
            throw new IllegalStateException("""
                    Galvani's CPU backend needs the JVM flags --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED, \
                    and this JVM was started without the first: java --add-modules jdk.incubator.vector ... ; \
                    JShell: ./galvani jshell, or jshell -R--add-modules -Rjdk.incubator.vector ... ; \
                    Maven Surefire: <argLine>--add-modules jdk.incubator.vector</argLine>""");
    }

    /** The backing array of a CPU operand (float[], double[], int[], long[] or boolean[]). */
    public static Object array(Operand t) { return ((CpuStorage) t.storage()).array(); }

    @Override public Device device() { return Device.CPU; }

    // ---- memory ----------------------------------------------------------------------------------

    @Override public Storage allocate(DType dtype, int length) { return CpuAllocator.INSTANCE.allocate(dtype, length, true); }

    @Override public Storage allocateUninitialized(DType dtype, int length) { return CpuAllocator.INSTANCE.allocate(dtype, length, false); }

    @Override public Storage fromHost(Object hostArray, DType dtype) { return CpuAllocator.INSTANCE.adopt(dtype, hostArray); }

    /** A fresh array that the caller owns: never one of the pool's. */
    @Override public Object toHost(Operand x) {
        CpuStorage dense = CpuStorage.unpooled(x.dtype(), (int) x.numel());
        ElementwiseKernels.copy(x, Operand.contiguous(dense, x.shape().dims()));
        return dense.array();
    }

    @Override public void synchronize() {}

    @Override public DeviceMemory memory() { return CpuAllocator.INSTANCE; }

    // ---- core primitives -----------------------------------------------------------------------

    @Override public void copy(Operand src, Operand dst) {
        Fence.run(() -> ElementwiseKernels.copy(src, dst), src, dst);
    }

    @Override public void fill(Operand dst, double value) {
        Fence.run(() -> ElementwiseKernels.fill(dst, value), dst);
    }

    @Override public void unary(UnaryOp op, Operand x, Operand out) {
        Fence.run(() -> ElementwiseKernels.unary(op, x, out), x, out);
    }

    @Override public void binary(BinaryOp op, Operand a, Operand b, Operand out) {
        Fence.run(() -> ElementwiseKernels.binary(op, a, b, out), a, b, out);
    }

    /** The scalar as a one-element array broadcast with zero strides: the binary kernel fills a vector row with it once per row. */
    @Override public void binaryScalar(BinaryOp op, Operand a, Number scalar, boolean scalarFirst, Operand out) {
        CpuStorage one = CpuStorage.unpooled(a.dtype(), 1);
        if (a.dtype().isFloatingPoint()) Scalars.setDouble(one.array(), a.dtype(), 0, scalar.doubleValue());
        else Scalars.setLong(one.array(), a.dtype(), 0, scalar.longValue());
        Operand s = one.broadcast(a.shape().dims());
        Fence.run(() -> ElementwiseKernels.binary(op, scalarFirst ? s : a, scalarFirst ? a : s, out), a, out);
    }

    @Override public void where(Operand cond, Operand a, Operand b, Operand out) {
        Fence.run(() -> ElementwiseKernels.where(cond, a, b, out), cond, a, b, out);
    }

    @Override public void reduce(ReduceOp op, Operand x, int[] dims, Operand out) {
        Fence.run(() -> ReduceKernels.reduce(op, x, dims, out), x, out);
    }

    @Override public void cumsum(Operand x, int dim, Operand out) {
        Fence.run(() -> ReduceKernels.cumsum(x, dim, out), x, out);
    }

    @Override public void matmul(Operand a, Operand b, Operand out) {
        Fence.run(() -> MatmulKernels.matmul(a, b, out), a, b, out);
    }

    @Override public void indexSelect(Operand x, int dim, Operand index, Operand out) {
        Fence.run(() -> IndexKernels.indexSelect(x, dim, index, out), x, index, out);
    }

    @Override public void gather(Operand x, int dim, Operand index, Operand out) {
        Fence.run(() -> IndexKernels.gather(x, dim, index, out), x, index, out);
    }

    @Override public void scatterAdd(Operand target, int dim, Operand index, Operand src) {
        Fence.run(() -> IndexKernels.scatterAdd(target, dim, index, src), target, index, src);
    }

    @Override public void random(Distribution dist, Operand out, long seed, long offset) {
        Fence.run(() -> RandomKernels.fill(dist, out, seed, offset), out);
    }
}
