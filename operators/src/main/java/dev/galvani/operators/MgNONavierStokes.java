package dev.galvani.operators;

import dev.galvani.nn.Activation;
import dev.galvani.nn.Conv;
import dev.galvani.nn.Module;
import dev.galvani.nn.ModuleList;
import dev.galvani.nn.Sequential;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * MgNO for the periodic Navier–Stokes problem (operators.md §3.6, {@code MgNO_NS}): circular padding
 * everywhere (the torus, §3.5), a {@code LayerNorm([cu, n_j, n_j])} after every coarse-grid
 * correction (which ties the model to one grid size), biased smoothers, no 1×1 skip, and a global
 * residual:
 *
 * <pre>
 * u_0 = input; for each layer: u = GELU(MgConv(u));  output = head(u) + u_0
 * </pre>
 *
 * The head is a 1×1 convolution {@code cu → 1} without bias, or, with {@code mlpHidden > 0}, a 1×1
 * {@code cu → hidden} with bias, GELU, and a 1×1 {@code hidden → 1} without bias.
 */
public final class MgNONavierStokes extends Module {

    private final ModuleList convs;
    private final Module head;
    private final Activation act = new Activation.GELU();
    private final int channelsF;

    /**
     * The network: {@code layers} cycles of width {@code cu} on an {@code n × n} grid, input channels {@code cf},
     * kernels by the odd/even rule, weights from {@code gen}.
     */
    public MgNONavierStokes(int layers, int channelsU, int channelsF, MgCycle cycle, int n, int mlpHidden, Generator gen) {
        if (layers <= 0) throw new IllegalArgumentException("MgNONavierStokes: layers must be positive, got " + layers);
        this.channelsF = channelsF;
        convs = registerModule("conv_list", new ModuleList());
        int[] kernels = cycle.prolongationKernels(n);
        for (int i = 0; i < layers; i++)
            convs.add(new MgConv(new MgConv.Options(cycle, channelsU, i == 0 ? channelsF : channelsU, kernels, Padding.CIRCULAR, true, n), gen));
        head = registerModule("last_layer", mlpHidden > 0
                ? new Sequential(new Conv.Conv2d(channelsU, mlpHidden, 1, 1, 0, 1, 1, true, gen), new Activation.GELU(),
                        new Conv.Conv2d(mlpHidden, 1, 1, 1, 0, 1, 1, false, gen))
                : new Conv.Conv2d(channelsU, 1, 1, 1, 0, 1, 1, false, gen));
    }

    /** The released configuration (§3.7, §3.8): 5 layers, cu 32, cf 1, {@code [[1,0]]×3 + [[2,0]]×2}, 64 × 64, 1×1 head. */
    public static MgNONavierStokes released(Generator gen) { return new MgNONavierStokes(5, 32, 1, MgCycle.navierStokes(), 64, 0, gen); }

    /** Maps the vorticity [B, cf, n, n] to the next step's [B, 1, n, n] (plus the input, the global residual). */
    @Override public Tensor forward(Tensor w) {
        if (w.dim() != 4 || w.size(1) != channelsF)
            throw new IllegalArgumentException("MgNONavierStokes: input must be [B, " + channelsF + ", n, n], got " + w.shape());
        Tensor u = w;
        for (Module conv : convs) u = act.forward(conv.forward(u));
        return head.forward(u).add(w);
    }
}
