package dev.galvani.tensor.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventElapsedTime;
import static jcuda.driver.JCudaDriver.cuEventRecord;
import static jcuda.driver.JCudaDriver.cuEventSynchronize;
import static jcuda.driver.JCudaDriver.cuGetErrorString;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleGetGlobal;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.galvani.tensor.Device;
import dev.galvani.tensor.backend.BackendUnavailableException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import jcuda.driver.JCudaDriver;

/**
 * One CUDA device as the backend drives it through JCuda's driver API: the device's primary context
 * (shared with cuBLAS, which uses the runtime API), made current on every thread that calls in; one
 * stream on which every kernel, copy and fill runs in order; the fatbin loaded once as a module and
 * its kernels looked up once; events for timing; the error slot the kernels write.
 *
 * <p>Every driver call's result is checked and turned into a {@link CudaException} naming the call.
 * With {@code -Dgalvani.cuda.debug=true} (or {@link #debug}), every launch is followed by a
 * synchronisation and a check, so an asynchronous failure names its kernel.
 */
final class CudaContext {

    private static final ThreadLocal<CudaContext> CURRENT = new ThreadLocal<>();
    static volatile boolean debug = Boolean.getBoolean("galvani.cuda.debug");

    private final Device device;
    private final CUcontext context = new CUcontext();
    private final StreamHandle stream = new StreamHandle();
    private final CUmodule module = new CUmodule();
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
    private final DevicePointer errorSlot = new DevicePointer();
    final String name;
    final int multiprocessors, computeMajor, computeMinor, driverVersion;
    final long totalMemory;
    private long launches;

    /** A device pointer whose address Java can read (JCuda keeps it in a protected field). */
    static final class DevicePointer extends CUdeviceptr {
        long address() { return getNativePointer() + getByteOffset(); }
    }

    /** A stream whose native handle Java can read, for cuBLAS's {@code cublasSetStream}. */
    static final class StreamHandle extends CUstream {
        long address() { return getNativePointer(); }
    }

