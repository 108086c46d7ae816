package dev.galvani.operators;

import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link FNO1d} and {@link FNO2d} share (operators.md §2.1–2.2): the original code's network on
 * 1 or 2 spatial axes. a [B, 1, n…] → append the coordinates (linspace(0, 1) per axis) → {@code fc0}
 * → zero-pad {@code padding} cells at the high end of every axis → four layers
 * {@code conv_i + w_i}, GELU after all but the last → crop → {@code fc1}, GELU, {@code fc2}.
 */
public abstract sealed class OriginalFno extends Module permits FNO1d, FNO2d {

    /** The number of Fourier layers of the original code. */
    public static final int LAYERS = 4;
    /** The hidden width of the original's projection ({@code fc1}: width → 128). */
    public static final int PROJECTION = 128;

    private final int[] modes;
    private final int width, padding;
    private final Linear fc0, fc1, fc2;
    private final List<SpectralConv> convs = new ArrayList<>();
    private final List<PointwiseConv> ws = new ArrayList<>();

    /** A network on {@code modes.length} axes with these corner modes, width and padding, drawn from {@code gen} in the original's order. */
    OriginalFno(int[] modes, int width, int padding, Generator gen) {
        if (width <= 0 || padding < 0) throw new IllegalArgumentException(getClass().getSimpleName() + ": width must be positive and padding non-negative");
        this.modes = modes.clone();
        this.width = width;
        this.padding = padding;
        int d = modes.length;
        fc0 = registerModule("fc0", new Linear(1 + d, width, true, gen));
        for (int i = 0; i < LAYERS; i++) convs.add(registerModule("conv" + i, new SpectralConv(SpectralConv.Options.corners(width, width, modes), gen)));
        for (int i = 0; i < LAYERS; i++) ws.add(registerModule("w" + i, new PointwiseConv(width, width, d, true, gen)));
        fc1 = registerModule("fc1", new Linear(width, PROJECTION, true, gen));
        fc2 = registerModule("fc2", new Linear(PROJECTION, 1, true, gen));
    }

    /** The corner modes per axis (a copy). */
    public int[] modes() { return modes.clone(); }

    /** The hidden width. */
    public int width() { return width; }

    /** The zero padding at the high end of each axis, in cells. */
    public int padding() { return padding; }

    /**
     * Maps a [B, 1, n…] to u [B, 1, n…]. The spectral layers are resolution-free, so any grid with room
     * for the modes works (a fixed pixel padding is the one part that is not; §3.9, issue #72).
     */
    @Override public Tensor forward(Tensor a) {
        int d = modes.length;
        if (a.dim() != d + 2 || a.size(1) != 1)
            throw new IllegalArgumentException(getClass().getSimpleName() + ": expects a [B, 1, " + d + " spatial axes], got " + a.shape());
        int[] n = Arrays.copyOfRange(a.shape().dims(), 2, a.dim());
        Tensor x = PointwiseConv.mix(Tensor.cat(1, a, grid(a)), fc0.weight.value(), fc0.bias.value());
        if (padding > 0) x = x.pad(padsAtEnd(d, padding));
        for (int i = 0; i < LAYERS; i++) {
            x = convs.get(i).forward(x).add(ws.get(i).forward(x));
            if (i < LAYERS - 1) x = x.gelu();
        }
        if (padding > 0) for (int ax = 0; ax < d; ax++) x = x.narrow(2 + ax, 0, n[ax]);
        x = PointwiseConv.mix(x, fc1.weight.value(), fc1.bias.value()).gelu();
        return PointwiseConv.mix(x, fc2.weight.value(), fc2.bias.value());
    }

    /** The coordinates of a's grid, [B, d, n…]: channel c is linspace(0, 1, n_c) along axis c (the original's {@code get_grid}). */
    static Tensor grid(Tensor a) {
        int d = a.dim() - 2;
        int[] target = a.shape().dims();
        target[1] = 1;
        List<Tensor> channels = new ArrayList<>();
        for (int c = 0; c < d; c++) {
            int[] view = new int[d + 2];
            Arrays.fill(view, 1);
            view[2 + c] = target[2 + c];
            channels.add(Tensor.linspace(a.dtype(), 0, 1, target[2 + c]).to(a.device()).reshape(view).expand(target));
        }
        return Tensor.cat(channels, 1);
    }

    /** PyTorch's pad list (last axis first) for {@code p} cells at the high end of the last {@code d} axes. */
    static int[] padsAtEnd(int d, int p) {
        int[] pads = new int[2 * d];
        for (int ax = 0; ax < d; ax++) pads[2 * ax + 1] = p;
        return pads;
    }

    @Override protected String extraRepr() { return "modes=" + Arrays.toString(modes) + ", width=" + width + ", padding=" + padding; }
}
