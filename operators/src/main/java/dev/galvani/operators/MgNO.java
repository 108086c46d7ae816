package dev.galvani.operators;

import dev.galvani.nn.Activation;
import dev.galvani.nn.Conv;
import dev.galvani.nn.Module;
import dev.galvani.nn.ModuleList;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.Locale;

/**
 * The multigrid neural operator for Dirichlet problems (operators.md §3.4, {@code MgNO_DC}; with
 * the odd/even prolongation kernels of a non-power-of-two grid it is {@code MgNO_DC_smooth}):
 *
 * <pre>
 * u = input [B, cf, H, W]                     (no lifting, no coordinate channels)
 * for i in 0 .. layers − 1:  u = act(MgConv_i(u) + Conv1x1_i(u))     (1×1 with bias)
 * out = Conv1x1(cu → 1, no bias)(u);  out = normalizer.decode(out) when one is set
 * </pre>
 *
 * Layer 0's cycle reads {@code cf} channels, the others {@code cu}. Names follow the reference
 * ({@code conv_list.i}, {@code linear_list.i}, {@code linear}, {@code normalizer}).
 */
public final class MgNO extends Module {

    /**
     * A network's settings.
     * @param layers the number of MgNO layers
     * @param channelsU {@code cu}, the hidden width
     * @param channelsF {@code cf}, the input channels
     * @param cycle each layer's multigrid cycle
     * @param kernels the prolongation kernels (one per transition, finest first)
     * @param padding the boundary condition as a padding mode (§3.5)
     * @param activation {@code relu}, {@code gelu} (the reference's default), {@code tanh} or {@code silu}
     */
    public record Options(int layers, int channelsU, int channelsF, MgCycle cycle, int[] kernels, Padding padding, String activation) {
        /** Checks the counts and the activation's name. */
        public Options {
            if (layers <= 0) throw new IllegalArgumentException("MgNO: layers must be positive, got " + layers);
            MgNO.activation(activation);
            kernels = kernels.clone();
        }

        /** The prolongation kernels (a copy). */
        @Override public int[] kernels() { return kernels.clone(); }

        /**
         * The released Darcy "smooth" network on an {@code n × n} grid (§3.8): 5 layers, cu 24, cf 1, the six-level
         * cycle {@code [[1,0]]×5 + [[2,0]]}, prolongation kernels by the odd/even rule, zero padding, GELU.
         */
        public static Options darcySmooth(int n) {
            MgCycle c = MgCycle.darcy();
            return new Options(5, 24, 1, c, c.prolongationKernels(n), Padding.ZEROS, "gelu");
        }

        /** The released Darcy "rough" network (§3.8): as {@link #darcySmooth} with 4 layers and kernel 4 everywhere ({@code MgNO_DC}). */
        public static Options darcyRough() {
            MgCycle c = MgCycle.darcy();
            return new Options(4, 24, 1, c, c.uniformKernels(), Padding.ZEROS, "gelu");
        }

        /** These settings with another number of layers. */
        public Options withLayers(int n) { return new Options(n, channelsU, channelsF, cycle, kernels, padding, activation); }

        /** These settings with another width {@code cu}. */
        public Options withWidth(int cu) { return new Options(layers, cu, channelsF, cycle, kernels, padding, activation); }

        /** These settings with another cycle and kernels by the odd/even rule for an {@code n × n} grid. */
        public Options withCycle(MgCycle c, int n) { return new Options(layers, channelsU, channelsF, c, c.prolongationKernels(n), padding, activation); }
    }

    private final Options options;
    private final ModuleList convs, linears;
    private final Conv.Conv2d head;
    private final Activation act;
    private Normalizer outputNormalizer;

    /** A network with these settings, its weights drawn from {@code gen}. */
    public MgNO(Options o, Generator gen) {
        this.options = o;
        convs = registerModule("conv_list", new ModuleList());
        linears = registerModule("linear_list", new ModuleList());
        for (int i = 0; i < o.layers(); i++) {
            int in = i == 0 ? o.channelsF() : o.channelsU();
            convs.add(new MgConv(new MgConv.Options(o.cycle(), o.channelsU(), in, o.kernels, o.padding(), false, 0), gen));
            linears.add(new Conv.Conv2d(in, o.channelsU(), 1, 1, 0, 1, 1, true, gen));
        }
        head = registerModule("linear", new Conv.Conv2d(o.channelsU(), 1, 1, 1, 0, 1, 1, false, gen));
        act = registerModule("act", activation(o.activation()));
    }

    /** The settings this network was built with. */
    public Options options() { return options; }

    /**
     * Decodes the output with {@code normalizer} from now on (the reference decodes inside the model); the
     * normaliser becomes a child named {@code normalizer}, so its statistics are saved with the weights. Returns this.
     */
    public <N extends Module & Normalizer> MgNO outputNormalizer(N normalizer) {
        unregister("normalizer");
        registerModule("normalizer", normalizer);
        this.outputNormalizer = normalizer;
        return this;
    }

    /** Maps {@code a} [B, cf, H, W] to the output [B, 1, H, W] (decoded when an output normaliser is set). */
    @Override public Tensor forward(Tensor a) {
        Tensor u = a;
        for (int i = 0; i < options.layers(); i++) u = act.forward(convs.get(i).forward(u).add(linears.get(i).forward(u)));
        Tensor out = head.forward(u);
        return outputNormalizer == null ? out : outputNormalizer.decode(out);
    }

    /** The activation module for a name the reference accepts: relu, gelu, tanh or silu. */
    public static Activation activation(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "relu" -> new Activation.ReLU();
            case "gelu" -> new Activation.GELU();
            case "tanh" -> new Activation.Tanh();
            case "silu" -> new Activation.SiLU();
            default -> throw new IllegalArgumentException("MgNO: activation is relu, gelu, tanh or silu, got '" + name + "'");
        };
    }
}
