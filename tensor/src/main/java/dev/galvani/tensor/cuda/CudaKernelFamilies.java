package dev.galvani.tensor.cuda;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.ConvolutionKernels;
import dev.galvani.tensor.backend.DelayKernels;
import dev.galvani.tensor.backend.KernelProvider;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.NormalizationKernels;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.OptimizerKernels;
import dev.galvani.tensor.backend.PoolingKernels;
import dev.galvani.tensor.backend.SoftmaxKernels;
import dev.galvani.tensor.backend.SpectralKernels;
import dev.galvani.tensor.backend.SpikingKernels;

/**
 * The CUDA kernel families, each registered as a {@link KernelProvider} for "cuda" devices in
 * {@code META-INF/services}. Families a device lacks run their composed forms from the core (the
 * front end's choice). Here: the multi-step LIF (lif.cu), convolution (conv.cu + GEMM,
 * {@code CudaConvolution}), pooling (pool.cu, {@code CudaPooling}), batch norm (norm.cu,
 * {@code CudaNormalization}), the Adam step (optim.cu, {@code CudaOptimizers}), the FFTs (cuFFT,
 * {@code CudaSpectral}), the DCLS delays (delay.cu, {@code CudaDelays}) and softmax (softmax.cu,
 * {@code CudaSoftmax}): the twins of the CPU's families in {@code CpuKernelFamilies}.
 */
public final class CudaKernelFamilies {

    private CudaKernelFamilies() {}

    /** {@link SpikingKernels} on CUDA: the fused multi-step IF/LIF/PLIF forward and backward (lif.cu). */
    public static final class Spiking implements KernelProvider<SpikingKernels> {
        /** Creates the provider; ServiceLoader calls it. */
        public Spiking() {}

        @Override public Class<SpikingKernels> family() { return SpikingKernels.class; }

        @Override public String deviceType() { return "cuda"; }

        @Override public SpikingKernels create(Backend backend) { return new Lif((CudaBackend) backend); }
    }

    /** {@link ConvolutionKernels} on CUDA: im2col + GEMM forward and both gradients (conv.cu, cuBLAS or Galvani's SGEMM). */
    public static final class Convolution implements KernelProvider<ConvolutionKernels> {
        /** Creates the provider; ServiceLoader calls it. */
        public Convolution() {}

        @Override public Class<ConvolutionKernels> family() { return ConvolutionKernels.class; }

        @Override public String deviceType() { return "cuda"; }

        @Override public ConvolutionKernels create(Backend backend) { return new CudaConvolution((CudaBackend) backend); }
    }

    /** {@link SpectralKernels} on CUDA: FFTs through cuFFT with layout kernels (fft.cu), on the host where no cuFFT is found. */
    public static final class Spectral implements KernelProvider<SpectralKernels> {
        /** Creates the provider; ServiceLoader calls it. */
        public Spectral() {}

        @Override public Class<SpectralKernels> family() { return SpectralKernels.class; }

        @Override public String deviceType() { return "cuda"; }

        @Override public SpectralKernels create(Backend backend) { return new CudaSpectral((CudaBackend) backend); }
    }

    /** {@link DelayKernels} on CUDA: the DCLS delay layer's kernels (delay.cu with GEMMs, {@code CudaDelays}). */
    public static final class Delays implements KernelProvider<DelayKernels> {
        /** Creates the provider; ServiceLoader calls it. */
        public Delays() {}

        @Override public Class<DelayKernels> family() { return DelayKernels.class; }

        @Override public String deviceType() { return "cuda"; }

        @Override public DelayKernels create(Backend backend) { return new CudaDelays((CudaBackend) backend); }
    }

    /** {@link PoolingKernels} on CUDA: max and average pooling, forward and backward (pool.cu). */
    public static final class Pooling implements KernelProvider<PoolingKernels> {
        /** Creates the provider; ServiceLoader calls it. */
        public Pooling() {}

        @Override public Class<PoolingKernels> family() { return PoolingKernels.class; }

        @Override public String deviceType() { return "cuda"; }

        @Override public PoolingKernels create(Backend backend) { return new CudaPooling((CudaBackend) backend); }
    }

    /** {@link NormalizationKernels} on CUDA: batch norm forward (batch or running statistics) and backward (norm.cu). */
    public static final class Normalization implements KernelProvider<NormalizationKernels> {
        /** Creates the provider; ServiceLoader calls it. */
        public Normalization() {}

        @Override public Class<NormalizationKernels> family() { return NormalizationKernels.class; }

        @Override public String deviceType() { return "cuda"; }

        @Override public NormalizationKernels create(Backend backend) { return new CudaNormalization((CudaBackend) backend); }
    }

    /** {@link OptimizerKernels} on CUDA: the fused Adam/AdamW step (optim.cu). */
    public static final class Optimizers implements KernelProvider<OptimizerKernels> {
        /** Creates the provider; ServiceLoader calls it. */
        public Optimizers() {}

        @Override public Class<OptimizerKernels> family() { return OptimizerKernels.class; }

