package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.BackendProvider;
import dev.galvani.tensor.backend.BackendUnavailableException;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.DeviceMemory;
import dev.galvani.tensor.backend.Distribution;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.ReduceOp;
import dev.galvani.tensor.backend.Storage;
import dev.galvani.tensor.backend.UnaryOp;
import dev.galvani.tensor.cpu.CpuBackend;
import dev.galvani.tensor.cpu.CpuStorage;
import dev.galvani.tensor.cuda.KernelArgs.Signature;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import jcuda.driver.CUevent;

/**
 * The CUDA backend, device type "cuda": the core of {@link Backend} on one NVIDIA GPU through JCuda's
 * driver API ({@link CudaContext}), with the {@link CachingAllocator}, Galvani's kernels from
 * galvani-cuda-kernels, cuBLAS for matrix products where it is found ({@link Cublas}), and the
 * fused multi-step LIF as its first kernel family ({@link CudaKernelFamilies}).
 *
 * <p>Work is asynchronous, in order on the device's one stream: a call returns once its kernel is
 * enqueued, and values reach the host only through {@link #toHost} and {@link #synchronize}, which
 * wait and report the first error a kernel recorded, as the checking device of the tests does.
 *
 * <p><b>Native and host-fallback primitives.</b> Native kernels: fill, copy/cast (all dtypes),
 * unary (F32, F64, I32, I64), binary and binaryScalar (all dtypes; F32 with a vectorised contiguous
 * path), where (all dtypes), reduce (sum, prod, max, min, argmax, argmin on F32, F64, I32, I64),
 * cumsum (F32, F64, I32, I64), matmul (F32 and F64: cuBLAS, else Galvani's tiled kernels), random
 * (every distribution), indexSelect, gather and scatterAdd (all dtypes; scatterAdd deterministic and
 * bit-identical to the CPU, without atomics), and the kernel families of {@link CudaKernelFamilies};
 * unary and reductions also on BOOL (as the integers 0 and 1, results "not zero"). Everything else
 * (cumsum on BOOL, empty reductions, integer matmul, layouts of more than eight merged dimensions) runs as a clearly labelled <b>host fallback</b>: the operands' storages are
 * copied to the host, the CPU kernel runs, the output is copied back; each is counted by primitive
 * ({@link #hostFallbacks}), so the whole operation table runs on "cuda" while kernels are added.
 */
public final class CudaBackend implements Backend {

    private static final Map<Integer, CudaBackend> OPEN = new ConcurrentHashMap<>();
    private static final Map<Integer, String> UNAVAILABLE = new ConcurrentHashMap<>();

    private final Device device;
    private final CudaContext context;
    private final CachingAllocator allocator;
    private final Optional<Cublas> cublas;
    private final Map<String, LongAdder> fallbacks = new ConcurrentHashMap<>();
    private final AtomicReference<RuntimeException> pendingError = new AtomicReference<>();
    private volatile boolean tf32 = Boolean.getBoolean(TF32_PROPERTY);

    /**
     * The system property that allows TF32 tensor cores in F32 matrix products from the start
     * ({@code -Dgalvani.cuda.tf32=true}); default false: exact FP32. See {@link #allowTf32}.
     */
    public static final String TF32_PROPERTY = "galvani.cuda.tf32";

    /** Registers the CUDA backend for device type "cuda" (ServiceLoader needs a public class with a public constructor). */
    public static final class Provider implements BackendProvider {
        /** Creates the provider; ServiceLoader calls it. */
        public Provider() {}

        @Override public String deviceType() { return "cuda"; }

        @Override public Backend open(int index) { return CudaBackend.open(index); }
    }

    private CudaBackend(CudaContext context) {
        this.device = context.device();
        this.context = context;
        this.allocator = new CachingAllocator(context.rawMemory(), device.toString());
        this.cublas = Cublas.open(context, CudaLibraries.system());
    }

    /**
     * The backend of device {@code cuda:index}, opened once; a device that cannot be used throws a
     * {@link BackendUnavailableException} whose message is one sentence saying why.
     */
    public static CudaBackend open(int index) {
        CudaBackend b = OPEN.get(index);
        if (b != null) return b;
        synchronized (OPEN) {
            b = OPEN.get(index);
            if (b != null) return b;
            String known = UNAVAILABLE.get(index);
            if (known != null) throw new BackendUnavailableException(known);
            try {
                Device device = Device.cuda(index);
                Optional<String> problem = CudaAvailability.problem(device, CudaAvailability.system());
                if (problem.isPresent()) throw new BackendUnavailableException(problem.get());
                ClassLoader loader = CudaBackend.class.getClassLoader();
                byte[] fatbin = KernelImage.fatbin(loader).orElseThrow();
                b = new CudaBackend(CudaContext.open(device, fatbin, KernelImage.architectures(loader)));
                OPEN.put(index, b);
                return b;
            } catch (BackendUnavailableException e) {
                UNAVAILABLE.put(index, e.getMessage());
                throw e;
            }
        }
    }

