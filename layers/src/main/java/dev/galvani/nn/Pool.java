package dev.galvani.nn;

import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Tensor;

/** Pooling layers (stride defaults to the kernel size, as in PyTorch). */
public final class Pool {

    private Pool() {}

    /** Max pooling of [N, C, L], as {@code nn.MaxPool1d}. */
    public static final class MaxPool1d extends Module {
        /** The window size, the stride and the padding, as given to the constructor. */
        public final int kernelSize, stride, padding;

        /** Pooling with stride = kernel size and no padding, as {@code nn.MaxPool1d(kernel_size)}. */
        public MaxPool1d(int kernelSize) { this(kernelSize, kernelSize, 0); }

        /** Pooling as {@code nn.MaxPool1d(kernel_size, stride, padding)}. */
        public MaxPool1d(int kernelSize, int stride, int padding) {
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
        }

        @Override public Tensor forward(Tensor x) { return Pooling.maxPool1d(x, kernelSize, stride, padding, 1, false); }

        @Override protected String extraRepr() { return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding; }
    }

    /** Max pooling of [N, C, H, W] with a square kernel, as {@code nn.MaxPool2d}. */
    public static final class MaxPool2d extends Module {
        /** The window size, the stride and the padding, as given to the constructor. */
        public final int kernelSize, stride, padding;

        /** Pooling with stride = kernel size and no padding, as {@code nn.MaxPool2d(kernel_size)}. */
        public MaxPool2d(int kernelSize) { this(kernelSize, kernelSize, 0); }

        /** Pooling as {@code nn.MaxPool2d(kernel_size, stride, padding)}. */
        public MaxPool2d(int kernelSize, int stride, int padding) {
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
        }

        @Override public Tensor forward(Tensor x) { return Pooling.maxPool2d(x, kernelSize, stride, padding); }

        @Override protected String extraRepr() { return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding + ", dilation=1, ceil_mode=False"; }
    }

    /** Average pooling of [N, C, L], as {@code nn.AvgPool1d}. */
    public static final class AvgPool1d extends Module {
        /** The window size, the stride and the padding, as given to the constructor. */
        public final int kernelSize, stride, padding;

        /** Pooling with stride = kernel size and no padding, as {@code nn.AvgPool1d(kernel_size)}. */
        public AvgPool1d(int kernelSize) { this(kernelSize, kernelSize, 0); }

        /** Pooling as {@code nn.AvgPool1d(kernel_size, stride, padding)}. */
        public AvgPool1d(int kernelSize, int stride, int padding) {
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
        }

        @Override public Tensor forward(Tensor x) { return Pooling.avgPool1d(x, kernelSize, stride, padding, false, true); }

        @Override protected String extraRepr() { return "kernel_size=(" + kernelSize + ",), stride=(" + stride + ",), padding=(" + padding + ",)"; }
    }

    /** Average pooling of [N, C, H, W] with a square kernel, as {@code nn.AvgPool2d}. */
    public static final class AvgPool2d extends Module {
        /** The window size, the stride and the padding, as given to the constructor. */
        public final int kernelSize, stride, padding;

        /** Pooling with stride = kernel size and no padding, as {@code nn.AvgPool2d(kernel_size)}. */
        public AvgPool2d(int kernelSize) { this(kernelSize, kernelSize, 0); }

        /** Pooling as {@code nn.AvgPool2d(kernel_size, stride, padding)}. */
        public AvgPool2d(int kernelSize, int stride, int padding) {
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
        }

        @Override public Tensor forward(Tensor x) { return Pooling.avgPool2d(x, kernelSize, stride, padding); }

        @Override protected String extraRepr() { return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding; }
    }

    /** Average pooling of [N, C, H, W] to a fixed output size, as {@code nn.AdaptiveAvgPool2d}. */
    public static final class AdaptiveAvgPool2d extends Module {
        /** The output height and width. */
        public final int outH, outW;

        /** Pooling to size x size, as {@code nn.AdaptiveAvgPool2d(size)}. */
        public AdaptiveAvgPool2d(int size) { this(size, size); }

        /** Pooling to outH x outW, as {@code nn.AdaptiveAvgPool2d((outH, outW))}. */
        public AdaptiveAvgPool2d(int outH, int outW) {
            this.outH = outH;
            this.outW = outW;
        }

        @Override public Tensor forward(Tensor x) { return F.adaptiveAvgPool2d(x, outH, outW); }

        @Override protected String extraRepr() { return "output_size=" + (outH == outW ? Integer.toString(outH) : "(" + outH + ", " + outW + ")"); }
    }
}