    private CudaContext(Device device, byte[] fatbin, String archs) {
        this.device = device;
        int index = device.index();
        int init = cuInit(0);
        if (init == CUresult.CUDA_ERROR_NO_DEVICE)
            throw new BackendUnavailableException("device " + device + ": no CUDA device (the NVIDIA driver is installed, but it sees no GPU)");
        if (init != CUresult.CUDA_SUCCESS)
            throw new BackendUnavailableException("device " + device + ": the CUDA driver did not start: " + CudaException.message(init, "cuInit", describe(init)));
        int[] count = new int[1];
        check(cuDeviceGetCount(count), "cuDeviceGetCount");
        if (index >= count[0])
            throw new BackendUnavailableException("device " + device + ": this machine has " + count[0] + " CUDA device" + (count[0] == 1 ? "" : "s")
                    + (count[0] == 0 ? "" : " (cuda:0" + (count[0] > 1 ? " to cuda:" + (count[0] - 1) : "") + ")"));
        CUdevice dev = new CUdevice();
        check(cuDeviceGet(dev, index), "cuDeviceGet");
        byte[] nameBytes = new byte[256];
        check(cuDeviceGetName(nameBytes, nameBytes.length, dev), "cuDeviceGetName");
        int len = 0;
        while (len < nameBytes.length && nameBytes[len] != 0) len++;
        this.name = new String(nameBytes, 0, len, StandardCharsets.UTF_8);
        this.multiprocessors = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.computeMajor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.computeMinor = attribute(dev, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        int[] version = new int[1];
        check(cuDriverGetVersion(version), "cuDriverGetVersion");
        this.driverVersion = version[0];
        check(cuDevicePrimaryCtxRetain(context, dev), "cuDevicePrimaryCtxRetain");
        makeCurrent();
        long[] free = new long[1], total = new long[1];
        check(cuMemGetInfo(free, total), "cuMemGetInfo");
        this.totalMemory = total[0];
        // Non-blocking: the stream never waits on the legacy default stream (nothing of ours uses it).
        check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
        int loaded = cuModuleLoadData(module, fatbin);
        if (loaded == CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU || loaded == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION
                || loaded == CUresult.CUDA_ERROR_INVALID_PTX)
            throw new BackendUnavailableException("device " + device + ": Galvani's kernels (" + archs + ") cannot run on this " + name + " (compute capability "
                    + computeMajor + "." + computeMinor + ", driver " + versionString(driverVersion) + "): " + CudaException.message(loaded, "cuModuleLoadData", describe(loaded)));
        check(loaded, "cuModuleLoadData");
        long[] slotSize = new long[1];
        check(cuModuleGetGlobal(errorSlot, slotSize, module, "galvani_error"), "cuModuleGetGlobal(galvani_error)");
    }

    /**
     * Opens device {@code device} (its primary context, a stream, the kernels). JCuda's native
     * library is loaded here, after {@link CudaAvailability} found the driver.
     */
    static CudaContext open(Device device, byte[] fatbin, String archs) {
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (LinkageError e) {
            throw new BackendUnavailableException("device " + device + ": JCuda's native library did not load (" + firstLine(e.getMessage()) + ")");
        }
        return new CudaContext(device, fatbin, archs);
    }

    private static String firstLine(String s) { return s == null ? "no reason given" : s.lines().findFirst().orElse(s); }

    static String versionString(int v) { return v / 1000 + "." + (v % 1000) / 10; }

    private int attribute(CUdevice dev, int attribute) {
        int[] v = new int[1];
        check(cuDeviceGetAttribute(v, attribute, dev), "cuDeviceGetAttribute");
        return v[0];
    }

    /** Makes this device's primary context current on the calling thread (once per thread while it stays so). */
    void makeCurrent() {
        if (CURRENT.get() == this) return;
        check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        CURRENT.set(this);
    }

    /** The device this context drives. */
    Device device() { return device; }

    /** The stream's native handle (for cuBLAS). */
    long streamHandle() { return stream.address(); }

    /** Kernel launches since the device was opened. */
    synchronized long launches() { return launches; }

    // ---- checks -----------------------------------------------------------------------------------

    /** Throws a {@link CudaException} naming {@code call} unless {@code result} is CUDA_SUCCESS. */
    void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) throw new CudaException(result, device + ": " + call, describe(result));
    }

    static String describe(int result) {
        try {
            String[] text = new String[1];
            return cuGetErrorString(result, text) == CUresult.CUDA_SUCCESS ? text[0] : null;
        } catch (LinkageError e) {
            return null;
        }
    }

    // ---- launches -----------------------------------------------------------------------------------

    /** Enqueues kernel {@code args.name()} on the stream with the given geometry. */
    void launch(KernelArgs args, LaunchGeometry.Grid grid) {
        makeCurrent();
        List<byte[]> values = args.values();
        Pointer[] params = new Pointer[values.size()];
        for (int i = 0; i < params.length; i++) params[i] = Pointer.to(values.get(i));
        CUfunction f = function(args.name());
        check(cuLaunchKernel(f, grid.gridX(), grid.gridY(), grid.gridZ(), grid.blockX(), grid.blockY(), grid.blockZ(), grid.sharedBytes(), stream,
                Pointer.to(params), null), "launching " + args.name() + " " + grid);
        synchronized (this) {
            launches++;
        }
        if (debug) {
            check(cuStreamSynchronize(stream), "kernel " + args.name() + " (checked at once in debug mode)");
            checkErrorSlot("kernel " + args.name());
        }
    }

    private CUfunction function(String kernel) {
        CUfunction f = functions.get(kernel);
        if (f != null) return f;
        return functions.computeIfAbsent(kernel, k -> {
            CUfunction made = new CUfunction();
            int r = cuModuleGetFunction(made, module, k);
            if (r == CUresult.CUDA_ERROR_NOT_FOUND)
                throw new IllegalStateException(device + ": kernel " + k + " is not in Galvani's fatbin; galvani-cuda-kernels and galvani-tensor are from different builds");
            check(r, "cuModuleGetFunction(" + k + ")");
            return made;
        });
    }

    // ---- synchronisation and the error slot ----------------------------------------------------------

    /** Waits for the stream, then reports an error a kernel recorded in the slot (and clears it). */
    void synchronize() {
        makeCurrent();
        check(cuStreamSynchronize(stream), "synchronizing");
        checkErrorSlot(null);
    }

    private void checkErrorSlot(String kernel) {
        long[] slot = new long[4];
        ByteBuffer buffer = ByteBuffer.allocateDirect(32).order(ByteOrder.LITTLE_ENDIAN);
        check(cuMemcpyDtoHAsync(Pointer.to(buffer), errorSlot, 32, stream), "reading the error slot");
        check(cuStreamSynchronize(stream), "reading the error slot");
        for (int i = 0; i < 4; i++) slot[i] = buffer.getLong(i * 8);
        if (slot[0] == 0) return;
        check(cuMemsetD8Async(errorSlot, (byte) 0, 32, stream), "clearing the error slot");
        check(cuStreamSynchronize(stream), "clearing the error slot");
        throw KernelError.of(slot, kernel);
    }

    // ---- memory ------------------------------------------------------------------------------------

    /** The device's own allocator for the caching allocator. */
    RawDeviceMemory rawMemory() {
        return new RawDeviceMemory() {
            @Override public long malloc(long bytes) throws OutOfDeviceMemory {
                makeCurrent();
                DevicePointer p = new DevicePointer();
                int r = cuMemAlloc(p, bytes);
                if (r == CUresult.CUDA_ERROR_OUT_OF_MEMORY) throw new OutOfDeviceMemory();
                check(r, "cuMemAlloc(" + bytes + ")");
                return p.address();
            }

            @Override public void free(long address) {
                makeCurrent();
                check(cuMemFree(pointer(address)), "cuMemFree");
            }

            @Override public long freeBytes() {
                makeCurrent();
                long[] free = new long[1], total = new long[1];
                check(cuMemGetInfo(free, total), "cuMemGetInfo");
                return free[0];
            }

            @Override public long totalBytes() { return totalMemory; }

            @Override public void synchronize() {
                makeCurrent();
                check(cuStreamSynchronize(stream), "synchronizing before freeing cached blocks");
            }
        };
    }

    static CUdeviceptr pointer(long address) { return new CUdeviceptr().withByteOffset(address); }

    /** Copies the host segment's bytes to device address {@code dst} in stream order; returns once the host data is staged. */
    void upload(MemorySegment host, long dst) {
        makeCurrent();
        long bytes = host.byteSize();
        for (long done = 0; done < bytes; ) {
            long n = Math.min(bytes - done, 1L << 30);
            ByteBuffer chunk = host.asSlice(done, n).asByteBuffer();
            check(cuMemcpyHtoDAsync(pointer(dst + done), Pointer.to(chunk), n, stream), "copying to the device");
            done += n;
        }
        // Pageable host memory is staged before the call returns, but the segment is freed by the caller
        // right after: wait, so no later reuse of that memory can race with the DMA.
        check(cuStreamSynchronize(stream), "copying to the device");
    }

    /** Copies device bytes at {@code src} into the host segment after all earlier work; waits. */
    void download(long src, MemorySegment host) {
        makeCurrent();
        long bytes = host.byteSize();
        for (long done = 0; done < bytes; ) {
            long n = Math.min(bytes - done, 1L << 30);
            ByteBuffer chunk = host.asSlice(done, n).asByteBuffer();
            check(cuMemcpyDtoHAsync(Pointer.to(chunk), pointer(src + done), n, stream), "copying from the device");
            done += n;
        }
        synchronize();
    }

    /** Device-to-device copy of {@code bytes} bytes in stream order. */
    void copyDeviceToDevice(long src, long dst, long bytes) {
        makeCurrent();
        if (bytes > 0) check(cuMemcpyDtoDAsync(pointer(dst), pointer(src), bytes, stream), "copying on the device");
    }

    /** Sets {@code bytes} bytes at {@code address} to {@code value} in stream order. */
    void memset(long address, byte value, long bytes) {
        makeCurrent();
        if (bytes > 0) check(cuMemsetD8Async(pointer(address), value, bytes, stream), "cuMemsetD8Async");
    }

    // ---- events ----------------------------------------------------------------------------------------

    /** An event recorded on the stream now (for timing with {@link #elapsedMillis}). */
    CUevent record() {
        makeCurrent();
        CUevent e = new CUevent();
        check(cuEventCreate(e, 0), "cuEventCreate");
        check(cuEventRecord(e, stream), "cuEventRecord");
        return e;
    }

    /** Milliseconds of stream time between two recorded events (waits for the second). */
    float elapsedMillis(CUevent start, CUevent end) {
        makeCurrent();
        check(cuEventSynchronize(end), "cuEventSynchronize");
        float[] ms = new float[1];
        check(cuEventElapsedTime(ms, start, end), "cuEventElapsedTime");
        jcuda.driver.JCudaDriver.cuEventDestroy(start);
        jcuda.driver.JCudaDriver.cuEventDestroy(end);
        return ms[0];
    }

    @Override public String toString() {
        return device + " (" + name + ", compute capability " + computeMajor + "." + computeMinor + ", " + multiprocessors + " SMs, "
                + CachingAllocator.human(totalMemory) + ", driver " + versionString(driverVersion) + ")";
    }
}