    /** Why {@code cuda:index} cannot be used, or empty when it can (opening it if needed): for tests' assumptions. */
    public static Optional<String> unavailableReason(int index) {
        try {
            open(index);
            return Optional.empty();
        } catch (BackendUnavailableException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Turns the check-every-launch debug mode on or off (also {@code -Dgalvani.cuda.debug=true}). */
    public static void debug(boolean on) { CudaContext.debug = on; }

    /** The GPU in words: name, compute capability, SMs, memory, driver, and whether cuBLAS is used. */
    public String describe() {
        return context + ", " + (cublas.map(c -> "cuBLAS " + c.library).orElse("no cuBLAS: Galvani's GEMM kernels")) + ", kernels "
                + KernelImage.architectures(CudaBackend.class.getClassLoader());
    }

    /** Whether matrix products go to cuBLAS. */
    public boolean usesCublas() { return cublas.isPresent(); }

    /** Kernel launches since the device was opened. */
    public long launches() { return context.launches(); }

    /** How many times each primitive ran as a host fallback (copy to the host, CPU kernel, copy back). */
    public Map<String, Long> hostFallbacks() {
        Map<String, Long> out = new TreeMap<>();
        fallbacks.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Milliseconds of device time {@code work} enqueued, measured with CUDA events around it (waits for it). */
    public float timeMillis(Runnable work) {
        CUevent start = context.record();
        work.run();
        CUevent end = context.record();
        return context.elapsedMillis(start, end);
    }

    /** Bytes copied device to device in {@code millis}: the copy bandwidth the benchmarks compare kernels with. */
    public float copyMillis(Operand src, Operand dst) {
        return timeMillis(() -> context.copyDeviceToDevice(address(src), address(dst), src.numel() * src.dtype().byteSize()));
    }

    @Override public Device device() { return device; }

    // ---- memory ----------------------------------------------------------------------------------

    @Override public Storage allocate(DType dtype, int length) {
        CudaStorage s = newStorage(dtype, length);
        context.memset(s.address(), (byte) 0, (long) length * dtype.byteSize());
        return s;
    }

    /** In debug mode the bytes are set to 0xFF (NaN, -1, true), as the checking device does, so a kernel that counted on zeros shows. */
    @Override public Storage allocateUninitialized(DType dtype, int length) {
        CudaStorage s = newStorage(dtype, length);
        if (CudaContext.debug) context.memset(s.address(), (byte) 0xFF, (long) length * dtype.byteSize());
        return s;
    }

    private CudaStorage newStorage(DType dtype, int length) {
        long address = allocator.allocate((long) length * dtype.byteSize());
        return new CudaStorage(device, allocator, dtype, length, address);
    }

    @Override public Storage fromHost(Object hostArray, DType dtype) {
        int n = java.lang.reflect.Array.getLength(hostArray);
        CudaStorage s = newStorage(dtype, n);
        try (Arena arena = Arena.ofConfined()) {
            context.upload(HostArrays.toSegment(arena, hostArray, dtype, n), s.address());
        }
        return s;
    }

    @Override public Object toHost(Operand x) {
        int n = (int) x.numel();
        DType dt = x.dtype();
        Operand dense = x;
        CudaStorage temp = null;
        if (!x.isContiguous() && n > 0) {
            temp = newStorage(dt, n);
            dense = Operand.contiguous(temp, x.shape().dims());
            copy(x, dense);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, (long) n * dt.byteSize()), 16).asSlice(0, (long) n * dt.byteSize());
            if (n > 0) context.download(address(dense), host);
            else synchronize();
            throwPending();
            return HostArrays.fromSegment(host, dt, n);
        } finally {
            if (temp != null) temp.release();
        }
    }

    @Override public void synchronize() {
        context.synchronize();
        throwPending();
    }

    /** The first error a host fallback deferred (the CPU kernel's, e.g. an index out of range), thrown at the next wait. */
    private void throwPending() {
        RuntimeException e = pendingError.getAndSet(null);
        if (e != null) throw e;
    }

    @Override public DeviceMemory memory() { return allocator; }

    /** The address of an operand's element 0 (its storage's address plus its offset), checking it is this device's and live. */
    long address(Operand o) { return storage(o).address() + (long) o.offset() * o.dtype().byteSize(); }

    /** The address of an operand's storage, for kernels that take the offset in a Strided struct. */
    private long base(Operand o) { return storage(o).address(); }

    private CudaStorage storage(Operand o) {
        if (!(o.storage() instanceof CudaStorage s) || !o.device().equals(device))
            throw new IllegalArgumentException(device + ": an operand on " + o.device() + " reached it (" + o + ")");
        return s;
    }

    CudaContext context() { return context; }

    CachingAllocator allocator() { return allocator; }

    // ---- data movement ---------------------------------------------------------------------------------

    @Override public void copy(Operand src, Operand dst) {
        int n = (int) dst.numel();
        if (n == 0) return;
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
            context.copyDeviceToDevice(address(src), address(dst), (long) n * src.dtype().byteSize());
            return;
        }
        CudaLayouts.Coalesced c = CudaLayouts.coalesce(dst.shape().dims(), src.strides(), dst.strides());
        if (!c.fits()) { onHost("copy (more than 8 dimensions)", dst, o -> CpuBackend.INSTANCE.copy(o[0], o[1]), src, dst); return; }
        launch(KernelArgs.of(Kernels.COPY.named("copy_" + Kernels.suffix(src.dtype()) + "_" + Kernels.suffix(dst.dtype())))
                .ptr(base(src)).ptr(base(dst)).shape(c.shapeStruct()).strided(c.stridedStruct(0, src.offset())).strided(c.stridedStruct(1, dst.offset())).i64(n), n);
    }

