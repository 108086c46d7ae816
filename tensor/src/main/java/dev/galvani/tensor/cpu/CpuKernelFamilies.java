package dev.galvani.tensor.cpu;

import dev.galvani.tensor.AdamStep;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.backend.ActivationKernels;
import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.ConvolutionKernels;
import dev.galvani.tensor.backend.DelayKernels;
import dev.galvani.tensor.backend.DelaySpec;
import dev.galvani.tensor.backend.KernelFamily;
import dev.galvani.tensor.backend.KernelProvider;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.NormalizationKernels;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.OptimizerKernels;
import dev.galvani.tensor.backend.Pool2dSpec;
import dev.galvani.tensor.backend.PoolingKernels;
import dev.galvani.tensor.backend.SoftmaxKernels;
import dev.galvani.tensor.backend.SpectralKernels;
import dev.galvani.tensor.backend.SpikingKernels;

/**
 * The CPU's optional kernel families, each registered as a {@link KernelProvider} for "cpu"
 * devices in {@code META-INF/services}. Each only routes to its kernel class, through {@link Fence}.
 */
public final class CpuKernelFamilies {

    private CpuKernelFamilies() {}

    /** What every CPU family shares as a provider: "cpu" devices, and itself as the implementation for each. */
    abstract static class CpuProvider<F extends KernelFamily> implements KernelProvider<F> {
        private final Class<F> family;

        CpuProvider(Class<F> family) { this.family = family; }

        @Override public final Class<F> family() { return family; }

        @Override public final String deviceType() { return Device.CPU.type(); }

        @Override public final F create(Backend backend) { return family.cast(this); }
    }

    /**
     * The CPU {@link ConvolutionKernels}: 2-D convolution and its input and weight gradients ({@code
     * ConvKernels}).
     */
    public static final class Convolution extends CpuProvider<ConvolutionKernels> implements ConvolutionKernels {
        /** Creates the provider; ServiceLoader calls it. */
        public Convolution() { super(ConvolutionKernels.class); }

        @Override public void conv2d(Operand x, Operand w, Operand out, Conv2dSpec spec) {
            Fence.run(() -> ConvKernels.conv2d(x, w, out, spec), x, w, out);
        }

        @Override public void conv2dInputGrad(Operand gradOut, Operand w, Operand gradIn, Conv2dSpec spec) {
            Fence.run(() -> ConvKernels.inputGrad(gradOut, w, gradIn, spec), gradOut, w, gradIn);
        }

        @Override public void conv2dWeightGrad(Operand x, Operand gradOut, Operand gradW, Conv2dSpec spec) {
            Fence.run(() -> ConvKernels.weightGrad(x, gradOut, gradW, spec), x, gradOut, gradW);
        }
    }

    /**
     * The CPU {@link PoolingKernels}: max and average pooling and their backward passes ({@code
     * PoolKernels}).
     */
    public static final class Pooling extends CpuProvider<PoolingKernels> implements PoolingKernels {
        /** Creates the provider; ServiceLoader calls it. */
        public Pooling() { super(PoolingKernels.class); }

        @Override public void maxPool2d(Operand x, Operand out, Operand indices, Pool2dSpec spec) {
            Fence.run(() -> PoolKernels.maxPool2d(x, out, indices, spec), x, out, indices);
        }

        @Override public void maxPool2dBackward(Operand gradOut, Operand indices, Operand gradIn, Pool2dSpec spec) {
            Fence.run(() -> PoolKernels.maxPool2dBackward(gradOut, indices, gradIn, spec), gradOut, indices, gradIn);
        }

        @Override public void avgPool2d(Operand x, Operand out, Pool2dSpec spec) {
            Fence.run(() -> PoolKernels.avgPool2d(x, out, spec), x, out);
        }

        @Override public void avgPool2dBackward(Operand gradOut, Operand gradIn, Pool2dSpec spec) {
            Fence.run(() -> PoolKernels.avgPool2dBackward(gradOut, gradIn, spec), gradOut, gradIn);
        }
    }

    /** The CPU {@link NormalizationKernels}: batch-norm forward and backward ({@code NormKernels}). */
    public static final class Normalization extends CpuProvider<NormalizationKernels> implements NormalizationKernels {
        /** Creates the provider; ServiceLoader calls it. */
        public Normalization() { super(NormalizationKernels.class); }

