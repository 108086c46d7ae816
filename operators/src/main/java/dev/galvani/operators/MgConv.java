package dev.galvani.operators;

import dev.galvani.nn.Conv;
import dev.galvani.nn.LayerNorm;
import dev.galvani.nn.Module;
import dev.galvani.nn.ModuleList;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;

/**
 * One multi-channel multigrid cycle, MgNO's parameterisation of a layer's linear operator
 * (operators.md §3.2–§3.3; {@code MgConv_DC} of the reference, and {@code MgConv} with a layer norm
 * after each coarse-grid correction when {@link Options#layerNormGrid} is set, §3.6).
 *
 * <pre>
 * level 0:      u = S(f); then pre_0 − 1 smoothing steps u ← u + S(f − A(u))
 * level l ≥ 1:  (u, f) = (Π(u), R(f)); then pre_l smoothing steps; keep (u_l, f_l)
 * for j = L−2 down to 0:
 *     u_j = u_j + P_j(u_{j+1})            (then LayerNorm_j for the Navier–Stokes variant)
 *     post_j smoothing steps on (u_j, f_j)
 * return u_0
 * </pre>
 *
 * A: 3×3 {@code cu → cf}; S: 3×3 {@code cf → cu}; Π: 3×3 stride 2 {@code cu → cu}; R: 3×3 stride 2
 * {@code cf → cf} (Π and R without bias); P_j: transposed 3×3 or 4×4, stride 2, padding 1,
 * {@code cu → cu}, no bias. Every step and level has its own weights. The released code restricts f
 * itself, not the residual, and so does this class. All of A, S, Π and R pad with the cycle's
 * {@link Padding}, which is the boundary condition (§3.5).
 *
 * <p>Submodules carry the reference's names ({@code RTlayers.j}, {@code layer<l>.i.S},
 * {@code layer<l>.0.Pi}, {@code post_smooth_layer<l>.i.A}, {@code norm_layer_list.j}), so state
 * dicts line up with the released checkpoints' keys.
 */
public final class MgConv extends Module {

    /**
     * A cycle's settings.
     * @param cycle the smoothing steps per level
     * @param channelsU {@code cu}, the channels of the state u (and of the output)
     * @param channelsF {@code cf}, the channels of the right-hand side f (the input)
     * @param kernels the prolongation kernel per transition, finest first ({@link MgCycle#prolongationKernels}
     *                or {@link MgCycle#uniformKernels})
     * @param padding the padding mode of A, S, Π and R
     * @param bias whether A and S have a bias (Π, R and P never do)
     * @param layerNormGrid 0 for none; else the fine grid's size, and a {@code LayerNorm([cu, n_j, n_j])} with
     *                      affine parameters follows each coarse-grid correction (the Navier–Stokes variant)
     */
    public record Options(MgCycle cycle, int channelsU, int channelsF, int[] kernels, Padding padding, boolean bias, int layerNormGrid) {
        /** Checks the channel counts and the number of kernels. */
        public Options {
            if (channelsU <= 0 || channelsF <= 0)
                throw new IllegalArgumentException("MgConv: channel counts must be positive, got cu " + channelsU + ", cf " + channelsF);
            if (kernels.length != cycle.levels() - 1)
                throw new IllegalArgumentException("MgConv: " + cycle.levels() + " levels need " + (cycle.levels() - 1) + " prolongation kernels, got "
                        + Arrays.toString(kernels));
            for (int k : kernels)
                if (k != 3 && k != 4) throw new IllegalArgumentException("MgConv: prolongation kernels are 3 or 4 (§3.2), got " + Arrays.toString(kernels));
            if (layerNormGrid < 0) throw new IllegalArgumentException("MgConv: layerNormGrid must be 0 (none) or the grid size, got " + layerNormGrid);
            kernels = kernels.clone();
        }

        /** The prolongation kernels, finest first (a copy). */
        @Override public int[] kernels() { return kernels.clone(); }
    }

    private final Options options;
    private final ModuleList prolongations, norms;
    private final ModuleList[] down, up;

    /**
     * A cycle with these settings, its weights drawn from {@code gen} (PyTorch's default
     * initialisation of each convolution).
     */
    public MgConv(Options o, Generator gen) {
        this.options = o;
        int cu = o.channelsU(), cf = o.channelsF(), levels = o.cycle().levels();
        int[] kernels = o.kernels();
        prolongations = registerModule("RTlayers", new ModuleList());
        for (int k : kernels) prolongations.add(new Conv.ConvTranspose2d(cu, cu, k, 2, 1, 0, 1, 1, false, gen));
        down = new ModuleList[levels];
        up = new ModuleList[levels];
        for (int l = 0; l < levels; l++) {
            down[l] = registerModule("layer" + l, new ModuleList());
            if (l > 0) down[l].add(new Restriction(cu, cf, o.padding(), gen));
            for (int i = 0; i < o.cycle().pre(l); i++) down[l].add(new Smoothing(cu, cf, o.padding(), o.bias(), l > 0 || i > 0, gen));
            up[l] = registerModule("post_smooth_layer" + l, new ModuleList());
            for (int i = 0; i < o.cycle().post(l); i++) up[l].add(new Smoothing(cu, cf, o.padding(), o.bias(), true, gen));
        }
        if (o.layerNormGrid() > 0) {
            norms = registerModule("norm_layer_list", new ModuleList());
            int[] sizes = o.cycle().levelSizes(o.layerNormGrid());
            for (int j = 0; j < levels - 1; j++) norms.add(new LayerNorm(cu, sizes[j], sizes[j]));
        } else {
            norms = null;
        }
    }