    @Override public void fill(Operand dst, double value) {
        int n = (int) dst.numel();
        if (n == 0) return;
        CudaLayouts.Coalesced c = CudaLayouts.coalesce(dst.shape().dims(), dst.strides());
        if (!c.fits()) { onHost("fill (more than 8 dimensions)", dst, o -> CpuBackend.INSTANCE.fill(o[0], value), dst); return; }
        DType dt = dst.dtype();
        String name = "fill_" + Kernels.suffix(dt);
        KernelArgs args = KernelArgs.of((dt.isFloatingPoint() ? Kernels.FILL_FLOAT : Kernels.FILL_INT).named(name))
                .ptr(base(dst)).shape(c.shapeStruct()).strided(c.stridedStruct(0, dst.offset())).i64(n);
        switch (dt) {
            case F32, F64 -> args.f64(value);
            case I32 -> args.i64((int) value);
            case I64 -> args.i64((long) value);
            case BOOL -> args.i64(value != 0 ? 1 : 0);
        }
        launch(args, n);
    }

    // ---- element-wise ----------------------------------------------------------------------------------

    @Override public void unary(UnaryOp op, Operand x, Operand out) {
        int n = (int) out.numel();
        if (n == 0) return;
        DType dt = x.dtype();
        if (dt == DType.F32 && vectorisable(x, out)) {
            launchVector(KernelArgs.of(Kernels.UNARY_CONTIGUOUS).ptr(address(x)).ptr(address(out)).i64(n).i32(op.ordinal()), n);
            return;
        }
        CudaLayouts.Coalesced c = CudaLayouts.coalesce(out.shape().dims(), x.strides(), out.strides());
        if (!c.fits()) { onHost("unary " + op.opName() + " " + dt, out, o -> CpuBackend.INSTANCE.unary(op, o[0], o[1]), x, out); return; }
        launch(KernelArgs.of(Kernels.UNARY.named("unary_" + Kernels.suffix(dt))).ptr(base(x)).ptr(base(out)).shape(c.shapeStruct())
                .strided(c.stridedStruct(0, x.offset())).strided(c.stridedStruct(1, out.offset())).i64(n).i32(op.ordinal()), n);
    }

    @Override public void binary(BinaryOp op, Operand a, Operand b, Operand out) { binary(op, a, b, 0, null, out); }

    @Override public void binaryScalar(BinaryOp op, Operand a, Number scalar, boolean scalarFirst, Operand out) {
        binary(op, a, a, scalarFirst ? 2 : 1, scalar, out);
    }

