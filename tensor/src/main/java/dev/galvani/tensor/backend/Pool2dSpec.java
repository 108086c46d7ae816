package dev.galvani.tensor.backend;

/**
 * Geometry of 2-D max/avg pooling, PyTorch's conventions: implicit padding is -inf for max and
 * zero for avg; with {@code ceilMode} the last window may start inside the right padding but not past
 * it; {@code countIncludePad} makes avg divide by the full window (padding included, not the overhang
 * past the padding).
 */
public record Pool2dSpec(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW,
                         int dilationH, int dilationW, boolean ceilMode, boolean countIncludePad) {

    /**
     * Checks the geometry.
     * @throws IllegalArgumentException if a kernel size, stride or dilation is below 1, a padding is
     * negative, or a padding exceeds half its kernel size
     */
    public Pool2dSpec {
        if (kernelH < 1 || kernelW < 1) throw new IllegalArgumentException("pool: kernel size must be positive, got (" + kernelH + ", " + kernelW + ")");
        if (strideH < 1 || strideW < 1) throw new IllegalArgumentException("pool: stride must be positive, got (" + strideH + ", " + strideW + ")");
        if (padH < 0 || padW < 0) throw new IllegalArgumentException("pool: padding must be non-negative, got (" + padH + ", " + padW + ")");
        if (dilationH < 1 || dilationW < 1) throw new IllegalArgumentException("pool: dilation must be positive, got (" + dilationH + ", " + dilationW + ")");
        if (2 * padH > kernelH || 2 * padW > kernelW)
            throw new IllegalArgumentException("pool: padding (" + padH + ", " + padW + ") must be at most half the kernel size (" + kernelH + ", " + kernelW + ")");
    }

    /**
     * The output height for input height {@code inH}, ceil mode included.
     * @param inH the input height
     * @return the output height
     */
    public int outH(int inH) { return outSize(inH, kernelH, strideH, padH, dilationH); }

    /**
     * The output width for input width {@code inW}, ceil mode included.
     * @param inW the input width
     * @return the output width
     */
    public int outW(int inW) { return outSize(inW, kernelW, strideW, padW, dilationW); }

    private int outSize(int in, int k, int stride, int pad, int dil) {
        int span = in + 2 * pad - dil * (k - 1) - 1;
        int out = (ceilMode ? Math.ceilDiv(span, stride) : Math.floorDiv(span, stride)) + 1;
        // PyTorch: with ceil mode the last window must start inside the input or the left padding.
        if (ceilMode && (long) (out - 1) * stride >= in + pad) out--;
        return out;
    }

    /**
     * The divisor of average window (i, j) over an h x w input: the window clipped to the padded
     * input with {@code countIncludePad} (padding counts, the overhang past it does not), else
     * clipped to the input itself (0 for a window wholly in the padding).
     */
    public int avgDivisor(int i, int j, int h, int w) {
        int h0 = i * strideH - padH, w0 = j * strideW - padW;
        int h1 = Math.min(h0 + kernelH, h + padH), w1 = Math.min(w0 + kernelW, w + padW);
        if (countIncludePad) return (h1 - h0) * (w1 - w0);
        return Math.max(0, Math.min(h1, h) - Math.max(h0, 0)) * Math.max(0, Math.min(w1, w) - Math.max(w0, 0));
    }
}
