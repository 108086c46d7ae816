package dev.galvani.operators;

import dev.galvani.nn.Module;
import dev.galvani.nn.ModuleList;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The neuraloperator-style FNO (operators.md §2.3–2.4) in 1, 2 or 3 dimensions, channels-first
 * [B, in, n…] to [B, out, n…]:
 *
 * <pre>
 * x = cat(x, grid)                          grid embedding: coordinates on [0, 1)^d, spacing 1/n
 * x = lifting(x)                            ChannelMLP(in + d → ratio·hidden → hidden)
 * x = domain padding (zeros)                round(fraction · n) cells per axis, one-sided or symmetric
 * for block i of n_layers:                  §2.3, post-activation
 *     skip = fno_skips.i(x) (1×1, no bias);  gate = channel_mlp_skips.i(x) (soft gating)
 *     x = convs.i(x) + skip;  gelu unless last
 *     x = channel_mlp.i(x) + gate;  gelu unless last       ChannelMLP(hidden → round(0.5·hidden) → hidden)
 * x = unpad;  x = projection(x)             ChannelMLP(hidden → ratio·hidden → out)
 * </pre>
 *
 * The spectral layers are {@link SpectralConv}'s centred layout (total modes per axis, norm "forward",
 * bias, Hermitian inverse). Names follow neuraloperator ({@code lifting.fcs.0.weight},
 * {@code fno_blocks.convs.0.weight}, {@code fno_blocks.fno_skips.0.conv.weight},
 * {@code fno_blocks.channel_mlp.0.fcs.1.bias}, {@code fno_blocks.channel_mlp_skips.0.weight},
 * {@code projection.fcs.1.weight}). The padding is a fraction of the grid, so it scales with the
 * resolution (neuraloperator issue #72): the model evaluates on finer or coarser grids as it is.
 */
public final class FNO extends Module {

    /**
     * A model's settings.
     * @param nModes total modes per spatial axis (1 to 3 axes)
     * @param inChannels input channels (before the grid embedding)
     * @param outChannels output channels
     * @param hidden the width of the Fourier blocks
     * @param layers the number of Fourier blocks
     * @param liftingRatio the lifting MLP's hidden width over {@code hidden}
     * @param projectionRatio the projection MLP's hidden width over {@code hidden}
     * @param channelMlp whether each block has its channel MLP (and soft-gating skip)
     * @param channelMlpExpansion the channel MLP's hidden width over {@code hidden}
     * @param positionalEmbedding whether the grid coordinates are appended to the input
     * @param domainPadding the fraction of each axis padded with zeros (0: none)
     * @param symmetricPadding pad both ends (true) or the high end only (neuraloperator's "one-sided")
     */
    public record Options(int[] nModes, int inChannels, int outChannels, int hidden, int layers, double liftingRatio, double projectionRatio,
                          boolean channelMlp, double channelMlpExpansion, boolean positionalEmbedding, double domainPadding, boolean symmetricPadding) {
        /** Checks the counts. */
        public Options {
            if (nModes == null || nModes.length < 1 || nModes.length > 3) throw new IllegalArgumentException("FNO: 1 to 3 spatial axes, got " + Arrays.toString(nModes));
            if (inChannels <= 0 || outChannels <= 0 || hidden <= 0 || layers <= 0)
                throw new IllegalArgumentException("FNO: channels, hidden width and layers must be positive");
            if (!(liftingRatio > 0) || !(projectionRatio > 0) || !(channelMlpExpansion > 0) || !(domainPadding >= 0))
                throw new IllegalArgumentException("FNO: ratios must be positive and the padding fraction non-negative");
            nModes = nModes.clone();
        }

        /** The modes (a copy). */
        @Override public int[] nModes() { return nModes.clone(); }

        /**
         * neuraloperator's defaults (§2.4) for {@code FNO(n_modes, hidden_channels, in_channels, out_channels)}: 4 layers,
         * lifting and projection ratio 2, channel MLP with expansion 0.5 and soft gating, grid embedding, no padding.
         */
        public static Options defaults(int[] nModes, int hidden, int in, int out) {
            return new Options(nModes, in, out, hidden, 4, 2, 2, true, 0.5, true, 0, false);
        }

        /** {@code FNO_Small2d} of neuraloperator's Darcy config (§2.4): n_modes (16, 16), hidden 24, 4 layers. */
        public static Options darcySmall() { return defaults(new int[]{16, 16}, 24, 1, 1); }

        /** These settings with {@code fraction} of each axis zero-padded, one-sided or symmetric. */
        public Options withDomainPadding(double fraction, boolean symmetric) {
            return new Options(nModes, inChannels, outChannels, hidden, layers, liftingRatio, projectionRatio, channelMlp, channelMlpExpansion,
                    positionalEmbedding, fraction, symmetric);
        }

        /** These settings with another number of blocks. */
        public Options withLayers(int n) {
            return new Options(nModes, inChannels, outChannels, hidden, n, liftingRatio, projectionRatio, channelMlp, channelMlpExpansion,
                    positionalEmbedding, domainPadding, symmetricPadding);
        }

        /** The number of spatial axes. */
        public int dims() { return nModes.length; }
    }

    /** The Fourier blocks, a child named {@code fno_blocks} as neuraloperator's {@code FNOBlocks}. */
    private static final class Blocks extends Module {
        final ModuleList convs, skips, mlps, gates;

        Blocks(Options o, Generator gen) {
            convs = registerModule("convs", new ModuleList());
            skips = registerModule("fno_skips", new ModuleList());
            mlps = o.channelMlp() ? registerModule("channel_mlp", new ModuleList()) : null;
            gates = o.channelMlp() ? registerModule("channel_mlp_skips", new ModuleList()) : null;
            int c = o.hidden();
            for (int i = 0; i < o.layers(); i++) {
                convs.add(new SpectralConv(SpectralConv.Options.centred(c, c, o.nModes()), gen));
                skips.add(new FlattenedSkip(c, gen));
                if (mlps != null) {
                    mlps.add(new ChannelMLP(c, c, (int) Math.round(o.channelMlpExpansion() * c), 2, gen));
                    gates.add(new SoftGating(c, o.dims()));
                }
            }
        }

        /** Block i of n (§2.3). */
        Tensor block(int i, Tensor x) {
            boolean last = i == convs.size() - 1;
            Tensor skip = skips.get(i).forward(x), gate = gates == null ? null : gates.get(i).forward(x);
            x = convs.get(i).forward(x).add(skip);
            if (mlps == null) return last ? x : x.gelu();
            if (!last) x = x.gelu();
            x = mlps.get(i).forward(x).add(gate);
            return last ? x : x.gelu();
        }

        @Override public Tensor forward(Tensor x) {
            for (int i = 0; i < convs.size(); i++) x = block(i, x);
            return x;
        }
    }

    /** neuraloperator's linear FNO skip, a bias-free 1×1 convolution kept under {@code conv} as its {@code Flattened1dConv}. */
    private static final class FlattenedSkip extends Module {
        final PointwiseConv conv;

        FlattenedSkip(int channels, Generator gen) { conv = registerModule("conv", new PointwiseConv(channels, channels, 1, false, gen)); }

        @Override public Tensor forward(Tensor x) { return conv.forward(x); }
    }

    private final Options options;
    private final ChannelMLP lifting, projection;
    private final Blocks blocks;

    /** A model with these settings, its weights drawn from {@code gen}. */
    public FNO(Options o, Generator gen) {
        this.options = o;
        int d = o.dims(), in = o.inChannels() + (o.positionalEmbedding() ? d : 0);
        lifting = registerModule("lifting", new ChannelMLP(in, o.hidden(), (int) Math.round(o.liftingRatio() * o.hidden()), 2, gen));
        blocks = registerModule("fno_blocks", new Blocks(o, gen));
        projection = registerModule("projection", new ChannelMLP(o.hidden(), o.outChannels(), (int) Math.round(o.projectionRatio() * o.hidden()), 2, gen));
    }

    /** The settings this model was built with. */
    public Options options() { return options; }

    /** Maps x [B, in, n…] to [B, out, n…] on the same grid, whatever its resolution (room for the modes permitting). */
    @Override public Tensor forward(Tensor x) {
        int d = options.dims();
        if (x.dim() != d + 2 || x.size(1) != options.inChannels())
            throw new IllegalArgumentException("FNO: expects [B, " + options.inChannels() + ", " + d + " spatial axes], got " + x.shape());
        int[] n = Arrays.copyOfRange(x.shape().dims(), 2, x.dim());
        if (options.positionalEmbedding()) x = Tensor.cat(1, x, periodicGrid(x));
        x = lifting.forward(x);
        int[] pad = new int[d];
        for (int a = 0; a < d; a++) pad[a] = (int) Math.round(options.domainPadding() * n[a]);
        boolean padded = Arrays.stream(pad).anyMatch(p -> p > 0);
        if (padded) x = x.pad(pads(pad));
        x = blocks.forward(x);
        if (padded)
            for (int a = 0; a < d; a++) x = x.narrow(2 + a, options.symmetricPadding() ? pad[a] : 0, n[a]);
        return projection.forward(x);
    }

    /** PyTorch's pad list (last axis first) for these cells per axis, at the high end or at both ends. */
    private int[] pads(int[] pad) {
        int d = pad.length;
        int[] p = new int[2 * d];
        for (int a = 0; a < d; a++) {
            int slot = 2 * (d - 1 - a);
            p[slot] = options.symmetricPadding() ? pad[a] : 0;
            p[slot + 1] = pad[a];
        }
        return p;
    }

    /** neuraloperator's regular grid, [B, d, n…]: channel c is {@code linspace(0, 1, n_c + 1)[:-1]} along axis c. */
    static Tensor periodicGrid(Tensor x) {
        int d = x.dim() - 2;
        int[] n = Arrays.copyOfRange(x.shape().dims(), 2, x.dim()), target = x.shape().dims();
        target[1] = 1;
        List<Tensor> channels = new ArrayList<>();
        for (int c = 0; c < d; c++) {
            int[] view = new int[d + 2];
            Arrays.fill(view, 1);
            view[2 + c] = n[c];
            channels.add(Tensor.linspace(x.dtype(), 0, 1, n[c] + 1).narrow(0, 0, n[c]).to(x.device()).reshape(view).expand(target));
        }
        return Tensor.cat(channels, 1);
    }

    @Override protected String extraRepr() {
        return String.format(Locale.ROOT, "n_modes=%s, hidden=%d, layers=%d, in=%d, out=%d", Arrays.toString(options.nModes()), options.hidden(), options.layers(),
                options.inChannels(), options.outChannels());
    }
}
