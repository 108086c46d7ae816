package dev.galvani.tensor;

import dev.galvani.tensor.backend.BinaryOp;

/**
 * Sliding windows over the last two dimensions of a contiguous [N, C, H, W] tensor as strided views,
 * for the composed forms of convolution and pooling that a device without those kernel families
 * runs: {@link #unfold} reads every window (im2col as one strided copy), {@link #foldAdd} adds
 * window-shaped values back into place (col2im as one strided in-place add per kernel offset).
 * Nothing here is recorded: the callers are inside operations recorded as a whole.
 */
final class Windows {

    private Windows() {}

    /**
     * The geometry: kernel (kH, kW), stride (sH, sW), dilation (dH, dW) and output (oH, oW) over an
     * input already padded, so that window (i, j) starts at (i sH, j sW).
     */
    record Geometry(int kH, int kW, int sH, int sW, int dH, int dW, int oH, int oW) {}

    /** [N, C, kH, kW, oH, oW]: element (n, c, a, b, i, j) is x[n, c, i sH + a dH, j sW + b dW]. A view of {@code x}. */
    static Tensor unfoldView(Tensor x, Geometry g) {
        if (!x.isContiguous()) throw new IllegalStateException("Windows.unfoldView: needs a contiguous input");
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        return Views.make(x, new int[]{n, c, g.kH(), g.kW(), g.oH(), g.oW()},
                new int[]{c * h * w, h * w, g.dH() * w, g.dW(), g.sH() * w, g.sW()}, x.offset);
    }

    /** The windows as a contiguous [N, C, kH, kW, oH, oW] copy (im2col). */
    static Tensor unfold(Tensor x, Geometry g) {
        Tensor view = unfoldView(x, g);
        Tensor out = Creation.uninitialized(x.dtype(), x.device(), view.shape.raw());
        if (out.numel() > 0) Backends.of(x.device()).copy(view.operand(), out.operand());
        return out;
    }

    /**
     * target[n, c, i sH + a dH, j sW + b dW] += cols[n, c, a, b, i, j] for every window element, in
     * place (col2im): per kernel offset (a, b), whose windows never overlap themselves, one add into a
     * contiguous temporary (outputs of the core are contiguous) and one strided copy back.
     */
    static void foldAdd(Tensor target, Tensor cols, Geometry g) {
        if (!target.isContiguous()) throw new IllegalStateException("Windows.foldAdd: needs a contiguous target");
        int n = target.size(0), c = target.size(1), h = target.size(2), w = target.size(3);
        var backend = Backends.of(target.device());
        int[] shape = {n, c, g.oH(), g.oW()}, strides = {c * h * w, h * w, g.sH() * w, g.sW()};
        Tensor sum = Creation.uninitialized(target.dtype(), target.device(), shape);
        for (int a = 0; a < g.kH(); a++)
            for (int b = 0; b < g.kW(); b++) {
                Tensor dst = Views.make(target, shape, strides.clone(), target.offset + a * g.dH() * w + b * g.dW());
                Tensor src = Views.make(cols, shape, new int[]{cols.strides[0], cols.strides[1], cols.strides[4], cols.strides[5]},
                        cols.offset + a * cols.strides[2] + b * cols.strides[3]);
                if (dst.numel() == 0) continue;
                backend.binary(BinaryOp.ADD, dst.operand(), src.operand(), sum.operand());
                backend.copy(sum.operand(), dst.operand());
            }
        target.storage.bumpVersion();
    }
}