        @Override public void batchNormForward(Operand x, Operand weight, Operand bias, Operand mean, Operand invstd, Operand out,
                                               boolean computeStats, double eps) {
            Fence.run(() -> NormKernels.batchNormForward(x, weight, bias, mean, invstd, out, computeStats, eps),
                    x, weight, bias, mean, invstd, out);
        }

        @Override public void batchNormBackward(Operand gradOut, Operand x, Operand weight, Operand mean, Operand invstd, Operand gradIn,
                                                Operand gradWeight, Operand gradBias, boolean batchStats) {
            Fence.run(() -> NormKernels.batchNormBackward(gradOut, x, weight, mean, invstd, gradIn, gradWeight, gradBias, batchStats),
                    gradOut, x, weight, mean, invstd, gradIn, gradWeight, gradBias);
        }
    }

    /** The CPU {@link OptimizerKernels}: the fused Adam/AdamW step ({@code AdamKernels}). */
    public static final class Optimizers extends CpuProvider<OptimizerKernels> implements OptimizerKernels {
        /** Creates the provider; ServiceLoader calls it. */
        public Optimizers() { super(OptimizerKernels.class); }

        @Override public void adamStep(Operand param, Operand grad, Operand expAvg, Operand expAvgSq, Operand maxExpAvgSq, AdamStep hp) {
            Fence.run(() -> AdamKernels.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, hp), param, grad, expAvg, expAvgSq, maxExpAvgSq);
        }
    }

    /** The CPU {@link SpikingKernels}: the fused multi-step LIF forward and backward ({@code LifKernels}). */
    public static final class Spiking extends CpuProvider<SpikingKernels> implements SpikingKernels {
        /** Creates the provider; ServiceLoader calls it. */
        public Spiking() { super(SpikingKernels.class); }

        @Override public void lifForward(Operand x, Operand v0, Operand decay, Operand spikes, Operand h, Operand vSeq, Operand vLast, LifSpec spec) {
            Fence.run(() -> LifKernels.forward(x, v0, decay, spikes, h, vSeq, vLast, spec), x, v0, decay, spikes, h, vSeq, vLast);
        }

        @Override public void lifBackward(Operand gradSpikes, Operand gradVSeq, Operand gradVLast, Operand h, Operand vSeq, Operand v0, Operand decay,
                                          Operand gradX, Operand gradV0, Operand gradDecay, LifSpec spec) {
            Fence.run(() -> LifKernels.backward(gradSpikes, gradVSeq, gradVLast, h, vSeq, v0, decay, gradX, gradV0, gradDecay, spec),
                    gradSpikes, gradVSeq, gradVLast, h, vSeq, v0, decay, gradX, gradV0, gradDecay);
        }
    }

    /**
     * The CPU {@link DelayKernels}: the DCLS delay layer's dense GEMM form, sparse taps and integer
     * delays ({@code DelayConvKernels}).
     */
    public static final class Delays extends CpuProvider<DelayKernels> implements DelayKernels {
        /** Creates the provider; ServiceLoader calls it. */
        public Delays() { super(DelayKernels.class); }

        @Override public void buildKernel(Operand weight, Operand positions, Operand sigma, Operand kernel, DelaySpec spec) {
            Fence.run(() -> DelayConvKernels.buildKernel(weight, positions, sigma, kernel, spec), weight, positions, sigma, kernel);
        }

        @Override public void kernelBackward(Operand gradKernel, Operand weight, Operand positions, Operand sigma,
                                             Operand gradWeight, Operand gradPositions, Operand gradSigma, DelaySpec spec) {
            Fence.run(() -> DelayConvKernels.kernelBackward(gradKernel, weight, positions, sigma, gradWeight, gradPositions, gradSigma, spec),
                    gradKernel, weight, positions, sigma, gradWeight, gradPositions, gradSigma);
        }

        @Override public void correlate(Operand x, Operand kernel, Operand out, DelaySpec spec) {
            Fence.run(() -> DelayConvKernels.correlate(x, kernel, out, spec), x, kernel, out);
        }

        @Override public void correlateBackward(Operand gradOut, Operand x, Operand kernel, Operand gradX, Operand gradKernel, DelaySpec spec) {
            Fence.run(() -> DelayConvKernels.correlateBackward(gradOut, x, kernel, gradX, gradKernel, spec), gradOut, x, kernel, gradX, gradKernel);
        }

        @Override public void sparseForward(Operand x, Operand weight, Operand positions, Operand sigma, Operand out, DelaySpec spec) {
            Fence.run(() -> DelayConvKernels.sparseForward(x, weight, positions, sigma, out, spec), x, weight, positions, sigma, out);
        }

        @Override public void sparseBackward(Operand gradOut, Operand x, Operand weight, Operand positions, Operand sigma,
                                             Operand gradX, Operand gradWeight, Operand gradPositions, Operand gradSigma, DelaySpec spec) {
            Fence.run(() -> DelayConvKernels.sparseBackward(gradOut, x, weight, positions, sigma, gradX, gradWeight, gradPositions, gradSigma, spec),
                    gradOut, x, weight, positions, sigma, gradX, gradWeight, gradPositions, gradSigma);
        }

        @Override public void integerForward(Operand x, Operand weight, Operand delays, Operand out, DelaySpec spec) {
            Fence.run(() -> DelayConvKernels.integerForward(x, weight, delays, out, spec), x, weight, delays, out);
        }

        @Override public void integerBackward(Operand gradOut, Operand x, Operand weight, Operand delays, Operand gradX, Operand gradWeight, DelaySpec spec) {
            Fence.run(() -> DelayConvKernels.integerBackward(gradOut, x, weight, delays, gradX, gradWeight, spec), gradOut, x, weight, delays, gradX, gradWeight);
        }

        @Override public void integerStep(Operand ring, int newest, Operand weight, Operand delays, Operand out, DelaySpec spec) {
            Fence.run(() -> DelayConvKernels.integerStep(ring, newest, weight, delays, out, spec), ring, weight, delays, out);
        }
    }

    /** The CPU {@link SpectralKernels}: mixed-radix and Bluestein FFTs in vector lanes ({@code FftKernels}). */
    public static final class Spectral extends CpuProvider<SpectralKernels> implements SpectralKernels {
        /** Creates the provider; ServiceLoader calls it. */
        public Spectral() { super(SpectralKernels.class); }

        @Override public void fft(Operand re, Operand im, Operand outRe, Operand outIm, boolean inverse, double scale) {
            Fence.run(() -> FftKernels.fft(re, im, outRe, outIm, inverse, scale), re, im, outRe, outIm);
        }

        @Override public void rfft(Operand x, Operand outRe, Operand outIm, double scale) {
            Fence.run(() -> FftKernels.rfft(x, outRe, outIm, scale), x, outRe, outIm);
        }

        @Override public void irfft(Operand re, Operand im, Operand out, double scale) {
            Fence.run(() -> FftKernels.irfft(re, im, out, scale), re, im, out);
        }
    }

    /** The CPU {@link ActivationKernels}: ReLU's and GELU's backward in one pass ({@code ActivationGradKernels}). */
    public static final class Activations extends CpuProvider<ActivationKernels> implements ActivationKernels {
        /** Creates the provider; ServiceLoader calls it. */
        public Activations() { super(ActivationKernels.class); }

        @Override public void reluBackward(Operand grad, Operand output, Operand out) {
            Fence.run(() -> ActivationGradKernels.reluBackward(grad, output, out), grad, output, out);
        }

        @Override public void geluBackward(Operand grad, Operand x, Operand out) {
            Fence.run(() -> ActivationGradKernels.geluBackward(grad, x, out), grad, x, out);
        }
    }

    /** The CPU {@link SoftmaxKernels}: softmax, log-softmax and their backward passes, a row per thread in vector lanes ({@code SoftmaxRows}). */
    public static final class Softmax extends CpuProvider<SoftmaxKernels> implements SoftmaxKernels {
        /** Creates the provider; ServiceLoader calls it. */
        public Softmax() { super(SoftmaxKernels.class); }

        @Override public void softmax(Operand x, Operand out, boolean log) {
            Fence.run(() -> SoftmaxRows.softmax(x, out, log), x, out);
        }

        @Override public void softmaxBackward(Operand grad, Operand output, Operand out, boolean log) {
            Fence.run(() -> SoftmaxRows.softmaxBackward(grad, output, out, log), grad, output, out);
        }
    }
}