    /** scalarMode 0: a op b; 1: a op scalar; 2: scalar op a (b is then a, and unread). */
    private void binary(BinaryOp op, Operand a, Operand b, int scalarMode, Number scalar, Operand out) {
        int n = (int) out.numel();
        if (n == 0) return;
        DType dt = a.dtype();
        if (dt == DType.F32 && !op.boolResult() && vectorisable(a, b, out)) {
            launchVector(KernelArgs.of(Kernels.BINARY_CONTIGUOUS).ptr(address(a)).ptr(address(b)).ptr(address(out)).i64(n).i32(op.ordinal())
                    .i32(scalarMode).f32(scalar == null ? 0f : scalar.floatValue()), n);
            return;
        }
        CudaLayouts.Coalesced c = CudaLayouts.coalesce(out.shape().dims(), a.strides(), b.strides(), out.strides());
        if (!c.fits()) {
            if (scalarMode == 0) onHost("binary (more than 8 dimensions)", out, o -> CpuBackend.INSTANCE.binary(op, o[0], o[1], o[2]), a, b, out);
            else onHost("binaryScalar (more than 8 dimensions)", out, o -> CpuBackend.INSTANCE.binaryScalar(op, o[0], scalar, scalarMode == 2, o[1]), a, out);
            return;
        }
        String name = (op.boolResult() ? "compare_" : "binary_") + Kernels.suffix(dt);
        KernelArgs args = KernelArgs.of((dt.isFloatingPoint() ? Kernels.BINARY_FLOAT : Kernels.BINARY_INT).named(name))
                .ptr(base(a)).ptr(base(b)).ptr(base(out)).shape(c.shapeStruct())
                .strided(c.stridedStruct(0, a.offset())).strided(c.stridedStruct(1, b.offset())).strided(c.stridedStruct(2, out.offset()))
                .i64(n).i32(op.ordinal()).i32(scalarMode);
        if (dt.isFloatingPoint()) args.f64(scalar == null ? 0 : scalar.doubleValue());
        else args.i64(scalar == null ? 0 : scalar.longValue());
        launch(args, n);
    }

    @Override public void where(Operand cond, Operand a, Operand b, Operand out) {
        int n = (int) out.numel();
        if (n == 0) return;
        CudaLayouts.Coalesced c = CudaLayouts.coalesce(out.shape().dims(), cond.strides(), a.strides(), b.strides());
        if (!c.fits() || !out.isContiguous()) {
            onHost("where (more than 8 dimensions)", out, o -> CpuBackend.INSTANCE.where(o[0], o[1], o[2], o[3]), cond, a, b, out);
            return;
        }
        launch(KernelArgs.of(Kernels.WHERE.named("where_" + Kernels.suffix(out.dtype()))).ptr(base(cond)).ptr(base(a)).ptr(base(b)).ptr(address(out))
                .shape(c.shapeStruct()).strided(c.stridedStruct(0, cond.offset())).strided(c.stridedStruct(1, a.offset()))
                .strided(c.stridedStruct(2, b.offset())).i64(n), n);
    }

    /** F32 contiguous operands whose element 0 is 16-byte aligned: the float4 kernels apply. */
    private boolean vectorisable(Operand... ops) {
        for (Operand o : ops) if (!o.isContiguous() || address(o) % 16 != 0) return false;
        return true;
    }

    // ---- reductions ----------------------------------------------------------------------------------

    @Override public void reduce(ReduceOp op, Operand x, int[] dims, Operand out) {
        long outputs = out.numel();
        if (outputs == 0) return;
        int[] shape = x.shape().dims(), strides = x.strides();
        boolean[] reduced = new boolean[shape.length];
        for (int d : dims) reduced[d] = true;
        int nk = shape.length - dims.length;
        int[] keptDims = new int[nk];
        for (int d = 0, k = 0; d < shape.length; d++) if (!reduced[d]) keptDims[k++] = d;
        long length = 1;
        for (int d : dims) length *= shape[d];
        CudaLayouts.Coalesced kept = CudaLayouts.coalesce(CudaLayouts.pick(shape, keptDims), CudaLayouts.pick(strides, keptDims));
        CudaLayouts.Coalesced red = CudaLayouts.coalesce(CudaLayouts.pick(shape, dims), CudaLayouts.pick(strides, dims));
        DType dt = x.dtype();
        if (length == 0 || !kept.fits() || !red.fits() || !out.isContiguous()) {
            onHost("reduce " + op.name().toLowerCase() + " " + dt + (length == 0 ? " (empty)" : ""), out, o -> CpuBackend.INSTANCE.reduce(op, o[0], dims, o[1]), x, out);
            return;
        }
        boolean shortRows = LaunchGeometry.shortReduction(outputs, length);
        String name = (shortRows ? "reduce_short_" : "reduce_rows_") + Kernels.suffix(dt);
        KernelArgs args = KernelArgs.of(Kernels.REDUCE.named(name)).ptr(base(x)).ptr(address(out)).shape(kept.shapeStruct()).strided(kept.stridedStruct(0, x.offset()))
                .shape(red.shapeStruct()).strided(red.stridedStruct(0, 0)).i64(outputs).i64(length).i32(op.ordinal());
        context.launch(args, shortRows ? LaunchGeometry.gridStride(outputs, context.multiprocessors) : LaunchGeometry.reduceRows(outputs, length, context.multiprocessors));
    }