    /** The settings this cycle was built with. */
    public Options options() { return options; }

    /**
     * Runs the cycle on the right-hand side {@code f} [B, cf, H, W]; returns u [B, cu, H, W].
     * Each prolongation must bring its level back to the size of the finer one; where the kernels do
     * not fit the grid (a 4 on an odd level) the error names the level and the sizes.
     */
    @Override public Tensor forward(Tensor f) {
        if (f.dim() != 4 || f.size(1) != options.channelsF())
            throw new IllegalArgumentException("MgConv: input must be [B, " + options.channelsF() + ", H, W], got " + f.shape());
        int levels = options.cycle().levels();
        Tensor[] us = new Tensor[levels], fs = new Tensor[levels];
        Tensor u = null, rhs = f;
        for (int l = 0; l < levels; l++) {
            for (Module step : down[l]) {
                if (step instanceof Restriction r) {
                    u = r.pi.forward(u);
                    rhs = r.r.forward(rhs);
                } else {
                    u = ((Smoothing) step).apply(u, rhs);
                }
            }
            us[l] = u;
            fs[l] = rhs;
        }
        for (int j = levels - 2; j >= 0; j--) {
            Tensor correction = prolongations.get(j).forward(us[j + 1]);
            if (correction.size(2) != us[j].size(2) || correction.size(3) != us[j].size(3))
                throw new IllegalArgumentException("MgConv: the prolongation from level " + (j + 1) + " (" + us[j + 1].size(2) + " x " + us[j + 1].size(3)
                        + ") with kernel " + options.kernels[j] + " gives " + correction.size(2) + " x " + correction.size(3) + ", but level " + j + " is "
                        + us[j].size(2) + " x " + us[j].size(3) + "; choose the kernels by MgCycle.prolongationKernels(n) (k = 4 - n mod 2, operators.md §3.2)"
                        + " or a grid divisible by 2^(levels - 1)");
            Tensor uj = us[j].add(correction);
            if (norms != null) uj = norms.get(j).forward(uj);
            for (Module step : up[j]) uj = ((Smoothing) step).apply(uj, fs[j]);
            us[j] = uj;
        }
        return us[0];
    }

    @Override protected String extraRepr() {
        return "cycle=" + options.cycle() + ", cu=" + options.channelsU() + ", cf=" + options.channelsF() + ", kernels=" + Arrays.toString(options.kernels)
                + ", padding_mode=" + options.padding().torchName();
    }

    /**
     * One smoothing step {@code u ← u + S(f − A(u))} (§3.2, {@code MgIte}); without A it is the first
     * step {@code u = S(f)} ({@code MgIte_init}).
     */
    public static final class Smoothing extends Module {
        /** A: 3×3 {@code cu → cf} (null in the first step); S: 3×3 {@code cf → cu}. */
        public final PaddedConv2d a, s;

        Smoothing(int cu, int cf, Padding padding, boolean bias, boolean withA, Generator gen) {
            s = registerModule("S", new PaddedConv2d(cf, cu, 3, 1, 1, padding, bias, gen));
            a = withA ? registerModule("A", new PaddedConv2d(cu, cf, 3, 1, 1, padding, bias, gen)) : null;
        }

        /** The step on state {@code u} (ignored in the first step) and right-hand side {@code f}. */
        public Tensor apply(Tensor u, Tensor f) {
            return a == null ? s.forward(f) : u.add(s.forward(f.sub(a.forward(u))));
        }

        /** Not a one-input module: use {@link #apply(Tensor, Tensor)}. */
        @Override public Tensor forward(Tensor input) {
            throw new UnsupportedOperationException("MgConv.Smoothing takes (u, f): call apply(u, f)");
        }
    }

    /** The restriction {@code (u, f) → (Π(u), R(f))}, both 3×3 with stride 2, padding 1, no bias (§3.2). */
    public static final class Restriction extends Module {
        /** Π: {@code cu → cu}; R: {@code cf → cf}. */
        public final PaddedConv2d pi, r;

        Restriction(int cu, int cf, Padding padding, Generator gen) {
            pi = registerModule("Pi", new PaddedConv2d(cu, cu, 3, 2, 1, padding, false, gen));
            r = registerModule("R", new PaddedConv2d(cf, cf, 3, 2, 1, padding, false, gen));
        }

        /** Not a one-input module: the cycle calls {@link #pi} and {@link #r}. */
        @Override public Tensor forward(Tensor input) {
            throw new UnsupportedOperationException("MgConv.Restriction takes (u, f): apply pi to u and r to f");
        }
    }
}
