package dev.galvani.delay;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.F;
import dev.galvani.nn.Init;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * A 2-D convolution whose every (output channel, input channel) pair has a learnable delay, so a
 * spiking CNN can learn delays: DCLS's suggestion of a 3-D DCLS kernel with time as the delay axis
 * (DCLS reference §2, SNN-delays issue #5), with positions learned along time only and a dense
 * spatial kernel, as DCLS's {@code Dcls3_1d} does. (That class widens its gauss profile by
 * {@code |σ| + 1}; this layer keeps the 0.27 of {@link DelayedLinear}, so the two layers' temporal
 * kernels agree.)
 *
 * <p>Input {@code [T, B, Cin, H, W]}, output {@code [T + (D − 1)/2, B, Cout, H', W']}: the temporal
 * kernel of each channel pair is {@link DelayKernel}'s (time padded causally as in §3), times that
 * pair's spatial kernel, {@code K[o, i, k, h, w] = n_k(P[o, i], σ[o, i]) · W[o, i, h, w]}. It runs as
 * D spatial convolutions of time-shifted views (each over T·B images), summed. Evaluation rounds the
 * delays as {@link DelayedLinear} does.
 */
public final class DelayedConv2d extends Module {

    /**
     * The geometry given to the constructor: input and output channels, the square spatial kernel size,
     * stride and padding, and D, the temporal kernel length (odd).
     */
    public final int inChannels, outChannels, kernelSize, stride, padding, taps;
    /**
     * The parameters: {@code weight [Cout, Cin, k, k]} (state-dict name "weight"), the delay positions {@code
     * [1, Cout, Cin, 1]} ("P"), and the frozen widths σ {@code [1, Cout, Cin, 1]} ("SIG").
     */
    public final Parameter weight, positions, sigma;

    /**
     * A layer initialised as {@link DelayedLinear} is: W kaiming-uniform with bound √(6 / (Cin k²)), P
     * uniform in [−D//2, ⌊D/2⌋] then clamped, σ = ⌊D/2⌋ and frozen.
     * @param inChannels Cin
     * @param outChannels Cout
     * @param kernelSize the spatial kernel size k (square)
     * @param stride the spatial stride
     * @param padding the spatial zero padding
     * @param taps D, the longest delay plus one, odd
     * @param gen the generator for W and P
     * @throws IllegalArgumentException if a size or the stride is not positive, the padding is negative, or D
     * is not odd and positive
     */
    public DelayedConv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int taps, Generator gen) {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || padding < 0)
            throw new IllegalArgumentException("DelayedConv2d: channels, kernel size and stride must be positive and padding non-negative");
        if (taps < 1 || taps % 2 == 0) throw new IllegalArgumentException("DelayedConv2d: the kernel length D must be odd and positive, got " + taps);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        this.taps = taps;
        int half = taps / 2, fanIn = inChannels * kernelSize * kernelSize;
        this.weight = registerParameter("weight", Init.uniform(gen, Math.sqrt(6.0 / fanIn), outChannels, inChannels, kernelSize, kernelSize));
        this.positions = registerParameter("P", DelayKernel.initialPositions(gen, outChannels, inChannels, taps));
        this.sigma = registerParameter("SIG", new Parameter(Tensor.full(half, 1, outChannels, inChannels, 1), false));
    }

    /** The temporal profile of each channel pair, {@code [Cout, Cin, D]} (weights of 1): gauss in training, rounded in evaluation. */
    public Tensor profile() {
        Tensor ones = Tensor.ones(weight.value().dtype(), outChannels, inChannels, 1).to(weight.value().device());
        if (isTraining()) return DelayKernel.build(DelayKernel.Version.GAUSS, ones, positions.value(), sigma.value(), taps);
        try (var _ = Autograd.noGrad()) {
            return DelayKernel.build(DelayKernel.Version.MAX, ones, DelayKernel.roundedPositions(positions.value(), taps), sigma.value().zerosLike(), taps);
        }
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 5 || x.size(2) != inChannels)
            throw new IllegalArgumentException("DelayedConv2d: input must be [T, B, " + inChannels + ", H, W], got " + x.shape());
        int half = (taps - 1) / 2, steps = x.size(0), batch = x.size(1), outSteps = steps + half;
        Tensor profile = profile();
        Tensor padded = x.pad(0, 0, 0, 0, 0, 0, 0, 0, taps - 1, half);
        Tensor w = weight.value();
        Tensor y = null;
        for (int k = 0; k < taps; k++) {
            Tensor kernel = w.mul(profile.select(2, k).unsqueeze(-1).unsqueeze(-1));         // [Cout, Cin, kH, kW]
            Tensor frames = padded.narrow(0, k, outSteps).reshape(outSteps * batch, inChannels, x.size(3), x.size(4));
            Tensor term = F.conv2d(frames, kernel, null, stride, padding, 1, 1);
            y = y == null ? term : y.add(term);
        }
        return y.reshape(outSteps, batch, outChannels, y.size(2), y.size(3));
    }

    /** Clamps every position to [−⌊D/2⌋, ⌊D/2⌋] in place, without recording. */
    public void clampPositions() { DelayKernel.clampInPlace(positions.value(), taps); }

    @Override protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding + ", taps=" + taps;
    }
}
