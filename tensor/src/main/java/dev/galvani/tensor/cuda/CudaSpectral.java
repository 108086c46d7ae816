package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.SpectralKernels;
import dev.galvani.tensor.cpu.CpuKernelFamilies;
import java.util.Optional;

/**
 * {@link SpectralKernels} on one CUDA device: cuFFT ({@link Cufft}) between two layout kernels of
 * fft.cu, which gather the split [outer, n, inner] operands into cuFFT's interleaved
 * [outer * inner, n] sequences and scatter the result back with the scale. A length-1 transform
 * is the identity (times the scale) and skips cuFFT. Without cuFFT the transforms run on the host
 * with the CPU's kernels, counted as host fallbacks.
 */
final class CudaSpectral implements SpectralKernels {

    private static final SpectralKernels CPU = new CpuKernelFamilies.Spectral();

    private final CudaBackend backend;
    private final Optional<Cufft> cufft;

    CudaSpectral(CudaBackend backend) {
        this.backend = backend;
        this.cufft = Cufft.open(backend.context(), CudaLibraries.system());
    }

    /** Whether the transforms run on the device through cuFFT (else on the host). */
    boolean usesCufft() { return cufft.isPresent(); }

    @Override public void fft(Operand re, Operand im, Operand outRe, Operand outIm, boolean inverse, double scale) {
        int outer = re.size(0), n = re.size(1), inner = re.size(2);
        long batch = (long) outer * inner, count = batch * n;
        if (count == 0) return;
        if (cufft.isEmpty()) {
            backend.onHost("fft (no cuFFT)", outRe, o -> CPU.fft(o[0], o[1], o[2], o[3], inverse, scale), re, im, outRe, outIm);
            backend.onHost("fft (no cuFFT)", outIm, o -> CPU.fft(o[0], o[1], o[2], o[3], inverse, scale), re, im, outRe, outIm);
            return;
        }
        DType dt = dtype(re);
        CudaStorage z = alloc(dt, 2 * count);
        try {
            pack(re, im, z, count, n, n, inner, 0);
            if (n > 1) cufft.get().complex(dt == DType.F64, inverse, n, (int) batch, z.address());
            unpack(z, outRe, outIm, count, n, inner, scale);
        } finally {
            z.release();                 // stream-ordered: the work enqueued before reads it first
        }
    }

    @Override public void rfft(Operand x, Operand outRe, Operand outIm, double scale) {
        int outer = x.size(0), n = x.size(1), inner = x.size(2), bins = n / 2 + 1;
        long batch = (long) outer * inner;
        if (batch * n == 0) return;
        if (cufft.isEmpty()) {
            backend.onHost("rfft (no cuFFT)", outRe, o -> CPU.rfft(o[0], o[1], o[2], scale), x, outRe, outIm);
            backend.onHost("rfft (no cuFFT)", outIm, o -> CPU.rfft(o[0], o[1], o[2], scale), x, outRe, outIm);
            return;
        }
        DType dt = dtype(x);
        CudaStorage real = alloc(dt, batch * n), z = alloc(dt, 2 * batch * bins);
        try {
            if (n == 1) {
                pack(x, null, z, batch, 1, 1, inner, 0);
            } else {
                backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.FFT_PACK_REAL, dt)).ptr(backend.address(x)).ptr(real.address())
                        .i64(batch * n).i32(n).i32(inner), grid(batch * n));
                cufft.get().forwardReal(dt == DType.F64, n, (int) batch, real.address(), z.address());
            }
            unpack(z, outRe, outIm, batch * bins, bins, inner, scale);
        } finally {
            real.release();
            z.release();
        }
    }

    @Override public void irfft(Operand re, Operand im, Operand out, double scale) {
        int outer = out.size(0), n = out.size(1), inner = out.size(2), bins = n / 2 + 1;
        long batch = (long) outer * inner;
        if (batch * n == 0) return;
        if (cufft.isEmpty()) {
            backend.onHost("irfft (no cuFFT)", out, o -> CPU.irfft(o[0], o[1], o[2], scale), re, im, out);
            return;
        }
        DType dt = dtype(out);
        CudaStorage z = alloc(dt, 2 * batch * bins), real = alloc(dt, batch * n);
        try {
            pack(re, im, z, batch * bins, re.size(1), bins, inner, n);
            if (n == 1) {
                // The one bin's real part: unpack the complex bins into out and a scratch imaginary part.
                unpack(z, out, Operand.contiguous(real, outer, 1, inner), batch, 1, inner, scale);
            } else {
                cufft.get().inverseReal(dt == DType.F64, n, (int) batch, z.address(), real.address());
                backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.FFT_UNPACK, dt)).ptr(real.address()).ptr(backend.address(out)).ptr(0)
                        .i64(batch * n).i32(n).i32(inner).f64(scale), grid(batch * n));
            }
        } finally {
            z.release();
            real.release();
        }
    }

    /** (re, im) [outer, binsIn, inner] into z [outer * inner, binsOut] interleaved (see fft.cu). */
    private void pack(Operand re, Operand im, CudaStorage z, long count, int binsIn, int binsOut, int inner, int realLength) {
        backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.FFT_PACK, re.dtype())).ptr(backend.address(re)).ptr(im == null ? 0 : backend.address(im))
                .ptr(z.address()).i64(count).i32(binsIn).i32(binsOut).i32(inner).i32(realLength), grid(count));
    }

    /** z [outer * inner, length] interleaved into (re, im) [outer, length, inner], times scale. */
    private void unpack(CudaStorage z, Operand re, Operand im, long count, int length, int inner, double scale) {
        backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.FFT_UNPACK, re.dtype())).ptr(z.address()).ptr(backend.address(re))
                .ptr(backend.address(im)).i64(count).i32(length).i32(inner).f64(scale), grid(count));
    }

    private LaunchGeometry.Grid grid(long items) { return LaunchGeometry.gridStride(items, backend.context().multiprocessors); }

    private CudaStorage alloc(DType dt, long length) {
        if (length > Integer.MAX_VALUE) throw new UnsupportedOperationException("FFT on " + backend.device() + ": a buffer of " + length + " elements");
        return (CudaStorage) backend.allocateUninitialized(dt, (int) Math.max(1, length));
    }

    private DType dtype(Operand o) {
        DType dt = o.dtype();
        if (dt != DType.F32 && dt != DType.F64) throw new UnsupportedOperationException("FFT on " + backend.device() + " needs F32 or F64, got " + dt);
        return dt;
    }
}
