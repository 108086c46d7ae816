package dev.galvani.nn.sparse;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.F;
import dev.galvani.nn.Init;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;

/**
 * A 2-D convolution whose channel connectivity is a mask [out, in] (G2GNet over channel ensembles,
 * bio reference §1.3 with channels as the units): output channel o reads input channel i only where
 * {@code M[o, i] = 1}, so {@code y = conv2d(x, W ⊙ M[:, :, None, None]) + b}. Masked kernels take no
 * part in the output and get exactly zero gradient. Use {@link EnsembleMask#mask} with the channel
 * counts for the ensembles, and {@link DynamicSparseTraining} to rewire it.
 *
 * <p>Initialisation, §1.3 carried over to kernels: PyTorch's Conv2d default (U(±1/√fan_in) with
 * fan_in = in · k²), then each output channel's active kernels scaled by √(in / active inputs of
 * the channel), so every output channel sees the variance of a dense one; the bias is
 * U(±1/√(mean active fan-in)).
 *
 * <p>For Hebbian regrowth a channel's activity is its spatial mean per sample ([B, C]): the §1.4
 * cosine similarity then compares how strongly two channels respond across the batch. The reference
 * defines the score for linear layers only; this is Galvani's choice for channels, documented here
 * and tested against a direct computation.
 */
public final class SparseConv2d extends Module implements SparseLayer {

    /** The layer's geometry (square kernel, stride and padding). */
    public final int inChannels, outChannels, kernelSize, stride, padding;
    /** The weight [out, in, k, k] (zero where masked) and the bias [out] (null without one). */
    public final Parameter weight, bias;
    private boolean recording;
    private Tensor lastInput, lastOutput;

    /** A convolution with channel connectivity {@code mask} (0/1 or any nonzero, [out, in]), initialised as the class says. */
    public SparseConv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Tensor mask, boolean bias, Generator gen) {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || padding < 0)
            throw new IllegalArgumentException("SparseConv2d: channel counts, kernel size and stride must be positive and padding not negative");
        if (!java.util.Arrays.equals(mask.shape().dims(), new int[]{outChannels, inChannels}))
            throw new IllegalArgumentException("SparseConv2d: the mask must be [" + outChannels + ", " + inChannels + "] (output by input channels), got " + mask.shape());
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernelSize = kernelSize;
        this.stride = stride;
        this.padding = padding;
        int taps = kernelSize * kernelSize, fanIn = inChannels * taps;
        float[] m = mask.to(DType.F32).ne(0.0).to(DType.F32).toFloatArray();
        float[] w = Init.defaultWeight(gen, fanIn, outChannels, inChannels, kernelSize, kernelSize).toFloatArray();
        long activeTotal = 0;
        for (int o = 0; o < outChannels; o++) {
            int active = 0;
            for (int i = 0; i < inChannels; i++) active += m[o * inChannels + i] != 0 ? 1 : 0;
            activeTotal += active;
            double scale = active == 0 ? 0 : Math.sqrt((double) inChannels / active);
            for (int i = 0; i < inChannels; i++)
                for (int t = 0; t < taps; t++) {
                    int at = (o * inChannels + i) * taps + t;
                    w[at] = m[o * inChannels + i] == 0 ? 0f : (float) (w[at] * scale);
                }
        }
        this.weight = registerParameter("weight", Tensor.of(w, outChannels, inChannels, kernelSize, kernelSize));
        double meanFanIn = Math.max(1.0, (double) activeTotal * taps / outChannels);
        this.bias = bias ? registerParameter("bias", Init.uniform(gen, 1 / Math.sqrt(meanFanIn), outChannels)) : null;
        registerBuffer("mask", Tensor.of(m, outChannels, inChannels));
    }

    @Override public int outputs() { return outChannels; }

    @Override public int inputs() { return inChannels; }

    @Override public Tensor mask() { return buffer("mask"); }

    /** The mask shaped [out, in, 1, 1], to broadcast over a kernel. */
    private Tensor kernelMask() { return mask().reshape(outChannels, inChannels, 1, 1); }

    @Override public Tensor connectionMagnitude() { return weight.value().detach().abs().sum(new int[]{2, 3}, false); }

    @Override public Tensor connectionGradient() { return weight.grad() == null ? null : weight.grad().abs().sum(new int[]{2, 3}, false); }

    @Override public void recordActivity(boolean on) {
        recording = on;
        if (!on) { lastInput = null; lastOutput = null; }
    }

    /** The last recorded input's channel means [B, in]. */
    @Override public Tensor lastInput() { return lastInput; }

    /** The last recorded output's channel means [B, out]. */
    @Override public Tensor lastOutput() { return lastOutput; }

    @Override public Tensor forward(Tensor x) {
        Tensor y = F.conv2d(x, weight.value().mul(kernelMask()), bias == null ? null : bias.value(), stride, padding, 1, 1);
        if (recording) {
            lastInput = x.detach().mean(new int[]{2, 3}, false);
            lastOutput = y.detach().mean(new int[]{2, 3}, false);
        }
        return y;
    }

    @Override public void setMask(Tensor mask) {
        try (var _ = Autograd.noGrad()) {
            Tensor grown = mask.gt(0.0).logicalAnd(mask().eq(0.0)).reshape(outChannels, inChannels, 1, 1);
            weight.value().copyFrom(Tensor.where(grown, 0.0, weight.value()));
            setBuffer("mask", TensorScope.untracked(() -> mask.to(DType.F32).clone()));
        }
    }

    @Override protected String extraRepr() {
        return "in_channels=" + inChannels + ", out_channels=" + outChannels + ", kernel_size=" + kernelSize + ", stride=" + stride
                + ", padding=" + padding + String.format(java.util.Locale.ROOT, ", density=%.4f", density());
    }
}