        @Override public String deviceType() { return "cuda"; }

        @Override public OptimizerKernels create(Backend backend) { return new CudaOptimizers((CudaBackend) backend); }
    }

    /** {@link SoftmaxKernels} on CUDA: softmax, log-softmax and their backward passes, a thread, warp or block per row (softmax.cu). */
    public static final class Softmax implements KernelProvider<SoftmaxKernels> {
        /** Creates the provider; ServiceLoader calls it. */
        public Softmax() {}

        @Override public Class<SoftmaxKernels> family() { return SoftmaxKernels.class; }

        @Override public String deviceType() { return "cuda"; }

        @Override public SoftmaxKernels create(Backend backend) { return new CudaSoftmax((CudaBackend) backend); }
    }

    /** The LIF kernels of one device. */
    static final class Lif implements SpikingKernels {
        private final CudaBackend backend;

        Lif(CudaBackend backend) { this.backend = backend; }

        @Override public void lifForward(Operand x, Operand v0, Operand decay, Operand spikes, Operand h, Operand vSeq, Operand vLast, LifSpec spec) {
            int t = x.size(0), n = x.size(1);
            DType dt = x.dtype();
            if (!supported(dt, decay))
                throw new UnsupportedOperationException("lifForward on " + backend.device() + " needs F32 or F64 operands of one dtype, got " + dt);
            if ((long) t * n == 0) { if (n > 0) backend.copy(v0, vLast); return; }
            backend.launchFamily(params(KernelArgs.of(CudaBackend.named(Kernels.LIF_FORWARD, dt)).ptr(backend.address(x)).ptr(backend.address(v0))
                    .ptr(ptr(decay)).ptr(backend.address(spikes)).ptr(backend.address(h)).ptr(ptr(vSeq)).ptr(backend.address(vLast)).i32(t).i32(n), spec),
                    LaunchGeometry.gridStride(n, backend.context().multiprocessors));
        }

        @Override public void lifBackward(Operand gradSpikes, Operand gradVSeq, Operand gradVLast, Operand h, Operand vSeq, Operand v0, Operand decay,
                                          Operand gradX, Operand gradV0, Operand gradDecay, LifSpec spec) {
            int t = h.size(0), n = h.size(1);
            DType dt = h.dtype();
            if (!supported(dt, decay) || (gradDecay != null && gradDecay.dtype() != dt)) {
                throw new UnsupportedOperationException("lifBackward on " + backend.device() + " needs F32 or F64 operands of one dtype, got " + dt);
            }
            if (n == 0) return;
            LaunchGeometry.Grid grid = LaunchGeometry.gridStride(n, backend.context().multiprocessors);
            CudaStorage partials = gradDecay == null ? null : (CudaStorage) backend.allocateUninitialized(DType.F64, grid.gridX());
            try {
                if (t == 0) {
                    backend.fill(gradX, 0);
                    if (gradVLast != null) backend.copy(gradVLast, gradV0); else backend.fill(gradV0, 0);
                    if (gradDecay != null) backend.fill(gradDecay, 0);
                    return;
                }
                backend.launchFamily(params(KernelArgs.of(CudaBackend.named(Kernels.LIF_BACKWARD, dt)).ptr(backend.address(gradSpikes)).ptr(ptr(gradVSeq))
                        .ptr(ptr(gradVLast)).ptr(backend.address(h)).ptr(ptr(vSeq)).ptr(backend.address(v0)).ptr(ptr(decay)).ptr(backend.address(gradX))
                        .ptr(backend.address(gradV0)).ptr(partials == null ? 0 : partials.address()).i32(t).i32(n), spec), grid);
                if (gradDecay != null)
                    backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.LIF_DECAY_SUM, dt)).ptr(partials.address()).i32(grid.gridX())
                            .ptr(backend.address(gradDecay)), new LaunchGeometry.Grid(1, 1, 1, 256, 1, 1, 0));
            } finally {
                if (partials != null) partials.release();    // stream-ordered: the sum enqueued before reads it first
            }
        }

        private boolean supported(DType dt, Operand decay) { return (dt == DType.F32 || dt == DType.F64) && (decay == null || decay.dtype() == dt); }

        private long ptr(Operand o) { return o == null ? 0 : backend.address(o); }

        /** lif.cu's LifParams: kind, input decay, reset, detach flags, surrogate; k, V_th, V_reset, V_r, α. */
        private static KernelArgs params(KernelArgs args, LifSpec spec) {
            int[] flags = {spec.kind() == LifSpec.Kind.LIF ? 1 : 0, spec.decayInput() ? 1 : 0, spec.hardReset() ? 1 : 0, spec.detachReset() ? 1 : 0,
                    spec.detachTemporal() ? 1 : 0, spec.surrogate().kind().ordinal()};
            double[] values = {spec.kind() == LifSpec.Kind.LIF ? spec.decay() : 1.0, spec.vThreshold(), spec.hardReset() ? spec.vReset() : 0.0,
                    spec.restingValue(), spec.surrogate().alpha()};
            return args.lifParams(flags, values);
        }
    }
}
