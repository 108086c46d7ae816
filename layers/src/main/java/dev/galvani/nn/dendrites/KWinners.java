package dev.galvani.nn.dendrites;

import dev.galvani.tensor.Tensor;

/**
 * k-winners-take-all (bio reference §3.2): per row, the {@code k} largest units keep their value and
 * the rest become 0; the gradient passes through the winners only. Ties at the k-th value keep the
 * lower indices, so exactly k units win.
 */
public final class KWinners {

    private KWinners() {}

    /** {@code x} [B, n] with all but each row's k largest set to 0. */
    public static Tensor apply(Tensor x, int k) {
        if (x.dim() != 2) throw new IllegalArgumentException("KWinners: expects [B, n], got " + x.shape());
        int rows = x.size(0), n = x.size(1);
        if (k < 0 || k > n) throw new IllegalArgumentException("KWinners: k must be in [0, " + n + "], got " + k);
        float[] v = x.detach().toFloatArray();
        boolean[] keep = new boolean[rows * n];
        Integer[] order = new Integer[n];
        for (int r = 0; r < rows; r++) {
            final int base = r * n;
            for (int i = 0; i < n; i++) order[i] = i;
            java.util.Arrays.sort(order, (p, q) -> v[base + p] != v[base + q] ? Float.compare(v[base + q], v[base + p]) : Integer.compare(p, q));
            for (int i = 0; i < k; i++) keep[base + order[i]] = true;
        }
        return x.mul(Tensor.of(keep, rows, n).to(x.dtype()).to(x.device()));
    }

    /** {@link #apply} with {@code k = round(fraction · n)} (SNN reference default 0.05). */
    public static Tensor applyFraction(Tensor x, double fraction) {
        return apply(x, (int) Math.round(fraction * x.size(1)));
    }
}
