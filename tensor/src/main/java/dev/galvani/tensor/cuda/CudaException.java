package dev.galvani.tensor.cuda;

import jcuda.driver.CUresult;

/**
 * A CUDA driver call failed: the message names the call, the error ({@code CUDA_ERROR_...} with the
 * driver's description) and, for the errors users meet, what to do about it.
 */
public final class CudaException extends RuntimeException {

    /** cuda.h's CUDA_ERROR_INSUFFICIENT_DRIVER (JCuda 12.6's CUresult has no constant for it). */
    static final int CUDA_ERROR_INSUFFICIENT_DRIVER = 35;

    private final int code;

    /**
     * An exception for result {@code code} of {@code call}.
     * @param code the CUresult
     * @param call what was being done ("cuda:0: launching binary_f32")
     * @param description the driver's text for the code, or null
     */
    CudaException(int code, String call, String description) {
        super(message(code, call, description));
        this.code = code;
    }

    /**
     * The driver's result code ({@code CUresult}).
     * @return the code
     */
    public int code() { return code; }

    static String message(int code, String call, String description) {
        String name = CUresult.stringFor(code);
        StringBuilder s = new StringBuilder(call).append(" failed: ").append(name);
        if (description != null && !description.isBlank()) s.append(" (").append(description).append(')');
        String hint = hint(code);
        if (hint != null) s.append("; ").append(hint);
        return s.toString();
    }

    /** What a user can do about the errors that reach users. */
    static String hint(int code) {
        if (code == CUresult.CUDA_ERROR_ILLEGAL_ADDRESS || code == CUresult.CUDA_ERROR_LAUNCH_FAILED || code == CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION
                || code == CUresult.CUDA_ERROR_MISALIGNED_ADDRESS)
            return "a kernel failed and the CUDA context cannot be used any more: restart the JVM, and run with -Dgalvani.cuda.debug=true"
                    + " to have every launch checked at once, which names the kernel";
        if (code == CUresult.CUDA_ERROR_NO_BINARY_FOR_GPU || code == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
            return "Galvani's kernels were not built for this GPU or are newer than its driver; rebuild galvani-cuda-kernels with this machine's"
                    + " nvcc, or update the NVIDIA driver";
        if (code == CUDA_ERROR_INSUFFICIENT_DRIVER || code == CUresult.CUDA_ERROR_SYSTEM_DRIVER_MISMATCH || code == CUresult.CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE)
            return "the NVIDIA driver is older than this CUDA code needs: update the driver";
        if (code == CUresult.CUDA_ERROR_OUT_OF_MEMORY)
            return "the device is out of memory";
        return null;
    }
}
