package dev.galvani.tensor.backend;

/**
 * Geometry of a 2-D convolution (a 1-D convolution is a 2-D one of height 1). Output size per
 * spatial dimension: {@code (in + 2 pad - dilation (k - 1) - 1) / stride + 1}.
 */
public record Conv2dSpec(int strideH, int strideW, int padH, int padW, int dilationH, int dilationW, int groups) {

    /**
     * Checks the geometry.
     * @throws IllegalArgumentException if a stride, dilation or groups is below 1, or a padding is negative
     */
    public Conv2dSpec {
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("conv: stride must be positive, got (" + strideH + ", " + strideW + ")");
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("conv: padding must be non-negative, got (" + padH + ", " + padW + ")");
        if (dilationH < 1 || dilationW < 1) throw new IllegalArgumentException("conv: dilation must be positive, got (" + dilationH + ", " + dilationW + ")");
        if (groups < 1) throw new IllegalArgumentException("conv: groups must be positive, got " + groups);
    }

    /**
     * The output height for input height {@code inH} and kernel height {@code kH}.
     * @param inH the input height
     * @param kH the kernel height
     * @return the output height
     */
    public int outH(int inH, int kH) { return (inH + 2 * padH - dilationH * (kH - 1) - 1) / strideH + 1; }

    /**
     * The output width for input width {@code inW} and kernel width {@code kW}.
     * @param inW the input width
     * @param kW the kernel width
     * @return the output width
     */
    public int outW(int inW, int kW) { return (inW + 2 * padW - dilationW * (kW - 1) - 1) / strideW + 1; }
}
