package dev.galvani.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.galvani.tensor.AdamStep;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Normalization;
import dev.galvani.tensor.OptimizerUpdates;
import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Softmax;
import dev.galvani.tensor.backend.SoftmaxKernels;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.ConvolutionKernels;
import dev.galvani.tensor.KernelAccess;
import dev.galvani.tensor.backend.DelayKernels;
import dev.galvani.tensor.backend.DelaySpec;
import dev.galvani.tensor.backend.NormalizationKernels;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.cpu.CpuBackend;
import dev.galvani.tensor.backend.OptimizerKernels;
import dev.galvani.tensor.backend.Pool2dSpec;
import dev.galvani.tensor.backend.PoolingKernels;
import dev.galvani.tensor.backend.SpectralKernels;
import dev.galvani.tensor.FFT;
import dev.galvani.tensor.ComplexTensor;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The CUDA indexing kernels and kernel families against the CPU on the same inputs, at sizes that
 * take many blocks (the operation table checks them on small inputs against naive references):
 * gather, index_select and scatter_add (bit for bit: scatter_add adds in the CPU's order), max and
 * average pooling forward and backward (bit for bit: same window order, the backward passes add in
 * the CPU's order), batch norm forward and backward (statistics in double on both, so to a few ulps),
 * and the Adam step (bit for bit). Skipped where no CUDA device can be used.
 */
@Tag("cuda")
class CudaFamiliesTest {

    static final Device GPU = Device.cuda(0);
    static CudaBackend backend;

    @BeforeAll
    static void gpu() {
        Optional<String> why = CudaBackend.unavailableReason(0);
        assumeTrue(why.isEmpty(), () -> why.orElse(""));
        backend = CudaBackend.open(0);
    }

    @Test
    void theFamiliesAreNativeOnCuda() {
        assertTrue(backend.kernels(ConvolutionKernels.class).orElseThrow() instanceof CudaConvolution);
        assertTrue(backend.kernels(DelayKernels.class).orElseThrow() instanceof CudaDelays);
        assertTrue(backend.kernels(SpectralKernels.class).orElseThrow() instanceof CudaSpectral);
        assertTrue(backend.kernels(PoolingKernels.class).orElseThrow() instanceof CudaPooling);
        assertTrue(backend.kernels(NormalizationKernels.class).orElseThrow() instanceof CudaNormalization);
        assertTrue(backend.kernels(OptimizerKernels.class).orElseThrow() instanceof CudaOptimizers);
        assertTrue(backend.kernels(SoftmaxKernels.class).orElseThrow() instanceof CudaSoftmax);
    }

    @Test
    void gatherAndIndexSelectGiveTheCpusValues() {
        Map<String, Long> before = backend.hostFallbacks();
        Generator g = new Generator(11);
        for (DType dt : new DType[]{DType.F32, DType.F64, DType.I32, DType.I64}) {
            Tensor x = Tensor.randn(g, DType.F64, 37, 129, 65).mul(100).to(dt);
            Tensor xt = x.transpose(0, 2);                                        // a strided view: [65, 129, 37]
            for (int dim = 0; dim < 3; dim++) {
                Tensor idx = Tensor.randint(g, 0, xt.size(dim), 1000);
                assertArrayEquals(xt.indexSelect(dim, idx).toDoubleArray(), xt.to(GPU).indexSelect(dim, idx.to(GPU)).toDoubleArray(), "indexSelect " + dt + " dim " + dim);
                int[] shape = {40, 50, 30};
                shape[dim] = 70;
                Tensor gi = Tensor.randint(g, 0, xt.size(dim), shape);
                assertArrayEquals(xt.gather(dim, gi).toDoubleArray(), xt.to(GPU).gather(dim, gi.to(GPU)).toDoubleArray(), "gather " + dt + " dim " + dim);
            }
        }
        assertEquals(before, backend.hostFallbacks(), "no host fallback");
    }

    /** BOOL unary and reductions run on the device (no host fallback) and give the CPU's values. */
    @Test
    void boolUnaryAndReductionsAreNative() {
        Map<String, Long> before = backend.hostFallbacks();
        Generator g = new Generator(19);
        Tensor x = Tensor.rand(g, DType.F64, 37, 300, 5).gt(0.7);
        Tensor xs = x.transpose(0, 1);
        for (Tensor in : new Tensor[]{x, xs}) {
            Tensor onGpu = in.to(GPU);
            for (dev.galvani.tensor.backend.UnaryOp op : new dev.galvani.tensor.backend.UnaryOp[]{dev.galvani.tensor.backend.UnaryOp.ABS,
                    dev.galvani.tensor.backend.UnaryOp.SIGN, dev.galvani.tensor.backend.UnaryOp.SQUARE}) {
                Tensor c = Tensor.zeros(DType.BOOL, Device.CPU, in.shape().dims()), d = Tensor.zeros(DType.BOOL, GPU, in.shape().dims());
                CpuBackend.INSTANCE.unary(op, op(in), op(c));
                backend.unary(op, op(onGpu), op(d));
                assertArrayEquals(c.toDoubleArray(), d.toDoubleArray(), "unary " + op + " on BOOL");
            }
            for (dev.galvani.tensor.backend.ReduceOp op : dev.galvani.tensor.backend.ReduceOp.values())
                for (int[] dims : new int[][]{{1}, {0, 2}, {2}}) {
                    boolean arg = op == dev.galvani.tensor.backend.ReduceOp.ARGMAX || op == dev.galvani.tensor.backend.ReduceOp.ARGMIN;
                    if (arg && dims.length > 1) continue;
                    int[] shape = in.shape().dims();
                    for (int d : dims) shape[d] = 1;
                    DType dt = arg ? DType.I64 : DType.BOOL;
                    Tensor c = Tensor.zeros(dt, Device.CPU, shape), d = Tensor.zeros(dt, GPU, shape);
                    CpuBackend.INSTANCE.reduce(op, op(in), dims, op(c));
                    backend.reduce(op, op(onGpu), dims, op(d));
                    assertArrayEquals(c.toDoubleArray(), d.toDoubleArray(), "reduce " + op + " " + java.util.Arrays.toString(dims) + " on BOOL");
                }
        }
        assertEquals(before, backend.hostFallbacks(), "no host fallback");
    }

    @Test
    void scatterAddIsTheCpusBitForBit() {
        Generator g = new Generator(12);
        for (DType dt : new DType[]{DType.F32, DType.F64, DType.I32, DType.I64}) {
            for (int dim = 0; dim < 2; dim++) {
                Tensor target = Tensor.randn(g, DType.F64, 64, 300).mul(1000).to(dt);
                int[] shape = {64, 300};
                shape[dim] = 5000;                                                   // many collisions per target element
                Tensor idx = Tensor.randint(g, 0, target.size(dim), shape), src = Tensor.randn(g, DType.F64, shape).mul(1000).to(dt);
                double[] cpu = target.scatterAdd(dim, idx, src).toDoubleArray();
                double[] gpu = target.to(GPU).scatterAdd(dim, idx.to(GPU), src.to(GPU)).toDoubleArray();
                assertArrayEquals(cpu, gpu, "scatterAdd " + dt + " dim " + dim);
            }
        }
        // Many lines (one thread per line) and a vector (one thread per target element scanning the line).
        for (int[] shape : new int[][]{{64, 5000}, {1000}}) {
            Tensor target = Tensor.randn(g, shape);
            int[] ishape = shape.clone();
            ishape[0] = 3000;
            Tensor idx = Tensor.randint(g, 0, shape[0], ishape), src = Tensor.randn(g, ishape);
            assertArrayEquals(target.scatterAdd(0, idx, src).toFloatArray(), target.to(GPU).scatterAdd(0, idx.to(GPU), src.to(GPU)).toFloatArray(),
                    "scatterAdd " + java.util.Arrays.toString(shape));
        }
        // A transposed source and index (strided lines).
        Tensor target = Tensor.zeros(DType.F32, Device.CPU, 33, 17);
        Tensor idx = Tensor.randint(g, 0, 33, 17, 900).transpose(0, 1), src = Tensor.randn(g, 17, 900).transpose(0, 1);
        assertArrayEquals(target.scatterAdd(0, idx, src).toFloatArray(), target.to(GPU).scatterAdd(0, idx.to(GPU), src.to(GPU)).toFloatArray());
    }

    @Test
    void anIndexOutOfRangeIsReportedAtTheNextWait() {
        Tensor x = Tensor.randn(new Generator(1), GPU, 4, 5);
        Tensor bad = Tensor.of(new long[]{0, 9, 1}, 3).to(GPU);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.indexSelect(0, bad).toFloatArray());
        assertTrue(e.getMessage().contains("index 9") && e.getMessage().contains("size 4"), e.getMessage());
        Tensor badScatter = Tensor.of(new long[]{0, -1}, 2, 1).to(GPU);
        assertThrows(IndexOutOfBoundsException.class, () -> x.scatterAdd(0, badScatter, Tensor.ones(GPU, 2, 1)).toFloatArray());
        assertEquals(20, x.abs().gt(-1).sum().item(), "the device still works and the slot was cleared");
    }

    @Test
    void poolingIsTheCpusBitForBit() {
        Generator g = new Generator(13);
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            Tensor x = Tensor.randn(g, dt, 8, 16, 33, 31);
            Tensor xt = x.transpose(2, 3);                                        // strided input [8, 16, 31, 33]
            Pool2dSpec[] maxSpecs = {new Pool2dSpec(2, 2, 2, 2, 0, 0, 1, 1, false, true), new Pool2dSpec(3, 3, 2, 2, 1, 1, 1, 1, true, true),
                    new Pool2dSpec(3, 2, 1, 2, 1, 1, 2, 1, false, true), new Pool2dSpec(4, 4, 3, 3, 2, 2, 1, 1, true, true)};
            for (Tensor in : new Tensor[]{x, xt})
                for (Pool2dSpec s : maxSpecs) {
                    Pooling.MaxPoolResult cpu = Pooling.maxPool2dWithIndices(in, s), gpu = Pooling.maxPool2dWithIndices(in.to(GPU), s);
                    assertArrayEquals(cpu.values().toDoubleArray(), gpu.values().toDoubleArray(), "maxPool2d " + s);
                    assertArrayEquals(cpu.indices().toLongArray(), gpu.indices().toLongArray(), "maxPool2d indices " + s);
                    Tensor gy = Tensor.randn(g, dt, cpu.values().shape().dims());
                    assertArrayEquals(Pooling.maxPool2dBackward(gy, cpu.indices(), in.shape().dims(), s).toDoubleArray(),
                            Pooling.maxPool2dBackward(gy.to(GPU), gpu.indices(), in.shape().dims(), s).toDoubleArray(), "maxPool2dBackward " + s);
                }
            Pool2dSpec[] avgSpecs = {new Pool2dSpec(2, 2, 2, 2, 0, 0, 1, 1, false, true), new Pool2dSpec(3, 3, 2, 2, 1, 1, 1, 1, true, false),
                    new Pool2dSpec(3, 3, 2, 2, 1, 1, 1, 1, true, true), new Pool2dSpec(5, 3, 1, 2, 2, 1, 1, 1, false, false)};
            for (Tensor in : new Tensor[]{x, xt})
                for (Pool2dSpec s : avgSpecs) {
                    Tensor cpu = Pooling.avgPool2d(in, s);
                    assertArrayEquals(cpu.toDoubleArray(), Pooling.avgPool2d(in.to(GPU), s).toDoubleArray(), "avgPool2d " + s);
                    Tensor gy = Tensor.randn(g, dt, cpu.shape().dims());
                    assertArrayEquals(Pooling.avgPool2dBackward(gy, in.shape().dims(), s).toDoubleArray(),
                            Pooling.avgPool2dBackward(gy.to(GPU), in.shape().dims(), s).toDoubleArray(), "avgPool2dBackward " + s);
                }
        }
    }

    /** Forward and both gradients, with groups, strides, padding, dilation, strided inputs, and with the batch split in chunks. */
    @Test
    void convolutionMatchesTheCpu() {
        Generator g = new Generator(16);
        // (stride, padding, dilation, groups, kernel)
        int[][] geometries = {{1, 1, 1, 1, 3}, {2, 0, 1, 1, 3}, {1, 2, 2, 2, 3}, {2, 1, 1, 4, 5}, {1, 0, 1, 8, 1}, {3, 2, 2, 1, 2}};
        for (long budget : new long[]{CudaConvolution.COLUMN_BUDGET, 5000}) {
            CudaConvolution.columnBudget = budget;
            try {
                for (DType dt : new DType[]{DType.F32, DType.F64}) {
                    double tol = dt == DType.F32 ? 1e-4 : 1e-11;
                    for (int[] c : geometries) {
                        Conv2dSpec s = new Conv2dSpec(c[0], c[0], c[1], c[1], c[2], c[2], c[3]);
                        Tensor x = Tensor.randn(g, dt, 6, 8, 19, 23), w = Tensor.randn(g, dt, 16, 8 / c[3], c[4], c[4]).mul(0.2);
                        Tensor xs = x.transpose(2, 3).contiguous().transpose(2, 3);           // same values, strided layout
                        Tensor cpu = Convolution.conv2d(x, w, null, s);
                        String what = dt + " conv " + java.util.Arrays.toString(c) + " budget " + budget;
                        close(cpu, Convolution.conv2d(x.to(GPU), w.to(GPU), null, s), tol, what);
                        close(cpu, Convolution.conv2d(xs.to(GPU), w.to(GPU), null, s), tol, what + " strided input");
                        Tensor gy = Tensor.randn(g, dt, cpu.shape().dims());
                        close(Convolution.conv2dInputGrad(gy, w, x.shape().dims(), s), Convolution.conv2dInputGrad(gy.to(GPU), w.to(GPU), x.shape().dims(), s),
                                tol, what + " input gradient");
                        close(Convolution.conv2dWeightGrad(x, gy, w.shape().dims(), s), Convolution.conv2dWeightGrad(xs.to(GPU), gy.to(GPU), w.shape().dims(), s),
                                tol * 10, what + " weight gradient");
                    }
                }
            } finally {
                CudaConvolution.columnBudget = CudaConvolution.COLUMN_BUDGET;
            }
        }
    }

    /**
     * fft, ifft, rfft and irfft along a middle and a last dimension, lengths 1 to a prime above 4096,
     * against the CPU's transforms; through cuFFT where the machine has it (said on stdout), else the
     * host fallback.
     */
    @Test
    void fftsMatchTheCpu() {
        boolean cufft = ((CudaSpectral) backend.kernels(SpectralKernels.class).orElseThrow()).usesCufft();
        System.out.println("CUDA FFTs: " + (cufft ? "cuFFT" : "host fallback (no cuFFT found)"));
        Generator g = new Generator(17);
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            double tol = dt == DType.F32 ? 2e-5 : 1e-11;
            for (int n : new int[]{1, 2, 15, 64, 1000, 4099}) {
                for (int dim : new int[]{1, 2}) {
                    int[] shape = {3, 5, 4};
                    shape[dim] = n;
                    Tensor re = Tensor.randn(g, dt, shape), im = Tensor.randn(g, dt, shape);
                    ComplexTensor z = ComplexTensor.of(re, im), zg = ComplexTensor.of(re.to(GPU), im.to(GPU));
                    String what = dt + " n " + n + " dim " + dim;
                    double scale = tol * Math.max(1, Math.sqrt(n)) * Math.log(n + 1) / Math.log(2);
                    for (String norm : new String[]{"backward", "ortho"}) {
                        closeComplex(FFT.fft(z, -1, dim, norm), FFT.fft(zg, -1, dim, norm), scale, what + " fft " + norm);
                        closeComplex(FFT.ifft(z, -1, dim, norm), FFT.ifft(zg, -1, dim, norm), scale, what + " ifft " + norm);
                        ComplexTensor spectrum = FFT.rfft(re, -1, dim, norm);
                        closeComplex(spectrum, FFT.rfft(re.to(GPU), -1, dim, norm), scale, what + " rfft " + norm);
                        close(FFT.irfft(spectrum, n, dim, norm), FFT.irfft(spectrum.to(GPU), n, dim, norm), scale, what + " irfft " + norm);
                    }
                }
            }
        }
    }

    static void closeComplex(ComplexTensor cpu, ComplexTensor gpu, double tol, String what) {
        close(cpu.real(), gpu.real(), tol, what + " (real)");
        close(cpu.imag(), gpu.imag(), tol, what + " (imaginary)");
    }

    /**
     * Every DCLS kernel against the CPU's on the same operands: the kernel and its backward for each
     * profile, the correlation and its backward (with the output steps in one chunk and in many),
     * sparse taps with a finite and an infinite radius, and the integer delays with their streaming step.
     */
    @Test
    void delayKernelsMatchTheCpu() {
        DelayKernels cpu = CpuBackend.INSTANCE.kernels(DelayKernels.class).orElseThrow(), gpu = backend.kernels(DelayKernels.class).orElseThrow();
        Generator g = new Generator(18);
        int steps = 40, batch = 3, cin = 9, cout = 12;
        for (long budget : new long[]{CudaDelays.UNFOLD_BUDGET, 700}) {
            CudaDelays.unfoldBudget = budget;
            try {
                for (DType dt : new DType[]{DType.F32, DType.F64}) {
                    double tol = dt == DType.F32 ? 2e-5 : 1e-11;
                    for (DelaySpec.Profile profile : DelaySpec.Profile.values())
                        for (int taps : new int[]{1, 7, 25}) {
                            String what = dt + " " + profile + " D " + taps + " budget " + budget;
                            DelaySpec spec = DelaySpec.of(profile, taps);
                            Tensor w = Tensor.randn(g, dt, cout, cin), p = Tensor.rand(g, dt, cout, cin).sub(0.5).mul(taps),
                                    sigma = Tensor.randn(g, dt, cout, cin).mul(2);
                            int outSteps = steps + spec.half();
                            Tensor[] k = both(dt, cout, cin, taps);
                            cpu.buildKernel(op(w), op(p), op(sigma), op(k[0]), spec);
                            gpu.buildKernel(op(w.to(GPU)), op(p.to(GPU)), op(sigma.to(GPU)), op(k[1]), spec);
                            close(k[0], k[1], tol, what + " kernel");
                            Tensor gk = Tensor.randn(g, dt, cout, cin, taps);
                            Tensor[] dw = both(dt, cout, cin), dp = both(dt, cout, cin), ds = both(dt, cout, cin);
                            cpu.kernelBackward(op(gk), op(w), op(p), op(sigma), op(dw[0]), op(dp[0]), op(ds[0]), spec);
                            gpu.kernelBackward(op(gk.to(GPU)), op(w.to(GPU)), op(p.to(GPU)), op(sigma.to(GPU)), op(dw[1]), op(dp[1]), op(ds[1]), spec);
                            close(dw[0], dw[1], tol, what + " dW");
                            close(dp[0], dp[1], tol, what + " dP");
                            close(ds[0], ds[1], tol, what + " dsigma");

                            Tensor x = Tensor.randn(g, dt, steps, batch, cin), gy = Tensor.randn(g, dt, outSteps, batch, cout);
                            Tensor[] y = both(dt, outSteps, batch, cout);
                            cpu.correlate(op(x), op(gk), op(y[0]), spec);
                            gpu.correlate(op(x.to(GPU)), op(gk.to(GPU)), op(y[1]), spec);
                            close(y[0], y[1], tol * 10, what + " correlate");
                            Tensor[] dx = both(dt, steps, batch, cin), dk = both(dt, cout, cin, taps);
                            cpu.correlateBackward(op(gy), op(x), op(gk), op(dx[0]), op(dk[0]), spec);
                            gpu.correlateBackward(op(gy.to(GPU)), op(x.to(GPU)), op(gk.to(GPU)), op(dx[1]), op(dk[1]), spec);
                            close(dx[0], dx[1], tol * 10, what + " correlate dx");
                            close(dk[0], dk[1], tol * 100, what + " correlate dK");

                            for (double radius : new double[]{2.5, Double.POSITIVE_INFINITY}) {
                                DelaySpec sparse = new DelaySpec(profile, taps, radius);
                                Tensor[] ys = both(dt, outSteps, batch, cout);
                                cpu.sparseForward(op(x), op(w), op(p), op(sigma), op(ys[0]), sparse);
                                gpu.sparseForward(op(x.to(GPU)), op(w.to(GPU)), op(p.to(GPU)), op(sigma.to(GPU)), op(ys[1]), sparse);
                                close(ys[0], ys[1], tol * 10, what + " sparse radius " + radius);
                                Tensor[] sx = both(dt, steps, batch, cin), sw = both(dt, cout, cin), sp = both(dt, cout, cin), ss = both(dt, cout, cin);
                                cpu.sparseBackward(op(gy), op(x), op(w), op(p), op(sigma), op(sx[0]), op(sw[0]), op(sp[0]), op(ss[0]), sparse);
                                gpu.sparseBackward(op(gy.to(GPU)), op(x.to(GPU)), op(w.to(GPU)), op(p.to(GPU)), op(sigma.to(GPU)), op(sx[1]), op(sw[1]),
                                        op(sp[1]), op(ss[1]), sparse);
                                close(sx[0], sx[1], tol * 10, what + " sparse dx radius " + radius);
                                close(sw[0], sw[1], tol * 100, what + " sparse dW radius " + radius);
                                close(sp[0], sp[1], tol * 100, what + " sparse dP radius " + radius);
                                close(ss[0], ss[1], tol * 100, what + " sparse dsigma radius " + radius);
                            }

                            Tensor delays = Tensor.randint(g, 0, taps, cout, cin).to(DType.I32);
                            Tensor[] yi = both(dt, outSteps, batch, cout);
                            cpu.integerForward(op(x), op(w), op(delays), op(yi[0]), spec);
                            gpu.integerForward(op(x.to(GPU)), op(w.to(GPU)), op(delays.to(GPU)), op(yi[1]), spec);
                            close(yi[0], yi[1], tol, what + " integer");
                            Tensor[] ix = both(dt, steps, batch, cin), iw = both(dt, cout, cin);
                            cpu.integerBackward(op(gy), op(x), op(w), op(delays), op(ix[0]), op(iw[0]), spec);
                            gpu.integerBackward(op(gy.to(GPU)), op(x.to(GPU)), op(w.to(GPU)), op(delays.to(GPU)), op(ix[1]), op(iw[1]), spec);
                            close(ix[0], ix[1], tol, what + " integer dx");
                            close(iw[0], iw[1], tol * 10, what + " integer dW");
                            Tensor ring = Tensor.randn(g, dt, taps, cin, batch);
                            Tensor[] step = both(dt, batch, cout);
                            cpu.integerStep(op(ring), taps / 2, op(w), op(delays), op(step[0]), spec);
                            gpu.integerStep(op(ring.to(GPU)), taps / 2, op(w.to(GPU)), op(delays.to(GPU)), op(step[1]), spec);
                            close(step[0], step[1], tol, what + " integer step");
                        }
                }
            } finally {
                CudaDelays.unfoldBudget = CudaDelays.UNFOLD_BUDGET;
            }
        }
    }

    /** Zeroed outputs of one shape on the CPU and the GPU. */
    private static Tensor[] both(DType dt, int... shape) { return new Tensor[]{Tensor.zeros(dt, Device.CPU, shape), Tensor.zeros(dt, GPU, shape)}; }

    private static Operand op(Tensor t) { return KernelAccess.operand(t); }

    @Test
    void batchNormMatchesTheCpu() {
        Generator g = new Generator(14);
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            double tol = dt == DType.F32 ? 2e-5 : 1e-12;
            for (int[] shape : new int[][]{{32, 64, 13, 11}, {4096, 3}, {2, 5, 70000}}) {
                Tensor x = Tensor.randn(g, dt, shape).mul(3).add(1), w = Tensor.rand(g, dt, shape[1]).add(0.5), b = Tensor.randn(g, dt, shape[1]);
                Tensor rm = Tensor.randn(g, dt, shape[1]), rv = Tensor.rand(g, dt, shape[1]).add(0.5);
                for (boolean batchStats : new boolean[]{true, false}) {
                    Normalization.BatchNormResult cpu = Normalization.batchNorm(x, w, b, rm, rv, batchStats, 1e-5);
                    Normalization.BatchNormResult gpu = Normalization.batchNorm(x.to(GPU), w.to(GPU), b.to(GPU), rm.to(GPU), rv.to(GPU), batchStats, 1e-5);
                    close(cpu.output(), gpu.output(), tol, "batchNorm output " + batchStats);
                    close(cpu.mean(), gpu.mean(), tol, "batchNorm mean " + batchStats);
                    close(cpu.invstd(), gpu.invstd(), tol, "batchNorm invstd " + batchStats);
                    Tensor gy = Tensor.randn(g, dt, shape);
                    Tensor[] gc = Normalization.batchNormBackward(gy, x, w, cpu.mean(), cpu.invstd(), batchStats, true, true, true);
                    Tensor[] gg = Normalization.batchNormBackward(gy.to(GPU), x.to(GPU), w.to(GPU), gpu.mean(), gpu.invstd(), batchStats, true, true, true);
                    for (int i = 0; i < 3; i++) close(gc[i], gg[i], tol * 10, "batchNormBackward " + i + " " + batchStats);
                }
            }
        }
    }

    @Test
    void adamStepIsTheCpusBitForBit() {
        Generator g = new Generator(15);
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            Object[][] options = {{0.0, false, false, false}, {0.1, false, false, false}, {0.01, true, false, false}, {0.0, false, true, false},
                    {0.05, true, true, true}};
            for (Object[] o : options) {
                int n = 100_003;
                Tensor p = Tensor.randn(g, dt, n), m = Tensor.zeros(dt, Device.CPU, n), v = Tensor.zeros(dt, Device.CPU, n);
                Tensor vmax = (Boolean) o[2] ? Tensor.zeros(dt, Device.CPU, n) : null;
                Tensor pg = p.to(GPU), mg = m.to(GPU), vg = v.to(GPU), vmaxg = vmax == null ? null : vmax.to(GPU);
                for (long step = 1; step <= 3; step++) {
                    Tensor grad = Tensor.randn(g, dt, n);
                    AdamStep hp = new AdamStep(1e-3, 0.9, 0.999, 1e-8, (Double) o[0], (Boolean) o[1], (Boolean) o[2], (Boolean) o[3], step);
                    OptimizerUpdates.adamStep(p, grad, m, v, vmax, hp);
                    OptimizerUpdates.adamStep(pg, grad.to(GPU), mg, vg, vmaxg, hp);
                }
                String what = dt + " adam " + java.util.Arrays.toString(o);
                assertArrayEquals(p.toDoubleArray(), pg.toDoubleArray(), what + " param");
                assertArrayEquals(m.toDoubleArray(), mg.toDoubleArray(), what + " exp_avg");
                assertArrayEquals(v.toDoubleArray(), vg.toDoubleArray(), what + " exp_avg_sq");
                if (vmax != null) assertArrayEquals(vmax.toDoubleArray(), vmaxg.toDoubleArray(), what + " max_exp_avg_sq");
            }
        }
    }

    /**
     * Softmax and log-softmax, forward and backward, against the CPU's kernels in every launch mode of
     * {@link CudaSoftmax}: a warp per row (rows up to 1024), a block of 256 and of 1024 threads (long
     * rows), a thread per row (many rows along a middle dimension), a block per strided row (few of
     * them), rows of one element, a transposed input, rows near 1000 and rows holding -inf. The sums
     * run in another order on the GPU, so values agree to a few ulps of the sum, not bit for bit.
     */
    @Test
    void softmaxMatchesTheCpu() {
        Map<String, Long> before = backend.hostFallbacks();
        Generator g = new Generator(16);
        int[][] shapes = {{300, 1000}, {7, 5000}, {3, 70000}, {64, 100, 129}, {2, 3000, 3}, {5000, 1}, {1000, 300}};
        int[] dims = {-1, -1, -1, 1, 1, 1, 0};
        for (DType dt : new DType[]{DType.F32, DType.F64}) {
            double rtol = dt == DType.F32 ? 1e-4 : 1e-11;
            for (int c = 0; c < shapes.length; c++) {
                int dim = dims[c];
                Tensor x = Tensor.randn(g, dt, shapes[c]).mul(4);
                if (c == 0) x = x.add(1000);                                      // exp(x) would overflow without the shift
                if (c == 6) x = x.t().contiguous().t();                           // softmax along rows of stride 1000
                if (c == 1) x = Tensor.where(Tensor.rand(g, dt, shapes[c]).lt(0.3), Double.NEGATIVE_INFINITY, x);
                for (boolean log : new boolean[]{false, true}) {
                    String what = dt + (log ? " logSoftmax " : " softmax ") + x.shape() + " dim " + dim;
                    Tensor yc = log ? Softmax.logSoftmax(x, dim) : Softmax.softmax(x, dim);
                    Tensor yg = log ? Softmax.logSoftmax(x.to(GPU), dim) : Softmax.softmax(x.to(GPU), dim);
                    near(yc, yg, rtol, what);
                    Tensor gy = Tensor.randn(g, dt, shapes[c]);
                    Tensor ycFinite = Tensor.where(yc.abs().eq(Double.POSITIVE_INFINITY), -30.0, yc), ygFinite = ycFinite.to(GPU);   // exp(-inf) = 0 either way
                    Tensor dc = log ? Softmax.logSoftmaxBackward(gy, ycFinite, dim) : Softmax.softmaxBackward(gy, ycFinite, dim);
                    Tensor dg = log ? Softmax.logSoftmaxBackward(gy.to(GPU), ygFinite, dim) : Softmax.softmaxBackward(gy.to(GPU), ygFinite, dim);
                    near(dc, dg, rtol, what + " backward");
                }
            }
        }
        assertEquals(before, backend.hostFallbacks(), "no host fallback");
    }

    /**
     * Infinities at the same places, and |cpu - gpu| within rtol (|cpu| + mean |cpu|) elsewhere: relative
     * for each element, with the tensor's scale as the floor where a difference cancels.
     */
    static void near(Tensor cpu, Tensor gpu, double rtol, String what) {
        double[] a = cpu.toDoubleArray(), b = gpu.toDoubleArray();
        assertEquals(a.length, b.length, what + ": length");
        double scale = 0;
        for (double v : a) if (Double.isFinite(v)) scale += Math.abs(v) / a.length;
        for (int i = 0; i < a.length; i++) {
            if (Double.isInfinite(a[i])) assertEquals(a[i], b[i], what + " [" + i + "]");
            else assertTrue(Math.abs(a[i] - b[i]) <= rtol * (Math.abs(a[i]) + scale), what + " [" + i + "]: CPU " + a[i] + ", GPU " + b[i]);
        }
    }

    /** |cpu - gpu| within tol (1 + |cpu|) element by element. */
    static void close(Tensor cpu, Tensor gpu, double tol, String what) {
        double[] a = cpu.toDoubleArray(), b = gpu.toDoubleArray();
        assertEquals(a.length, b.length, what + ": length");
        for (int i = 0; i < a.length; i++)
            assertTrue(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(a[i])), what + " [" + i + "]: CPU " + a[i] + ", GPU " + b[i]);
    }
}