    @Override public void cumsum(Operand x, int dim, Operand out) {
        int n = (int) out.numel();
        if (n == 0) return;
        int[] shape = x.shape().dims(), xs = x.strides(), os = out.strides();
        int len = shape[dim];
        int[] others = new int[shape.length - 1];
        for (int d = 0, k = 0; d < shape.length; d++) if (d != dim) others[k++] = d;
        CudaLayouts.Coalesced lines = CudaLayouts.coalesce(CudaLayouts.pick(shape, others), CudaLayouts.pick(xs, others), CudaLayouts.pick(os, others));
        DType dt = x.dtype();
        if (dt == DType.BOOL || !lines.fits()) { onHost("cumsum " + dt, out, o -> CpuBackend.INSTANCE.cumsum(o[0], dim, o[1]), x, out); return; }
        long count = n / len;
        context.launch(KernelArgs.of(Kernels.CUMSUM.named("cumsum_" + Kernels.suffix(dt))).ptr(base(x)).ptr(base(out)).shape(lines.shapeStruct())
                .strided(lines.stridedStruct(0, x.offset())).strided(lines.stridedStruct(1, out.offset())).i64(count).i32(len).i32(xs[dim]).i32(os[dim]),
                LaunchGeometry.gridStride(count, context.multiprocessors));
    }

    // ---- linear algebra ---------------------------------------------------------------------------------

    /** One matrix of a batched product: unit stride along its columns (row-major) or its rows ({@code transposed}). */
    record Matrix(long address, int ld, boolean transposed, long batchStride) {}

    /**
     * How the kernels see operand {@code o} [B, R, C]: row-major when its last dim has unit stride
     * (or size 1), column-major when its middle one has; empty for any other layout.
     */
    static Optional<Matrix> matrix(long address, int[] shape, int[] strides) {
        int batch = shape[0], rows = shape[1], cols = shape[2];
        long batchStride = batch == 1 ? 0 : strides[0];
        if (cols == 1 || strides[2] == 1) return Optional.of(new Matrix(address, rows == 1 ? Math.max(cols, 1) : strides[1], false, batchStride));
        if (rows == 1 || strides[1] == 1) return Optional.of(new Matrix(address, cols == 1 ? Math.max(rows, 1) : strides[2], true, batchStride));
        return Optional.empty();
    }

    /** Whether cuBLAS accepts the leading dimension: at least the stored rows of its column-major view. */
    static boolean cublasAccepts(Matrix m, int rows, int cols) { return m.ld() >= Math.max(1, m.transposed() ? rows : cols); }

    @Override public void matmul(Operand a, Operand b, Operand out) {
        int batch = out.size(0), m = out.size(1), n = out.size(2), k = a.size(2);
        if ((long) batch * m * n == 0) return;
        DType dt = out.dtype();
        if (k == 0) { fill(out, 0); return; }
        if (dt != DType.F32 && dt != DType.F64) { onHost("matmul " + dt, out, o -> CpuBackend.INSTANCE.matmul(o[0], o[1], o[2]), a, b, out); return; }
        if (dt == DType.F64 && cublas.isEmpty()) { dgemm(a, b, out, batch, m, n, k); return; }
        CudaStorage ta = null, tb = null;
        try {
            Optional<Matrix> ma = matrix(address(a), a.shape().dims(), a.strides()), mb = matrix(address(b), b.shape().dims(), b.strides());
            if (ma.isEmpty()) { ta = dense(a); ma = matrix(ta.address(), a.shape().dims(), a.shape().contiguousStrides()); }
            if (mb.isEmpty()) { tb = dense(b); mb = matrix(tb.address(), b.shape().dims(), b.shape().contiguousStrides()); }
            Matrix A = ma.orElseThrow(), B = mb.orElseThrow();
            long outAddress = address(out);
            if (cublas.isPresent() && cublasAccepts(A, m, k) && cublasAccepts(B, k, n)) {
                context.makeCurrent();                   // cuBLAS (runtime API) uses the calling thread's current context
                cublas.get().gemm(dt == DType.F64, dt == DType.F32 && tf32, m, n, k, A.address(), A.ld(), A.transposed(), A.batchStride(), B.address(), B.ld(), B.transposed(),
                        B.batchStride(), outAddress, batch);
            } else if (dt == DType.F64) {
                dgemm(a, b, out, batch, m, n, k);
            } else {
                sgemm(A, B, outAddress, batch, m, n, k, tf32);
            }
        } finally {
            if (ta != null) ta.release();       // stream-ordered: the product enqueued before reads it first
            if (tb != null) tb.release();
        }
    }

