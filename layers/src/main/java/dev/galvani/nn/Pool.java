package dev.galvani.nn;

import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Tensor;

/** Pooling layers (stride defaults to the kernel size, as in PyTorch). */
public final class Pool {

    private Pool() {}

    public static final class MaxPool1d extends Module {
        public final int kernelSize, stride, padding;

        public MaxPool1d(int kernelSize) { this(kernelSize, kernelSize, 0); }

        public MaxPool1d(int kernelSize, int stride, int padding) {
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
        }

        @Override public Tensor forward(Tensor x) { return Pooling.maxPool1d(x, kernelSize, stride, padding, 1, false); }

        @Override protected String extraRepr() { return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding; }
    }

    public static final class MaxPool2d extends Module {
        public final int kernelSize, stride, padding;

        public MaxPool2d(int kernelSize) { this(kernelSize, kernelSize, 0); }

        public MaxPool2d(int kernelSize, int stride, int padding) {
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
        }

        @Override public Tensor forward(Tensor x) { return Pooling.maxPool2d(x, kernelSize, stride, padding); }

        @Override protected String extraRepr() { return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding + ", dilation=1, ceil_mode=False"; }
    }

    public static final class AvgPool1d extends Module {
        public final int kernelSize, stride, padding;

        public AvgPool1d(int kernelSize) { this(kernelSize, kernelSize, 0); }

        public AvgPool1d(int kernelSize, int stride, int padding) {
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
        }

        @Override public Tensor forward(Tensor x) { return Pooling.avgPool1d(x, kernelSize, stride, padding, false, true); }

        @Override protected String extraRepr() { return "kernel_size=(" + kernelSize + ",), stride=(" + stride + ",), padding=(" + padding + ",)"; }
    }

    public static final class AvgPool2d extends Module {
        public final int kernelSize, stride, padding;

        public AvgPool2d(int kernelSize) { this(kernelSize, kernelSize, 0); }

        public AvgPool2d(int kernelSize, int stride, int padding) {
            this.kernelSize = kernelSize;
            this.stride = stride;
            this.padding = padding;
        }

        @Override public Tensor forward(Tensor x) { return Pooling.avgPool2d(x, kernelSize, stride, padding); }

        @Override protected String extraRepr() { return "kernel_size=" + kernelSize + ", stride=" + stride + ", padding=" + padding; }
    }

    public static final class AdaptiveAvgPool2d extends Module {
        public final int outH, outW;

        public AdaptiveAvgPool2d(int size) { this(size, size); }

        public AdaptiveAvgPool2d(int outH, int outW) {
            this.outH = outH;
            this.outW = outW;
        }

        @Override public Tensor forward(Tensor x) { return F.adaptiveAvgPool2d(x, outH, outW); }

        @Override protected String extraRepr() { return "output_size=" + (outH == outW ? Integer.toString(outH) : "(" + outH + ", " + outW + ")"); }
    }
}
