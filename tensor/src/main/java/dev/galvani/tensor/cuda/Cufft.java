package dev.galvani.tensor.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * cuFFT's batched 1-D transforms through {@code java.lang.foreign}, as {@link Cublas} does for cuBLAS
 * (the library found by {@link CudaLibraries}: {@code libcufft.so.12}, CUDA 13's, then {@code .11},
 * CUDA 12's). Plans are made once per (type, length, batch) and kept, the least recently used
 * destroyed past {@link #MAX_PLANS}; each is bound to the device's stream. Sequences are contiguous
 * and interleaved (cuFFT's basic layout): complex [batch, n], real [batch, n], half spectra
 * [batch, n/2 + 1].
 */
final class Cufft {

    /** cufftType values (cufft.h). */
    enum Type {
        /** Complex to complex, single precision. */
        C2C(0x29),
        /** Real to half spectrum, single. */
        R2C(0x2a),
        /** Half spectrum to real, single. */
        C2R(0x2c),
        /** Complex to complex, double. */
        Z2Z(0x69),
        /** Real to half spectrum, double. */
        D2Z(0x6a),
        /** Half spectrum to real, double. */
        Z2D(0x6c);

        final int code;

        Type(int code) { this.code = code; }
    }

    /** Plans kept per device. */
    static final int MAX_PLANS = 64;
    private static final int FORWARD = -1, INVERSE = 1;
    private static final System.Logger LOG = System.getLogger("dev.galvani.tensor.cuda");

    private final MethodHandle planMany, setStream, destroy, c2c, z2z, r2c, d2z, c2r, z2d;
    private final CudaContext context;
    private final Map<String, Integer> plans = new LinkedHashMap<>(16, 0.75f, true);
    final Path library;

    private Cufft(Path library, SymbolLookup lib, CudaContext context) {
        this.library = library;
        this.context = context;
        Linker linker = Linker.nativeLinker();
        ValueLayout I = ValueLayout.JAVA_INT, P = ValueLayout.ADDRESS;
        // cufftPlanMany(plan*, rank, n*, inembed*, istride, idist, onembed*, ostride, odist, type, batch)
        this.planMany = linker.downcallHandle(symbol(lib, "cufftPlanMany"), FunctionDescriptor.of(I, P, I, P, P, I, I, P, I, I, I, I));
        this.setStream = linker.downcallHandle(symbol(lib, "cufftSetStream"), FunctionDescriptor.of(I, I, P));
        this.destroy = linker.downcallHandle(symbol(lib, "cufftDestroy"), FunctionDescriptor.of(I, I));
        FunctionDescriptor complex = FunctionDescriptor.of(I, I, P, P, I), real = FunctionDescriptor.of(I, I, P, P);
        this.c2c = linker.downcallHandle(symbol(lib, "cufftExecC2C"), complex);
        this.z2z = linker.downcallHandle(symbol(lib, "cufftExecZ2Z"), complex);
        this.r2c = linker.downcallHandle(symbol(lib, "cufftExecR2C"), real);
        this.d2z = linker.downcallHandle(symbol(lib, "cufftExecD2Z"), real);
        this.c2r = linker.downcallHandle(symbol(lib, "cufftExecC2R"), real);
        this.z2d = linker.downcallHandle(symbol(lib, "cufftExecZ2D"), real);
    }

    /** cuFFT for the device, or empty (the reason logged once) when no usable library is found. */
    static Optional<Cufft> open(CudaContext context, CudaLibraries libraries) {
        if (Boolean.getBoolean("galvani.cuda.noCufft")) return Optional.empty();
        try {
            Optional<Path> found = libraries.find(CudaLibraries.CUFFT);
            SymbolLookup lib = null;
            Path path = null;
            if (found.isPresent()) {
                path = found.get();
                lib = SymbolLookup.libraryLookup(path, Arena.global());
            } else {
                for (String name : CudaLibraries.CUFFT) {
                    try {
                        lib = SymbolLookup.libraryLookup(name, Arena.global());
                        path = Path.of(name);
                        break;
                    } catch (IllegalArgumentException notThere) { /* the next name */ }
                }
            }
            if (lib == null) {
                LOG.log(System.Logger.Level.INFO, "no cuFFT (" + String.join(", ", CudaLibraries.CUFFT) + ") found; " + context.device()
                        + " runs its FFTs on the host (counted as host fallbacks)");
                return Optional.empty();
            }
            return Optional.of(new Cufft(path, lib, context));
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "cuFFT found but not usable (" + e.getMessage() + "); " + context.device() + " runs its FFTs on the host");
            return Optional.empty();
        }
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalArgumentException("symbol " + name + " not in the cuFFT library"));
    }

    /** A complex transform in place on {@code batch} interleaved sequences of length n. */
    synchronized void complex(boolean f64, boolean inverse, int n, int batch, long data) {
        int plan = plan(f64 ? Type.Z2Z : Type.C2C, n, batch);
        call(f64 ? z2z : c2c, plan, data, data, inverse ? INVERSE : FORWARD, f64 ? "cufftExecZ2Z" : "cufftExecC2C");
    }

    /** Real sequences [batch, n] to their half spectra [batch, n/2 + 1] (out of place). */
    synchronized void forwardReal(boolean f64, int n, int batch, long in, long out) {
        int plan = plan(f64 ? Type.D2Z : Type.R2C, n, batch);
        call(f64 ? d2z : r2c, plan, in, out, 0, f64 ? "cufftExecD2Z" : "cufftExecR2C");
    }

    /** Half spectra [batch, n/2 + 1] to real sequences [batch, n] (out of place; cuFFT may overwrite the input). */
    synchronized void inverseReal(boolean f64, int n, int batch, long in, long out) {
        int plan = plan(f64 ? Type.Z2D : Type.C2R, n, batch);
        call(f64 ? z2d : c2r, plan, in, out, 0, f64 ? "cufftExecZ2D" : "cufftExecC2R");
    }

    private void call(MethodHandle exec, int plan, long in, long out, int direction, String name) {
        context.makeCurrent();
        try {
            int status = exec.type().parameterCount() == 4
                    ? (int) exec.invokeExact(plan, MemorySegment.ofAddress(in), MemorySegment.ofAddress(out), direction)
                    : (int) exec.invokeExact(plan, MemorySegment.ofAddress(in), MemorySegment.ofAddress(out));
            status(status, name);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + " failed", t);
        }
    }

    /** The cached plan for (type, n, batch), made (and bound to the stream) on first use. */
    private int plan(Type type, int n, int batch) {
        String key = type + " " + n + " " + batch;
        Integer known = plans.get(key);
        if (known != null) return known;
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ValueLayout.JAVA_INT), dims = arena.allocateFrom(ValueLayout.JAVA_INT, n);
            status((int) planMany.invokeExact(handle, 1, dims, MemorySegment.NULL, 1, 0, MemorySegment.NULL, 1, 0, type.code, batch), "cufftPlanMany " + key);
            int plan = handle.get(ValueLayout.JAVA_INT, 0);
            status((int) setStream.invokeExact(plan, MemorySegment.ofAddress(context.streamHandle())), "cufftSetStream");
            if (plans.size() >= MAX_PLANS) evictOldest();
            plans.put(key, plan);
            return plan;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuFFT plan " + key + " failed", t);
        }
    }

    private void evictOldest() throws Throwable {
        var it = plans.entrySet().iterator();
        int oldest = it.next().getValue();
        it.remove();
        context.synchronize();              // no queued transform may still use the plan's work area
        status((int) destroy.invokeExact(oldest), "cufftDestroy");
    }

    private static void status(int s, String call) {
        if (s != 0) throw new IllegalStateException(call + " failed with cufftResult " + s + " (" + statusName(s) + ")");
    }

    /** cufftResult names (cufft.h). */
    static String statusName(int s) {
        return switch (s) {
            case 0 -> "CUFFT_SUCCESS";
            case 1 -> "CUFFT_INVALID_PLAN";
            case 2 -> "CUFFT_ALLOC_FAILED";
            case 3 -> "CUFFT_INVALID_TYPE";
            case 4 -> "CUFFT_INVALID_VALUE";
            case 5 -> "CUFFT_INTERNAL_ERROR";
            case 6 -> "CUFFT_EXEC_FAILED";
            case 7 -> "CUFFT_SETUP_FAILED";
            case 8 -> "CUFFT_INVALID_SIZE";
            case 9 -> "CUFFT_UNALIGNED_DATA";
            default -> "unknown result";
        };
    }
}
