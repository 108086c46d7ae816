package dev.galvani.tensor.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

/**
 * cuBLAS's strided-batched SGEMM and DGEMM through {@code java.lang.foreign} (DESIGN.md §4: JCuda's
 * JCublas is linked against versioned {@code libcublas.so.12} symbols and cannot load on CUDA 13).
 * The library is found by {@link CudaLibraries} ({@code libcublas.so.13}, then {@code .12}); one
 * handle per device, bound to the device's stream, in its primary context (cuBLAS uses the runtime
 * API, which shares the primary context). Row-major products are written as column-major ones of
 * the transposes: C = A B is Cᵀ = Bᵀ Aᵀ.
 */
final class Cublas {

    private static final int OP_N = 0, OP_T = 1;
    /** cublasMath_t (cublas_api.h): exact FP32 math, and FP32 products allowed on TF32 tensor cores. */
    private static final int DEFAULT_MATH = 0, TF32_TENSOR_OP_MATH = 3;
    private static final System.Logger LOG = System.getLogger("dev.galvani.tensor.cuda");

    private final MethodHandle sgemm, dgemm;
    private final Optional<MethodHandle> setMathMode;
    private final MemorySegment handle;
    private int mathMode = DEFAULT_MATH;
    final Path library;

    private Cublas(Path library, SymbolLookup lib, CudaContext context) {
        this.library = library;
        Linker linker = Linker.nativeLinker();
        ValueLayout I = ValueLayout.JAVA_INT, L = ValueLayout.JAVA_LONG, P = ValueLayout.ADDRESS;
        MethodHandle create = linker.downcallHandle(symbol(lib, "cublasCreate_v2"), FunctionDescriptor.of(I, P));
        MethodHandle setStream = linker.downcallHandle(symbol(lib, "cublasSetStream_v2"), FunctionDescriptor.of(I, P, P));
        FunctionDescriptor gemm = FunctionDescriptor.of(I, P, I, I, I, I, I, P, P, I, L, P, I, L, P, P, I, L, I);
        this.sgemm = linker.downcallHandle(symbol(lib, "cublasSgemmStridedBatched"), gemm);
        this.dgemm = linker.downcallHandle(symbol(lib, "cublasDgemmStridedBatched"), gemm);
        this.setMathMode = lib.find("cublasSetMathMode").map(f -> linker.downcallHandle(f, FunctionDescriptor.of(I, P, I)));
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            status((int) create.invokeExact(out), "cublasCreate");
            this.handle = out.get(ValueLayout.ADDRESS, 0);
            status((int) setStream.invokeExact(handle, MemorySegment.ofAddress(context.streamHandle())), "cublasSetStream");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuBLAS initialisation failed", t);
        }
    }

    /** cuBLAS for the device, or empty (with the reason logged once) when no usable library is found. */
    static Optional<Cublas> open(CudaContext context, CudaLibraries libraries) {
        if (Boolean.getBoolean("galvani.cuda.noCublas")) return Optional.empty();
        Optional<Path> found = libraries.find(CudaLibraries.CUBLAS);
        try {
            SymbolLookup lib;
            Path path;
            if (found.isPresent()) {
                path = found.get();
                lib = SymbolLookup.libraryLookup(path, Arena.global());
            } else {
                lib = null;
                path = null;
                for (String name : CudaLibraries.CUBLAS) {
                    try {
                        lib = SymbolLookup.libraryLookup(name, Arena.global());
                        path = Path.of(name);
                        break;
                    } catch (IllegalArgumentException notThere) { /* the next name */ }
                }
                if (lib == null) {
                    LOG.log(System.Logger.Level.INFO, "no cuBLAS (libcublas.so.13 or .12) found in GALVANI_CUDA_LIBS, CUDA_HOME/lib64, the loader path or "
                            + CudaLibraries.USUAL_FOLDERS + "; " + context.device() + " uses Galvani's own GEMM kernels");
                    return Optional.empty();
                }
            }
            return Optional.of(new Cublas(path, lib, context));
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "cuBLAS found but not usable (" + e.getMessage() + "); " + context.device() + " uses Galvani's own GEMM kernels");
            return Optional.empty();
        }
    }

    private static MemorySegment symbol(SymbolLookup lib, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalArgumentException("symbol " + name + " not in the cuBLAS library"));
    }

    /**
     * Row-major out[b] = a[b] x b[b] ([M, K] x [K, N]) for each of {@code batch} entries. Each matrix
     * is given by its address, its leading dimension (the stride of its outer dim) and whether it is
     * stored transposed (unit stride along its outer dim); {@code out} is contiguous. {@code tf32}:
     * the handle's math mode lets cuBLAS use TF32 tensor cores for this F32 product (ignored when
     * the library has no {@code cublasSetMathMode}, and for F64). Synchronized: the mode and the call that
     * relies on it go together.
     */
    synchronized void gemm(boolean f64, boolean tf32, int m, int n, int k, long a, int lda, boolean aTransposed, long strideA, long b, int ldb, boolean bTransposed,
              long strideB, long out, int batch) {
        // Column-major: Cᵀ[N, M] = op(Bᵀ) op(Aᵀ); a row-major B read column-major is Bᵀ already (op N).
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment alpha = f64 ? arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 1.0) : arena.allocateFrom(ValueLayout.JAVA_FLOAT, 1f);
            MemorySegment beta = f64 ? arena.allocateFrom(ValueLayout.JAVA_DOUBLE, 0.0) : arena.allocateFrom(ValueLayout.JAVA_FLOAT, 0f);
            MethodHandle h = f64 ? dgemm : sgemm;
            int mode = tf32 && !f64 ? TF32_TENSOR_OP_MATH : DEFAULT_MATH;
            if (mode != mathMode && setMathMode.isPresent()) {        // the handle keeps its mode: set it only when it changes
                status((int) setMathMode.get().invokeExact(handle, mode), "cublasSetMathMode");
                mathMode = mode;
            }
            int status = (int) h.invokeExact(handle, bTransposed ? OP_T : OP_N, aTransposed ? OP_T : OP_N, n, m, k, alpha,
                    MemorySegment.ofAddress(b), ldb, strideB, MemorySegment.ofAddress(a), lda, strideA, beta, MemorySegment.ofAddress(out), n,
                    (long) m * n, batch);
            status(status, f64 ? "cublasDgemmStridedBatched" : "cublasSgemmStridedBatched");
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuBLAS call failed", t);
        }
    }

    private static void status(int s, String call) {
        if (s != 0) throw new IllegalStateException(call + " failed with cublasStatus " + s + " (" + statusName(s) + ")");
    }

    /** cublasStatus_t names (cublas_api.h). */
    static String statusName(int s) {
        return switch (s) {
            case 0 -> "CUBLAS_STATUS_SUCCESS";
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "unknown status";
        };
    }
}
