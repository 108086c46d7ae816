package dev.galvani.nn;

import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/** Convolution layers with PyTorch's default initialisation (U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = C/groups * kernel area). */
public final class Conv {

    private Conv() {}

    /** Conv1d: [N, C, L] to [N, O, L'], weight [O, C/groups, K]. */
    public static final class Conv1d extends Module {
        /** The layer's geometry, as given to the constructor (PyTorch's names). */
        public final int inChannels, outChannels, kernelSize, stride, padding, dilation, groups;
        /** The weight and the bias [O] (null without one), registered as {@code weight} and {@code bias}. */
        public final Parameter weight, bias;

        /**
         * A 1-D convolution with stride 1, no padding, a bias, initialised from the default generator, as
         * {@code nn.Conv1d(in, out, kernel_size)}.
         */
        public Conv1d(int inChannels, int outChannels, int kernelSize) { this(inChannels, outChannels, kernelSize, 1, 0, 1, 1, true, Generator.global()); }

        /**
         * A 1-D convolution as
         * {@code nn.Conv1d(in, out, kernel_size, stride, padding, dilation, groups, bias)}, initialised from
         * {@code gen}; the groups must divide both channel counts.
         */
        public Conv1d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, boolean bias, Generator gen) {
            checkGroups("Conv1d", inChannels, outChannels, groups);
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
            this.dilation = dilation;
            this.groups = groups;
            int fanIn = inChannels / groups * kernelSize;
            this.weight = registerParameter("weight", Init.defaultWeight(gen, fanIn, outChannels, inChannels / groups, kernelSize));
            this.bias = bias ? registerParameter("bias", Init.defaultWeight(gen, fanIn, outChannels)) : null;
        }

        @Override public Tensor forward(Tensor x) {
            return Convolution.conv1d(x, weight.value(), bias == null ? null : bias.value(), stride, padding, dilation, groups);
        }

