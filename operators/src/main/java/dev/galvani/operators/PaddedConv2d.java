package dev.galvani.operators;

import dev.galvani.nn.Init;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * A square-kernel 2-D convolution with a padding mode, as {@code nn.Conv2d(..., padding_mode=m)}:
 * zero padding is the convolution's own; the other modes pad the input with {@link Tensor#pad}
 * first and convolve without padding, which is how PyTorch composes them too. The layers module's
 * {@code Conv2d} has no padding mode, so this composes one from the same primitives; the weight
 * [O, C, k, k] and bias [O] are initialised as PyTorch's (U(±1/√fanIn)) and registered as
 * {@code weight} and {@code bias}, so state dicts use PyTorch's names.
 */
public final class PaddedConv2d extends Module {

    /** The layer's geometry, as given to the constructor. */
    public final int inChannels, outChannels, kernelSize, stride, padding;
    /** How the border is filled. */
    public final Padding mode;
    /** The weight [O, C, k, k] and the bias [O] (null without one). */
    public final Parameter weight, bias;

    /**
     * A convolution {@code in → out} with a {@code k × k} kernel, the given stride and padding on every
     * side, filled by {@code mode}; a bias when {@code bias} is true; initialised from {@code gen}.
     */
    public PaddedConv2d(int in, int out, int k, int stride, int padding, Padding mode, boolean bias, Generator gen) {
        if (in <= 0 || out <= 0 || k <= 0 || stride <= 0 || padding < 0)
            throw new IllegalArgumentException("PaddedConv2d: channels, kernel and stride must be positive and padding non-negative, got in " + in
                    + ", out " + out + ", kernel " + k + ", stride " + stride + ", padding " + padding);
        this.inChannels = in;
        this.outChannels = out;
        this.kernelSize = k;
        this.stride = stride;
        this.padding = padding;
        this.mode = java.util.Objects.requireNonNull(mode, "mode");
        int fanIn = in * k * k;
        this.weight = registerParameter("weight", Init.defaultWeight(gen, fanIn, out, in, k, k));
        this.bias = bias ? registerParameter("bias", Init.defaultWeight(gen, fanIn, out)) : null;
    }

    @Override public Tensor forward(Tensor x) {
        Tensor b = bias == null ? null : bias.value();
        if (mode == Padding.ZEROS || padding == 0) return Convolution.conv2d(x, weight.value(), b, stride, padding);
        Tensor padded = x.pad(mode.padMode, 0, padding, padding, padding, padding);
        return Convolution.conv2d(padded, weight.value(), b, stride, 0);
    }

    /** The output size of one spatial axis of length {@code n}. */
    public int outputSize(int n) { return (n + 2 * padding - kernelSize) / stride + 1; }

    @Override protected String extraRepr() {
        return inChannels + ", " + outChannels + ", kernel_size=(" + kernelSize + ", " + kernelSize + "), stride=(" + stride + ", " + stride + ")"
                + (padding != 0 ? ", padding=(" + padding + ", " + padding + ")" : "")
                + (bias == null ? ", bias=False" : "") + (mode != Padding.ZEROS ? ", padding_mode=" + mode.torchName() : "");
    }
}
