package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;

/**
 * The CPU's {@link dev.galvani.tensor.backend.SpectralKernels}: reads the [outer, length, inner]
 * layout of contiguous operands and hands the arrays to the F32 or F64 lane kernels
 * ({@link FftLanesF32}, {@link FftLanesF64}).
 */
final class FftKernels {

    private FftKernels() {}

    static void fft(Operand re, Operand im, Operand outRe, Operand outIm, boolean inverse, double scale) {
        check(re, im, outRe, outIm);
        int outer = re.size(0), n = re.size(1), inner = re.size(2);
        if (re.numel() == 0) return;
        if (re.dtype() == DType.F32)
            FftLanesF32.fft(f(re), re.offset(), f(im), im.offset(), f(outRe), outRe.offset(), f(outIm), outIm.offset(),
                    outer, n, inner, inverse, (float) scale);
        else
            FftLanesF64.fft(d(re), re.offset(), d(im), im.offset(), d(outRe), outRe.offset(), d(outIm), outIm.offset(),
                    outer, n, inner, inverse, scale);
    }

    static void rfft(Operand x, Operand outRe, Operand outIm, double scale) {
        check(x, outRe, outIm);
        int outer = x.size(0), n = x.size(1), inner = x.size(2);
        if (x.numel() == 0) return;
        if (x.dtype() == DType.F32)
            FftLanesF32.rfft(f(x), x.offset(), f(outRe), outRe.offset(), f(outIm), outIm.offset(), outer, n, inner, (float) scale);
        else
            FftLanesF64.rfft(d(x), x.offset(), d(outRe), outRe.offset(), d(outIm), outIm.offset(), outer, n, inner, scale);
    }

    static void irfft(Operand re, Operand im, Operand out, double scale) {
        check(re, im, out);
        int outer = out.size(0), n = out.size(1), inner = out.size(2);
        if (out.numel() == 0) return;
        if (out.dtype() == DType.F32)
            FftLanesF32.irfft(f(re), re.offset(), f(im), im.offset(), f(out), out.offset(), outer, n, inner, (float) scale);
        else
            FftLanesF64.irfft(d(re), re.offset(), d(im), im.offset(), d(out), out.offset(), outer, n, inner, scale);
    }

    /** The front end's contract, checked once here: three-dimensional, contiguous, one floating dtype. */
    private static void check(Operand... ops) {
        for (Operand o : ops) {
            if (o.dim() != 3 || !o.isContiguous())
                throw new IllegalArgumentException("spectral kernels take contiguous [outer, length, inner] operands, got " + o);
            if (o.dtype() != ops[0].dtype() || !o.dtype().isFloatingPoint())
                throw new IllegalArgumentException("spectral kernels take F32 or F64 operands of one dtype, got " + o.dtype() + " and " + ops[0].dtype());
        }
    }

    private static float[] f(Operand o) { return (float[]) CpuBackend.array(o); }

    private static double[] d(Operand o) { return (double[]) CpuBackend.array(o); }
}
