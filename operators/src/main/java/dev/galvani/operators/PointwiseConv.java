package dev.galvani.operators;

import dev.galvani.nn.Init;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;

/**
 * A 1×1 convolution on a channels-first tensor of any number of spatial axes, [B, C, n…] to
 * [B, O, n…]: the same linear map of the channels at every grid point (FNO's "W" path and the
 * layers of a channel MLP). Its weight has PyTorch's shape for the convolution it stands for,
 * {@code [O, C]} followed by {@code kernelDims} ones ({@code nn.Conv2d(C, O, 1)}: 2; the Conv1d
 * that neuraloperator applies to flattened grids: 1), so state dicts map over; initialised as
 * PyTorch's, U(±1/√C) for weight and bias.
 */
public final class PointwiseConv extends Module {

    /** The channel counts. */
    public final int inChannels, outChannels;
    /** The weight [O, C, 1…] and the bias [O] (null without one). */
    public final Parameter weight, bias;

    /**
     * A 1×1 convolution {@code in → out} whose weight carries {@code kernelDims} trailing ones, with a
     * bias when {@code bias} is true, drawn from {@code gen}.
     */
    public PointwiseConv(int in, int out, int kernelDims, boolean bias, Generator gen) {
        if (in <= 0 || out <= 0 || kernelDims < 0)
            throw new IllegalArgumentException("PointwiseConv: channels must be positive and kernelDims non-negative, got " + in + ", " + out + ", " + kernelDims);
        this.inChannels = in;
        this.outChannels = out;
        int[] shape = new int[2 + kernelDims];
        Arrays.fill(shape, 1);
        shape[0] = out;
        shape[1] = in;
        this.weight = registerParameter("weight", Init.defaultWeight(gen, in, shape));
        this.bias = bias ? registerParameter("bias", Init.defaultWeight(gen, in, out)) : null;
    }

    @Override public Tensor forward(Tensor x) { return mix(x, weight.value(), bias == null ? null : bias.value()); }

    /**
     * The channels of x [B, C, n…] mixed by {@code weight} ([O, C], or [O, C, 1…]) plus {@code bias} [O]
     * (or null) at every grid point: one matmul [O, C] × [B, C, N].
     */
    public static Tensor mix(Tensor x, Tensor weight, Tensor bias) {
        int out = weight.size(0), in = weight.size(1);
        if (x.dim() < 2 || x.size(1) != in)
            throw new IllegalArgumentException("PointwiseConv: expects [B, " + in + ", ...], got " + x.shape());
        int[] shape = x.shape().dims();
        int points = 1;
        for (int a = 2; a < shape.length; a++) points *= shape[a];
        Tensor y = weight.reshape(out, in).matmul(x.reshape(shape[0], in, points));
        if (bias != null) y = y.add(bias.reshape(out, 1));
        shape[1] = out;
        return y.reshape(shape);
    }

    @Override protected String extraRepr() { return inChannels + ", " + outChannels + ", kernel_size=1" + (bias == null ? ", bias=False" : ""); }
}