    /**
     * Allows or forbids TF32 tensor cores in F32 matrix products on this device, as PyTorch's
     * {@code torch.backends.cuda.matmul.allow_tf32} does: when allowed, {@code matmul} rounds its
     * operands to TF32 (10-bit mantissa) and accumulates in FP32, in cuBLAS (its TF32 math mode) and
     * in Galvani's own kernel (the WMMA variant of gemm.cu), and so do the convolutions and delay
     * products built on it (PyTorch's {@code cudnn.allow_tf32} too); products are several times faster on
     * Ampere and later GPUs and their relative error grows to about {@code 1e-3 sqrt(K)}. Default:
     * forbidden (exact FP32), or the system property {@value #TF32_PROPERTY}. F64 products never change.
     * @param allow whether F32 products may use TF32
     */
    public void allowTf32(boolean allow) { tf32 = allow; }

    /**
     * Whether F32 matrix products on this device may use TF32 tensor cores ({@link #allowTf32}).
     * @return true when allowed
     */
    public boolean allowsTf32() { return tf32; }

    /** Galvani's own SGEMM (also the reference the cuBLAS path is tested against); {@code tf32}: the tensor-core variant. */
    void sgemm(Matrix a, Matrix b, long out, int batch, int m, int n, int k, boolean tf32) {
        String name = (tf32 ? "sgemm_tf32_" : "sgemm_") + (a.transposed() ? "t" : "n") + (b.transposed() ? "t" : "n");
        Signature signature = tf32 ? Kernels.SGEMM_TF32 : Kernels.SGEMM;
        for (int s = 0; s < batch; s += LaunchGeometry.MAX_GRID_YZ) {
            int chunk = Math.min(batch - s, LaunchGeometry.MAX_GRID_YZ);
            context.launch(KernelArgs.of(signature.named(name)).ptr(a.address() + 4L * s * a.batchStride()).ptr(b.address() + 4L * s * b.batchStride())
                    .ptr(out + 4L * s * m * n).i32(m).i32(n).i32(k).i64(a.batchStride()).i32(a.ld()).i64(b.batchStride()).i32(b.ld()),
                    LaunchGeometry.sgemm(m, n, chunk));
        }
    }

    /**
     * Galvani's own exact FP32 SGEMM on operands, whatever cuBLAS is there (for tests and benchmarks).
     * @param a the left operand [B, M, K], unit stride in one of its matrix dims
     * @param b the right operand [B, K, N], unit stride in one of its matrix dims
     * @param out the contiguous product [B, M, N]
     */
    public void sgemmOwn(Operand a, Operand b, Operand out) { sgemmOwn(a, b, out, false); }

    /**
     * Galvani's own SGEMM on operands, whatever cuBLAS is there and whatever {@link #allowTf32} says
     * (for tests and benchmarks).
     * @param a the left operand [B, M, K], unit stride in one of its matrix dims
     * @param b the right operand [B, K, N], unit stride in one of its matrix dims
     * @param out the contiguous product [B, M, N]
     * @param tf32 the TF32 tensor-core kernel (FP32 accumulation) instead of the exact FP32 one
     */
    public void sgemmOwn(Operand a, Operand b, Operand out, boolean tf32) {
        int batch = out.size(0), m = out.size(1), n = out.size(2), k = a.size(2);
        Matrix A = matrix(address(a), a.shape().dims(), a.strides()).orElseThrow(() -> new IllegalArgumentException("sgemmOwn: a needs a unit stride in a matrix dim"));
        Matrix B = matrix(address(b), b.shape().dims(), b.strides()).orElseThrow(() -> new IllegalArgumentException("sgemmOwn: b needs a unit stride in a matrix dim"));
        sgemm(A, B, address(out), batch, m, n, k, tf32);
    }

    private void dgemm(Operand a, Operand b, Operand out, int batch, int m, int n, int k) {
        int[] sa = a.strides(), sb = b.strides();
        long sab = a.size(0) == 1 ? 0 : sa[0], sbb = b.size(0) == 1 ? 0 : sb[0];
        for (int s = 0; s < batch; s += LaunchGeometry.MAX_GRID_YZ) {
            int chunk = Math.min(batch - s, LaunchGeometry.MAX_GRID_YZ);
            context.launch(KernelArgs.of(Kernels.DGEMM).ptr(address(a) + 8L * s * sab).ptr(address(b) + 8L * s * sbb).ptr(address(out) + 8L * s * m * n)
                    .i32(m).i32(n).i32(k).i64(sab).i64(sa[1]).i64(sa[2]).i64(sbb).i64(sb[1]).i64(sb[2]), LaunchGeometry.dgemm(m, n, chunk));
        }
    }

