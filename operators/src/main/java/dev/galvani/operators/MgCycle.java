package dev.galvani.operators;

import java.util.Arrays;

/**
 * The shape of one MgNO multigrid cycle (operators.md §3.3): per level, the number of smoothing
 * steps on the way down ({@code pre}) and after the coarse-grid correction on the way up
 * ({@code post}). Level 0 is the finest; each further level halves the grid (rounded up).
 *
 * <p>The released configurations are written {@code [[1,0]]×5 + [[2,0]]} in the reference (six
 * levels, one pre-smoothing step per level, two on the coarsest, no post-smoothing: the
 * "backslash" cycle of §3.3 and §3.8); {@link #parse} reads them as {@code "1,0;1,0;1,0;1,0;1,0;2,0"}.
 */
public record MgCycle(int[] pre, int[] post) {

    /** Checks the counts: at least one level, one step at least on level 0 (its first is {@code u = S(f)}), none negative. */
    public MgCycle {
        if (pre.length == 0 || pre.length != post.length)
            throw new IllegalArgumentException("MgCycle: needs at least one level and as many post- as pre-smoothing counts, got pre "
                    + Arrays.toString(pre) + ", post " + Arrays.toString(post));
        for (int l = 0; l < pre.length; l++)
            if (pre[l] < 0 || post[l] < 0)
                throw new IllegalArgumentException("MgCycle: smoothing counts must be non-negative, got pre " + Arrays.toString(pre) + ", post " + Arrays.toString(post));
        if (pre[0] < 1)
            throw new IllegalArgumentException("MgCycle: level 0 needs at least one pre-smoothing step (its first step is u = S(f)), got " + pre[0]);
        pre = pre.clone();
        post = post.clone();
    }

    /** The cycle of every released Darcy configuration (§3.8): {@code [[1,0]]×5 + [[2,0]]}, six levels. */
    public static MgCycle darcy() { return parse("1,0;1,0;1,0;1,0;1,0;2,0"); }

    /** The pipe-flow cycle (§3.8): {@code [[1,0]]×4 + [[1,1],[2,0]]}. */
    public static MgCycle pipe() { return parse("1,0;1,0;1,0;1,0;1,1;2,0"); }

    /** The Navier–Stokes cycle (§3.8): {@code [[1,0]]×3 + [[2,0]]×2}, five levels. */
    public static MgCycle navierStokes() { return parse("1,0;1,0;1,0;2,0;2,0"); }

    /**
     * Reads {@code "pre,post;pre,post;..."}, one pair per level from the finest, e.g. {@code "1,0;1,0;2,0"}.
     * @param levels the pairs, separated by semicolons
     * @return the cycle
     */
    public static MgCycle parse(String levels) {
        String[] parts = levels.trim().split("\\s*;\\s*");
        int[] pre = new int[parts.length], post = new int[parts.length];
        for (int l = 0; l < parts.length; l++) {
            String[] pair = parts[l].split("\\s*,\\s*");
            try {
                if (pair.length != 2) throw new NumberFormatException();
                pre[l] = Integer.parseInt(pair[0].trim());
                post[l] = Integer.parseInt(pair[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("MgCycle: level " + l + " of '" + levels + "' is not a pair 'pre,post' of integers: '" + parts[l] + "'");
            }
        }
        return new MgCycle(pre, post);
    }

    /** The pre-smoothing counts per level, finest first (a copy). */
    @Override public int[] pre() { return pre.clone(); }

    /** The post-smoothing counts per level, finest first (a copy). */
    @Override public int[] post() { return post.clone(); }

    /** The number of grid levels. */
    public int levels() { return pre.length; }

    /** The pre-smoothing steps at level {@code l}. */
    public int pre(int l) { return pre[l]; }

    /** The post-smoothing steps at level {@code l}. */
    public int post(int l) { return post[l]; }

    /** The grid sizes of the levels for a fine grid of {@code n} points per axis: {@code n_{l+1} = ⌈n_l / 2⌉} (§3.2, stride-2 restriction with padding 1). */
    public int[] levelSizes(int n) {
        int[] sizes = new int[levels()];
        sizes[0] = n;
        for (int l = 1; l < sizes.length; l++) sizes[l] = (sizes[l - 1] + 1) / 2;
        return sizes;
    }

    /**
     * The prolongation kernels for a fine grid of {@code n} points by §3.2's rule
     * {@code k = 4 − (n_fine mod 2)}: 4 maps {@code m → 2m}, 3 maps {@code m → 2m − 1}, so every level
     * returns to exactly its own size (211 gives the released {@code [3, 4, 3, 3, 4]}).
     * @param n the fine grid's points per axis
     * @return one kernel size per transition, finest first ({@code levels() − 1} of them)
     */
    public int[] prolongationKernels(int n) {
        int[] sizes = levelSizes(n), k = new int[levels() - 1];
        for (int j = 0; j < k.length; j++) k[j] = 4 - (sizes[j] % 2);
        return k;
    }

    /** Kernel 4 at every transition, as {@code MgConv_DC}: the grid must be divisible by {@code 2^(levels − 1)}. */
    public int[] uniformKernels() {
        int[] k = new int[levels() - 1];
        Arrays.fill(k, 4);
        return k;
    }

    @Override public boolean equals(Object o) { return o instanceof MgCycle c && Arrays.equals(pre, c.pre) && Arrays.equals(post, c.post); }

    @Override public int hashCode() { return 31 * Arrays.hashCode(pre) + Arrays.hashCode(post); }

    /** The cycle in {@link #parse}'s form. */
    @Override public String toString() {
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < levels(); l++) s.append(l == 0 ? "" : ";").append(pre[l]).append(',').append(post[l]);
        return s.toString();
    }
}