        @Override protected String extraRepr() { return describe(inChannels, outChannels, "(" + kernelSize + ",)", "(" + stride + ",)", "(" + padding + ",)", dilation, groups, bias != null); }
    }

    /** Conv2d: [N, C, H, W] to [N, O, H', W'], weight [O, C/groups, k, k]. */
    public static final class Conv2d extends Module {
        /** The layer's geometry, as given to the constructor (PyTorch's names). */
        public final int inChannels, outChannels, kernelSize, stride, padding, dilation, groups;
        /** The weight and the bias [O] (null without one), registered as {@code weight} and {@code bias}. */
        public final Parameter weight, bias;

        /**
         * A 2-D convolution with a square kernel, stride 1, no padding, a bias, initialised from the default
         * generator, as {@code nn.Conv2d(in, out, kernel_size)}.
         */
        public Conv2d(int inChannels, int outChannels, int kernelSize) { this(inChannels, outChannels, kernelSize, 1, 0, 1, 1, true, Generator.global()); }

        /**
         * A 2-D convolution with a bias, initialised from the default generator, as
         * {@code nn.Conv2d(in, out, kernel_size, stride, padding)}.
         */
        public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding) {
            this(inChannels, outChannels, kernelSize, stride, padding, 1, 1, true, Generator.global());
        }

        /**
         * A 2-D convolution as
         * {@code nn.Conv2d(in, out, kernel_size, stride, padding, dilation, groups, bias)}, initialised from
         * {@code gen}; the groups must divide both channel counts.
         */
        public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int dilation, int groups, boolean bias, Generator gen) {
            checkGroups("Conv2d", inChannels, outChannels, groups);
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
            this.dilation = dilation;
            this.groups = groups;
            int fanIn = inChannels / groups * kernelSize * kernelSize;
            this.weight = registerParameter("weight", Init.defaultWeight(gen, fanIn, outChannels, inChannels / groups, kernelSize, kernelSize));
            this.bias = bias ? registerParameter("bias", Init.defaultWeight(gen, fanIn, outChannels)) : null;
        }

        @Override public Tensor forward(Tensor x) {
            return Convolution.conv2d(x, weight.value(), bias == null ? null : bias.value(), stride, padding, dilation, groups);
        }

        @Override protected String extraRepr() {
            return describe(inChannels, outChannels, pair(kernelSize), pair(stride), pair(padding), dilation, groups, bias != null);
        }
    }

    /**
     * ConvTranspose2d, the gradient of Conv2d with respect to its input used as a layer: [N, C, H, W] to
     * [N, O, (H - 1) stride - 2 padding + dilation (k - 1) + outputPadding + 1, ...], weight [C, O/groups, k, k].
     */
    public static final class ConvTranspose2d extends Module {
        /** The layer's geometry, as given to the constructor (PyTorch's names). */
        public final int inChannels, outChannels, kernelSize, stride, padding, outputPadding, dilation, groups;
        /** The weight and the bias [O] (null without one), registered as {@code weight} and {@code bias}. */
        public final Parameter weight, bias;

        /**
         * A transposed 2-D convolution with no padding, a bias, initialised from the default generator, as
         * {@code nn.ConvTranspose2d(in, out, kernel_size, stride)}.
         */
        public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride) {
            this(inChannels, outChannels, kernelSize, stride, 0, 0, 1, 1, true, Generator.global());
        }

        /**
         * A transposed 2-D convolution as
         * {@code nn.ConvTranspose2d(in, out, kernel_size, stride, padding, output_padding, groups, bias, dilation)},
         * initialised from {@code gen}; the output padding must be smaller than the stride or the dilation.
         */
        public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, int outputPadding,
                               int dilation, int groups, boolean bias, Generator gen) {
            checkGroups("ConvTranspose2d", inChannels, outChannels, groups);
            if (outputPadding >= Math.max(stride, dilation))
                throw new IllegalArgumentException("ConvTranspose2d: output padding " + outputPadding + " must be smaller than the stride or the dilation");
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
            this.outputPadding = outputPadding;
            this.dilation = dilation;
            this.groups = groups;
            // PyTorch computes fan-in from the weight's dim 1 (O / groups) for transposed convolutions.
            int fanIn = outChannels / groups * kernelSize * kernelSize;
            this.weight = registerParameter("weight", Init.defaultWeight(gen, fanIn, inChannels, outChannels / groups, kernelSize, kernelSize));
            this.bias = bias ? registerParameter("bias", Init.defaultWeight(gen, fanIn, outChannels)) : null;
        }

        @Override public Tensor forward(Tensor x) {
            return Convolution.convTranspose2d(x, weight.value(), bias == null ? null : bias.value(), stride, padding, outputPadding, dilation, groups);
        }

        @Override protected String extraRepr() {
            return describe(inChannels, outChannels, pair(kernelSize), pair(stride), pair(padding), dilation, groups, bias != null)
                    + (outputPadding != 0 ? ", output_padding=" + pair(outputPadding) : "");
        }
    }

    private static void checkGroups(String layer, int in, int out, int groups) {
        if (groups <= 0 || in % groups != 0 || out % groups != 0)
            throw new IllegalArgumentException(layer + ": groups " + groups + " must divide both the input channels " + in + " and the output channels " + out);
    }

    private static String pair(int v) { return "(" + v + ", " + v + ")"; }

    private static String describe(int in, int out, String k, String s, String p, int dilation, int groups, boolean bias) {
        StringBuilder sb = new StringBuilder(in + ", " + out + ", kernel_size=" + k + ", stride=" + s);
        if (!p.matches("\\((0, )*0,?\\)")) sb.append(", padding=").append(p);
        if (dilation != 1) sb.append(", dilation=").append(dilation);
        if (groups != 1) sb.append(", groups=").append(groups);
        if (!bias) sb.append(", bias=False");
        return sb.toString();
    }
}