    private CudaStorage dense(Operand o) {
        CudaStorage s = newStorage(o.dtype(), (int) o.numel());
        copy(o, Operand.contiguous(s, o.shape().dims()));
        return s;
    }

    // ---- indexing (index.cu) -----------------------------------------------------------------------------

    /** index_select as a gather whose index has stride 0 in every dimension but {@code dim}. */
    @Override public void indexSelect(Operand x, int dim, Operand index, Operand out) {
        if (x.dim() == 0) { onHost("indexSelect (0-d)", out, o -> CpuBackend.INSTANCE.indexSelect(o[0], dim, o[1], o[2]), x, index, out); return; }
        int[] indexStrides = new int[out.dim()];
        indexStrides[dim] = index.dim() == 0 ? 0 : index.strides()[0];
        if (!gather(x, dim, index, indexStrides, out))
            onHost("indexSelect (more than 8 dimensions)", out, o -> CpuBackend.INSTANCE.indexSelect(o[0], dim, o[1], o[2]), x, index, out);
    }

    @Override public void gather(Operand x, int dim, Operand index, Operand out) {
        if (x.dim() == 0 || !gather(x, dim, index, index.strides(), out))
            onHost("gather (more than 8 dimensions or 0-d)", out, o -> CpuBackend.INSTANCE.gather(o[0], dim, o[1], o[2]), x, index, out);
    }

    /** out[e] = x[e with coordinate dim replaced by index[e]]; false when the layout does not fit a kernel. */
    private boolean gather(Operand x, int dim, Operand index, int[] indexStrides, Operand out) {
        int n = (int) out.numel();
        if (n == 0) return true;
        int[] xStrides = x.strides();
        int step = xStrides[dim];
        xStrides[dim] = 0;                 // the kernel adds index * step itself
        CudaLayouts.Coalesced c = CudaLayouts.coalesce(out.shape().dims(), xStrides, indexStrides, out.strides());
        if (!c.fits()) return false;
        launch(KernelArgs.of(Kernels.GATHER.named("gather_" + Kernels.suffix(x.dtype()))).ptr(base(x)).ptr(base(index)).ptr(base(out))
                .shape(c.shapeStruct()).strided(c.stridedStruct(0, x.offset())).strided(c.stridedStruct(1, index.offset()))
                .strided(c.stridedStruct(2, out.offset())).i64(n).i32(step).i32(x.size(dim)).i32(dim), n);
        return true;
    }

    /**
     * One thread per line along {@code dim}, adding its sources in index order (index.cu): the CPU's
     * order of additions for every element, so the result is bit-identical and needs no atomics.
     */
    @Override public void scatterAdd(Operand target, int dim, Operand index, Operand src) {
        if (index.numel() == 0) return;
        int rank = index.dim();
        int[] others = new int[Math.max(0, rank - 1)];
        for (int d = 0, k = 0; d < rank; d++) if (d != dim) others[k++] = d;
        int[] ts = target.strides(), is = index.strides(), ss = src.strides();
        CudaLayouts.Coalesced lines = CudaLayouts.coalesce(CudaLayouts.pick(index.shape().dims(), others), CudaLayouts.pick(ts, others),
                CudaLayouts.pick(is, others), CudaLayouts.pick(ss, others));
        if (rank == 0 || !lines.fits()) {
            onHost("scatterAdd (more than 8 dimensions or 0-d)", target, o -> CpuBackend.INSTANCE.scatterAdd(o[0], dim, o[1], o[2]), target, index, src);
            return;
        }
        long count = index.numel() / index.size(dim);
        int size = target.size(dim);
        // Few lines: one thread per target element scanning its line (scatter_add_scan) keeps the GPU busy.
        boolean scan = LaunchGeometry.scatterByScan(count, size, context.multiprocessors);
        long threads = scan ? count * size : count;
        context.launch(KernelArgs.of(Kernels.SCATTER_ADD.named((scan ? "scatter_add_scan_" : "scatter_add_") + Kernels.suffix(target.dtype())))
                .ptr(base(target)).ptr(base(index)).ptr(base(src)).shape(lines.shapeStruct()).strided(lines.stridedStruct(0, target.offset()))
                .strided(lines.stridedStruct(1, index.offset())).strided(lines.stridedStruct(2, src.offset())).i64(threads).i32(index.size(dim))
                .i32(is[dim]).i32(ss[dim]).i32(ts[dim]).i32(size).i32(dim), LaunchGeometry.gridStride(threads, context.multiprocessors));
    }

