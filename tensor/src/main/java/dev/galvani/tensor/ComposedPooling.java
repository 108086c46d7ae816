package dev.galvani.tensor;

import dev.galvani.tensor.backend.Pool2dSpec;

/**
 * Pooling from core primitives, for a device without {@code PoolingKernels}. The input is padded
 * (with -inf for max, 0 for average) far enough for every window, including ceil mode's last one;
 * the windows are one strided copy, reduced over the kernel dims. Max pooling's indices come from
 * the argmax in the window and a table of window positions; its backward scatters the gradient to
 * those positions. Average pooling divides by a per-window divisor table and folds the shares
 * back. The tables depend on the geometry only: each is computed on the host once and kept on
 * its device (a few recent ones), so a training step copies nothing to the device.
 */
final class ComposedPooling {

    private ComposedPooling() {}

    private record TableKey(String kind, Pool2dSpec spec, int h, int w, DType dtype, Device device) {}

    /** The most recently used tables, by geometry and device; outside every scope (they outlive the steps that made them). */
    private static final java.util.Map<TableKey, Tensor> TABLES = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override protected boolean removeEldestEntry(java.util.Map.Entry<TableKey, Tensor> eldest) { return size() > 32; }
    };

    private static Tensor table(TableKey key, java.util.function.Supplier<Tensor> make) {
        synchronized (TABLES) {
            return TABLES.computeIfAbsent(key, k -> TensorScope.untracked(() -> make.get().to(k.dtype()).to(k.device())));
        }
    }

    /** values and I64 indices [N, C, oH, oW]. */
    static Pooling.MaxPoolResult maxPool2d(Tensor x, Pool2dSpec s) {
        try (var _ = GradMode.disable()) {
            int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), oh = s.outH(h), ow = s.outW(w);
            int kk = s.kernelH() * s.kernelW();
            Tensor windows = Windows.unfold(padded(x, s, Double.NEGATIVE_INFINITY, oh, ow), geometry(s, oh, ow))
                    .permute(0, 1, 4, 5, 2, 3).reshape(n, c, oh, ow, kk);
            Tensor values = windows.amax(-1, false);
            Tensor arg = windows.argmax(-1, true);                                   // first maximum, NaN counts as largest
            Tensor positions = table(new TableKey("positions", s, h, w, DType.I64, x.device()), () -> positionTable(s, h, w, oh, ow)).expand(n, c, oh, ow, kk);
            Tensor indices = positions.gather(4, arg).squeeze(4);
            return new Pooling.MaxPoolResult(values, indices);
        }
    }

    /** gradOut routed to the positions in {@code indices}: [N, C, H, W] (the input's shape {@code in}). */
    static Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, int[] in) {
        try (var _ = GradMode.disable()) {
            int n = in[0], c = in[1];
            Tensor grad = Creation.empty(gradOut.dtype(), gradOut.device(), n, c, in[2] * in[3]);
            return grad.scatterAdd(2, indices.reshape(n, c, -1), gradOut.reshape(n, c, -1)).view(in);
        }
    }

    static Tensor avgPool2d(Tensor x, Pool2dSpec s) {
        try (var _ = GradMode.disable()) {
            int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), oh = s.outH(h), ow = s.outW(w);
            Tensor windows = Windows.unfold(padded(x, s, 0, oh, ow), geometry(s, oh, ow));   // [N, C, kH, kW, oH, oW]
            Tensor sums = windows.sum(new int[]{2, 3}, false);
            return sums.div(table(new TableKey("divisors", s, h, w, x.dtype(), x.device()), () -> divisorTable(s, h, w, oh, ow)));
        }
    }

    static Tensor avgPool2dBackward(Tensor gradOut, int[] in, Pool2dSpec s) {
        try (var _ = GradMode.disable()) {
            int n = in[0], c = in[1], h = in[2], w = in[3], oh = gradOut.size(2), ow = gradOut.size(3);
            Tensor share = gradOut.div(table(new TableKey("divisors", s, h, w, gradOut.dtype(), gradOut.device()), () -> divisorTable(s, h, w, oh, ow)));
            Tensor cols = share.view(n, c, 1, 1, oh, ow).expand(n, c, s.kernelH(), s.kernelW(), oh, ow);
            int[] size = paddedSize(s, h, w, oh, ow);
            Tensor grad = Creation.empty(gradOut.dtype(), gradOut.device(), n, c, size[0], size[1]);
            Windows.foldAdd(grad, cols, geometry(s, oh, ow));
            return grad.narrow(2, s.padH(), h).narrow(3, s.padW(), w).contiguous();
        }
    }

    /** x padded by padH/padW before and as far as the last window reaches after (ceil mode may reach further). */
    private static Tensor padded(Tensor x, Pool2dSpec s, double value, int oh, int ow) {
        int[] size = paddedSize(s, x.size(2), x.size(3), oh, ow);
        int bottom = size[0] - x.size(2) - s.padH(), right = size[1] - x.size(3) - s.padW();
        return x.pad(PadMode.CONSTANT, value, s.padW(), right, s.padH(), bottom).contiguous();
    }

    private static int[] paddedSize(Pool2dSpec s, int h, int w, int oh, int ow) {
        int reachH = (oh - 1) * s.strideH() + (s.kernelH() - 1) * s.dilationH() + 1;
        int reachW = (ow - 1) * s.strideW() + (s.kernelW() - 1) * s.dilationW() + 1;
        return new int[]{Math.max(h + 2 * s.padH(), reachH), Math.max(w + 2 * s.padW(), reachW)};
    }

    private static Windows.Geometry geometry(Pool2dSpec s, int oh, int ow) {
        return new Windows.Geometry(s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), s.dilationH(), s.dilationW(), oh, ow);
    }

    /** [oH, oW, kH kW]: the flat h W + w input position of each window element (outside the input when it lies in the padding). */
    private static Tensor positionTable(Pool2dSpec s, int h, int w, int oh, int ow) {
        int kh = s.kernelH(), kw = s.kernelW();
        long[] table = new long[oh * ow * kh * kw];
        for (int i = 0, t = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
                for (int a = 0; a < kh; a++)
                    for (int b = 0; b < kw; b++)
                        table[t++] = (long) (i * s.strideH() - s.padH() + a * s.dilationH()) * w + (j * s.strideW() - s.padW() + b * s.dilationW());
        return Tensor.of(table, oh, ow, kh * kw);
    }

    private static Tensor divisorTable(Pool2dSpec s, int h, int w, int oh, int ow) {
        double[] d = new double[oh * ow];
        for (int i = 0, t = 0; i < oh; i++)
            for (int j = 0; j < ow; j++) d[t++] = s.avgDivisor(i, j, h, w);
        return Tensor.of(d, oh, ow);
    }
}