    // ---- random ---------------------------------------------------------------------------------------------

    @Override public void random(Distribution dist, Operand out, long seed, long offset) {
        if (!out.isContiguous()) throw new IllegalArgumentException("random " + dist + ": the output tensor must be contiguous");
        DType dt = out.dtype();
        boolean ok = switch (dist) {
            case Distribution.Uniform u -> dt.isFloatingPoint();
            case Distribution.Normal nd -> dt.isFloatingPoint();
            case Distribution.Bits64 b -> dt == DType.I64;
            case Distribution.Integers i -> dt == DType.I64;
            case Distribution.Bernoulli b -> true;
        };
        if (!ok) throw new IllegalArgumentException("random " + dist + ": unsupported dtype " + dt);
        int n = (int) out.numel();
        if (n == 0) return;
        long at = address(out);
        KernelArgs args = switch (dist) {
            case Distribution.Uniform u -> KernelArgs.of(Kernels.RANDOM.named("random_uniform_" + Kernels.suffix(dt))).ptr(at).i64(n).i64(seed).i64(offset);
            case Distribution.Normal nd -> KernelArgs.of(Kernels.RANDOM.named("random_normal_" + Kernels.suffix(dt))).ptr(at).i64(n).i64(seed).i64(offset);
            case Distribution.Bits64 b -> KernelArgs.of(Kernels.RANDOM.named("random_bits64")).ptr(at).i64(n).i64(seed).i64(offset);
            case Distribution.Integers r -> KernelArgs.of(Kernels.RANDOM_INTEGERS).ptr(at).i64(n).i64(seed).i64(offset).i64(r.low()).i64(r.high());
            case Distribution.Bernoulli b -> KernelArgs.of(Kernels.RANDOM_BERNOULLI.named("random_bernoulli_" + Kernels.suffix(dt))).ptr(at).i64(n).i64(seed)
                    .i64(offset).f64(b.p());
        };
        launch(args, n);
    }

    // ---- launches and the host fallback ------------------------------------------------------------------

    private void launch(KernelArgs args, long items) { context.launch(args, LaunchGeometry.gridStride(items, context.multiprocessors)); }

    private void launchVector(KernelArgs args, long n) { context.launch(args, LaunchGeometry.gridStride(Math.max(1, n / 4), context.multiprocessors)); }

    /**
     * A host fallback: every storage the operands use is copied to the host (after the work queued
     * before), {@code kernel} runs the CPU's kernel on operands over those copies, and the storage of
     * {@code written} is copied back. An error the CPU kernel throws is deferred to the next
     * {@link #synchronize} or {@link #toHost}, as a kernel's error would be.
     */
    void onHost(String primitive, Operand written, Consumer<Operand[]> kernel, Operand... operands) {
        fallbacks.computeIfAbsent(primitive, p -> new LongAdder()).increment();
        Map<Storage, CpuStorage> staged = new IdentityHashMap<>();
        Operand[] host = new Operand[operands.length];
        for (int i = 0; i < operands.length; i++) {
            Operand o = operands[i];
            if (o == null) continue;
            CpuStorage copy = staged.computeIfAbsent(o.storage(), s -> CpuStorage.wrap(s.dtype(), download((CudaStorage) s)));
            host[i] = o.withStorage(copy);
        }
        try {
            kernel.accept(host);
        } catch (RuntimeException e) {
            pendingError.compareAndSet(null, e);
            return;
        }
        CudaStorage target = storage(written);
        try (Arena arena = Arena.ofConfined()) {
            CpuStorage values = staged.get(target);
            context.upload(HostArrays.toSegment(arena, values.array(), target.dtype(), target.length()), target.address());
        }
    }

    private Object download(CudaStorage s) {
        try (Arena arena = Arena.ofConfined()) {
            long bytes = (long) s.length() * s.dtype().byteSize();
            MemorySegment host = arena.allocate(Math.max(1, bytes), 16).asSlice(0, bytes);
            if (bytes > 0) context.download(s.address(), host);
            return HostArrays.fromSegment(host, s.dtype(), s.length());
        }
    }

    /** Launches a kernel family's kernel with a grid-stride geometry over {@code items} (for {@link CudaKernelFamilies}). */
    void launchFamily(KernelArgs args, LaunchGeometry.Grid grid) { context.launch(args, grid); }

    static Signature named(Signature s, DType dt) { return s.named(s.name() + Kernels.suffix(dt)); }
}
