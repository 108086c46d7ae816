package dev.galvani.operators;

import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.ComplexTensor;
import dev.galvani.tensor.FFT;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The FNO spectral convolution in 1, 2 or 3 dimensions (operators.md §1): the real FFT of the input
 * over its spatial axes, a complex channel mixing {@code einsum("bi...,io...->bo...")} on a block of
 * low frequencies (every other frequency is set to zero), and the inverse real FFT.
 *
 * <p>Two layouts of the weights, the same family of operators (§1.4's equivalence):
 * <ul>
 * <li>{@link Layout#CORNERS}, the original code's {@code SpectralConv1d/2d/3d} (§1.1–1.2): {@code modes[a]}
 * non-negative and {@code modes[a]} negative frequencies on every axis but the last, the first
 * {@code modes[last]} real-FFT bins on the last; one weight per corner, {@code weights1} …
 * {@code weights4} (2^(d−1) of them; corner c takes the negative frequencies of axis a when bit a of
 * c is set, as the original's order), initialised {@code U[0, 1)/(Ci·Co)} per part (§1.3), no bias,
 * norm "backward".</li>
 * <li>{@link Layout#CENTRED}, neuraloperator's {@code SpectralConv} (§1.4): {@code modes[a]} counts the
 * total modes of an axis (frequencies {@code −k/2 … k − k/2 − 1}, stored in increasing order as after
 * {@code fftshift}), the last axis keeps {@code k/2 + 1} bins; one weight {@code weight}, complex
 * normal with std √(2/(Ci + Co)); a bias {@code std·randn(Co, 1, …)} added after the inverse; norm
 * "forward"; the inverse transform is the Hermitian-symmetric one (ifft over all axes but the last, the
 * imaginary parts of the zero and Nyquist columns set to zero, then irfft).</li>
 * </ul>
 * Both layouts gather their frequencies into one block, assemble one full weight for it and mix
 * channels with a single {@link ComplexTensor#channelMix} call (one batched matmul over all retained
 * modes), which is the same arithmetic as one product per corner.
 *
 * <p><b>Weights and state dicts.</b> Each complex weight is one real {@link Parameter} in PyTorch's
 * {@code view_as_real} layout, {@code [Ci, Co, modes…, 2]} (real and imaginary parts in the trailing
 * dimension; §1.5), read as a {@link ComplexTensor} view at use ({@link #weight(int)}). So a PyTorch
 * checkpoint whose complex tensors were saved through {@code torch.view_as_real} loads under the same
 * names ({@code conv0.weights1}, {@code convs.0.weight}) with no conversion, and optimizers see the
 * real and imaginary parts as independent reals, as the original's own Adam does.
 *
 * <p><b>Other output grids.</b> {@link #forward(Tensor, int...)} evaluates on another grid: the mixed
 * modes are placed at their frequencies in the spectrum of the output size (zero elsewhere) and the
 * inverse is scaled as for the input's size, so the output samples the same band-limited function on
 * the new grid (super-resolution; neuraloperator's {@code output_shape}).
 */
public final class SpectralConv extends Module {

    /** Which weight layout of §1 the layer uses. */
    public enum Layout {
        /** The original code's two (four in 3-D) corner weights, §1.1–1.2. */
        CORNERS,
        /** neuraloperator's single centred weight with total mode counts, §1.4. */
        CENTRED
    }

    /**
     * A layer's settings.
     * @param inChannels {@code Ci}
     * @param outChannels {@code Co}
     * @param modes per spatial axis: the corner size ({@link Layout#CORNERS}) or the total mode count
     *              ({@link Layout#CENTRED}); 1 to 3 axes
     * @param layout the weight layout
     * @param norm the FFT norm: "backward", "ortho" or "forward"
     * @param bias whether a bias {@code [Co, 1, …]} is added after the inverse transform (drawn
     *             {@code std·randn} with neuraloperator's std for the centred layout, 1/√Ci for the
     *             corners, which the original never biases)
     * @param hermitian whether the inverse is the Hermitian-symmetric split of §1.4 (the same values in
     *                  exact arithmetic: the irfft ignores those imaginary parts anyway)
     */
    public record Options(int inChannels, int outChannels, int[] modes, Layout layout, String norm, boolean bias, boolean hermitian) {
        /** Checks the counts and the norm. */
        public Options {
            if (inChannels <= 0 || outChannels <= 0) throw new IllegalArgumentException("SpectralConv: channels must be positive, got " + inChannels + ", " + outChannels);
            if (modes == null || modes.length < 1 || modes.length > 3)
                throw new IllegalArgumentException("SpectralConv: 1 to 3 spatial axes, got modes " + Arrays.toString(modes));
            for (int m : modes) if (m <= 0) throw new IllegalArgumentException("SpectralConv: modes must be positive, got " + Arrays.toString(modes));
            if (!List.of("backward", "ortho", "forward").contains(norm))
                throw new IllegalArgumentException("SpectralConv: norm is backward, ortho or forward, got '" + norm + "'");
            java.util.Objects.requireNonNull(layout, "layout");
            modes = modes.clone();
        }

        /** The modes (a copy). */
        @Override public int[] modes() { return modes.clone(); }

        /** The original code's {@code SpectralConv{d}d(Ci, Co, m1, …)}: corners, norm "backward", no bias. */
        public static Options corners(int in, int out, int... modes) { return new Options(in, out, modes, Layout.CORNERS, "backward", false, false); }

        /** neuraloperator's defaults for {@code SpectralConv(Ci, Co, n_modes)}: centred, norm "forward", bias, Hermitian inverse. */
        public static Options centred(int in, int out, int... nModes) { return new Options(in, out, nModes, Layout.CENTRED, "forward", true, true); }

        /** These settings with another bias switch. */
        public Options withBias(boolean b) { return new Options(inChannels, outChannels, modes, layout, norm, b, hermitian); }

        /** These settings with another FFT norm. */
        public Options withNorm(String n) { return new Options(inChannels, outChannels, modes, layout, n, bias, hermitian); }

        /** These settings with the Hermitian-symmetric inverse on or off. */
        public Options withHermitian(boolean h) { return new Options(inChannels, outChannels, modes, layout, norm, bias, h); }

        /** The number of spatial axes. */
        public int dims() { return modes.length; }

        /** Non-negative frequencies kept on spatial axis a (on the last: real-FFT bins). */
        int positive(int a) {
            boolean last = a == modes.length - 1;
            if (layout == Layout.CORNERS) return modes[a];
            return last ? modes[a] / 2 + 1 : modes[a] - modes[a] / 2;
        }

        /** Negative frequencies kept on spatial axis a (none on the last). */
        int negative(int a) {
            if (a == modes.length - 1) return 0;
            return layout == Layout.CORNERS ? modes[a] : modes[a] / 2;
        }

        /** The shape of the block of retained frequencies: {@code positive(a) + negative(a)} per axis. */
        int[] blockShape() {
            int[] s = new int[modes.length];
            for (int a = 0; a < s.length; a++) s[a] = positive(a) + negative(a);
            return s;
        }
    }

    private final Options options;
    private final List<Parameter> weights = new ArrayList<>();
    private final Parameter bias;

    /** A layer with these settings, its weights drawn from {@code gen} as §1.3 says for its layout. */
    public SpectralConv(Options o, Generator gen) {
        this.options = o;
        int ci = o.inChannels(), co = o.outChannels(), d = o.dims();
        if (o.layout() == Layout.CORNERS) {
            int[] shape = new int[d + 3];
            shape[0] = ci;
            shape[1] = co;
            for (int a = 0; a < d; a++) shape[2 + a] = o.positive(a);
            shape[d + 2] = 2;
            double scale = 1.0 / ((double) ci * co);
            for (int c = 0; c < 1 << (d - 1); c++) weights.add(registerParameter("weights" + (c + 1), Tensor.rand(gen, shape).mul(scale)));
        } else {
            int[] block = o.blockShape(), shape = new int[d + 3];
            shape[0] = ci;
            shape[1] = co;
            System.arraycopy(block, 0, shape, 2, d);
            shape[d + 2] = 2;
            double std = Math.sqrt(2.0 / (ci + co));
            // A complex normal of standard deviation std has parts N(0, std²/2).
            weights.add(registerParameter("weight", Tensor.randn(gen, shape).mul(std / Math.sqrt(2))));
        }
        if (o.bias()) {
            int[] shape = new int[d + 1];
            Arrays.fill(shape, 1);
            shape[0] = co;
            double std = o.layout() == Layout.CENTRED ? Math.sqrt(2.0 / (ci + co)) : 1.0 / Math.sqrt(ci);
            bias = registerParameter("bias", Tensor.randn(gen, shape).mul(std));
        } else bias = null;
    }

    /** The settings this layer was built with. */
    public Options options() { return options; }

    /** The number of stored weights: 2^(d−1) corners, or 1 for the centred layout. */
    public int weightCount() { return weights.size(); }

    /** Weight i ({@code weights(i+1)} or {@code weight}) as a complex view [Ci, Co, modes…] of its parameter. */
    public ComplexTensor weight(int i) { return ComplexTensor.viewAsComplex(weights.get(i).value()); }

    /** The bias parameter, or null. */
    public Parameter bias() { return bias; }

    /**
     * The weight of the whole block of retained frequencies, [Ci, Co, block…], in the block's order:
     * for the corners, on each axis but the last the non-negative frequencies then the negative ones
     * (the order of the FFT's output); for the centred layout, the one weight (increasing frequency).
     */
    public ComplexTensor blockWeight() { return blockWeight(options, weights.stream().map(Parameter::value).toList()); }

    private static ComplexTensor blockWeight(Options o, List<Tensor> weights) {
        int expected = o.layout() == Layout.CENTRED ? 1 : 1 << (o.dims() - 1);
        if (weights.size() != expected)
            throw new IllegalArgumentException("SpectralConv: the " + o.layout().name().toLowerCase(Locale.ROOT) + " layout in " + o.dims() + "-D has "
                    + expected + " weights, got " + weights.size());
        List<ComplexTensor> parts = new ArrayList<>();
        for (Tensor w : weights) parts.add(ComplexTensor.viewAsComplex(w));
        // Corner c has bit a set for the negative frequencies of axis a: merge axis 0's pairs first.
        for (int a = 0; parts.size() > 1; a++) {
            List<ComplexTensor> merged = new ArrayList<>();
            for (int j = 0; j < parts.size(); j += 2) merged.add(ComplexTensor.cat(2 + a, parts.get(j), parts.get(j + 1)));
            parts = merged;
        }
        return parts.getFirst();
    }

    /** The layer on x [B, Ci, n…], output [B, Co, n…] on the same grid. */
    @Override public Tensor forward(Tensor x) { return forward(x, spatial(x)); }

    /**
     * The layer on x [B, Ci, n…], output [B, Co, out…]: on another grid the retained modes are placed at
     * their frequencies in the spectrum of {@code out} and the result samples the same band-limited
     * function (see the class comment).
     */
    public Tensor forward(Tensor x, int... out) {
        return apply(options, x, weights.stream().map(Parameter::value).toList(), bias == null ? null : bias.value(), out);
    }

    /**
     * The functional form of the layer (as {@code F.conv2d} is of {@code Conv2d}): x [B, Ci, n…] with the
     * given weights in their parameters' layout ({@code [Ci, Co, modes…, 2]}, corners in order) and bias
     * ({@code [Co, 1, …]} or null), output [B, Co, out…]; differentiable in all of them.
     */
    public static Tensor apply(Options o, Tensor x, List<Tensor> weights, Tensor bias, int... out) {
        int d = o.dims();
        if (x.dim() != d + 2 || x.size(1) != o.inChannels())
            throw new IllegalArgumentException("SpectralConv: expects [B, " + o.inChannels() + ", " + d + " spatial axes], got " + x.shape());
        int[] in = Arrays.copyOfRange(x.shape().dims(), 2, x.dim());
        if (out.length != d) throw new IllegalArgumentException("SpectralConv: " + d + " output sizes, got " + Arrays.toString(out));
        for (int a = 0; a < d; a++) {
            checkFits(o, in[a], a, "input");
            checkFits(o, out[a], a, "output");
        }
        // The real FFT along the last axis first, cut to the kept bins, so the transforms along the other axes
        // run on those bins only (the rest would be multiplied by zero weights); the inverse likewise.
        int last = d + 1;
        ComplexTensor spectrum = FFT.rfft(x, FFT.DEFAULT, last, o.norm()).narrow(last, 0, o.positive(d - 1));
        for (int a = 0; a < d - 1; a++) spectrum = FFT.fft(spectrum, FFT.DEFAULT, 2 + a, o.norm());
        ComplexTensor mixed = ComplexTensor.channelMix(gather(o, spectrum, in), blockWeight(o, weights).to(x.dtype()));
        boolean sameGrid = Arrays.equals(in, out);
        // On another grid the inverse keeps the input's scale: the unscaled inverse times the input size's factor.
        Tensor y = inverse(o, scatter(o, mixed, out), out, sameGrid ? o.norm() : "forward");
        if (!sameGrid) {
            double scale = inverseScale(o.norm(), product(in));
            if (scale != 1) y = y.mul(scale);
        }
        return bias == null ? y : y.add(bias);
    }

    /** The block of retained frequencies of the spectrum [B, C, n…, kept bins], in the layout's order. */
    private static ComplexTensor gather(Options options, ComplexTensor s, int[] n) {
        int d = options.dims();
        for (int a = 0; a < d - 1; a++) {
            int dim = 2 + a, p = options.positive(a), q = options.negative(a);
            ComplexTensor pos = s.narrow(dim, 0, p), neg = s.narrow(dim, n[a] - q, q);
            s = options.layout() == Layout.CORNERS ? ComplexTensor.cat(dim, pos, neg) : ComplexTensor.cat(dim, neg, pos);
        }
        return s;
    }

    /** The mixed block [B, Co, block…] placed at its frequencies in a zero spectrum of the grid {@code out} (the last axis: the kept bins only). */
    private static ComplexTensor scatter(Options options, ComplexTensor y, int[] out) {
        int d = options.dims();
        for (int a = 0; a < d - 1; a++) {
            int dim = 2 + a, p = options.positive(a), q = options.negative(a);
            boolean corners = options.layout() == Layout.CORNERS;
            ComplexTensor pos = y.narrow(dim, corners ? 0 : q, p), neg = y.narrow(dim, corners ? p : 0, q);
            int gap = out[a] - p - q;
            if (gap == 0) y = ComplexTensor.cat(dim, pos, neg);
            else {
                int[] zeroShape = y.shape().dims();
                zeroShape[dim] = gap;
                y = ComplexTensor.cat(dim, pos, ComplexTensor.zeros(y.dtype(), y.device(), zeroShape), neg);
            }
        }
        return y;
    }

    /**
     * The inverse real transform onto {@code out} of a spectrum whose last axis holds the kept bins only:
     * ifft along the other axes (on those bins), then, for §1.4's Hermitian-symmetric inverse, the
     * imaginary parts of the zero-frequency bin and (even length) the Nyquist bin set to zero, then
     * zero bins up to n/2 + 1 and irfft along the last axis. The irfft ignores those imaginary parts
     * anyway, so both forms give the same values; the split is kept explicit as the reference has it.
     */
    private static Tensor inverse(Options options, ComplexTensor s, int[] out, String norm) {
        int d = out.length, last = d + 1, kept = s.size(last), nLast = out[d - 1], bins = nLast / 2 + 1;
        for (int a = 0; a < d - 1; a++) s = FFT.ifft(s, out[a], 2 + a, norm);
        if (options.hermitian()) {
            Tensor im = s.imag();
            boolean nyquist = nLast % 2 == 0 && kept == bins && bins > 1;
            int inner = kept - 1 - (nyquist ? 1 : 0);
            List<Tensor> cols = new ArrayList<>();
            cols.add(im.narrow(last, 0, 1).zerosLike());
            if (inner > 0) cols.add(im.narrow(last, 1, inner));
            if (nyquist) cols.add(im.narrow(last, kept - 1, 1).zerosLike());
            s = ComplexTensor.of(s.real(), Tensor.cat(cols, last));
        }
        if (bins > kept) s = s.pad(0, bins - kept);
        return FFT.irfft(s, nLast, last, norm);
    }

    private static void checkFits(Options options, int n, int a, String what) {
        boolean last = a == options.dims() - 1;
        int need = last ? options.positive(a) : options.positive(a) + options.negative(a);
        int have = last ? n / 2 + 1 : n;
        if (need > have)
            throw new IllegalArgumentException(String.format(Locale.ROOT, "SpectralConv: %s size %d on spatial axis %d is too small for modes %s (%s layout needs %s)",
                    what, n, a, Arrays.toString(options.modes()), options.layout().name().toLowerCase(Locale.ROOT),
                    last ? "n/2 + 1 ≥ " + need : "n ≥ " + need));
    }

    /** The factor of an inverse transform of {@code n} points under {@code norm}. */
    static double inverseScale(String norm, long n) {
        return switch (norm) {
            case "backward" -> 1.0 / n;
            case "ortho" -> 1.0 / Math.sqrt(n);
            default -> 1.0;
        };
    }

    private static long product(int[] v) {
        long p = 1;
        for (int x : v) p *= x;
        return p;
    }

    private int[] spatial(Tensor x) { return Arrays.copyOfRange(x.shape().dims(), 2, x.dim()); }

    @Override protected String extraRepr() {
        return String.format(Locale.ROOT, "%d, %d, modes=%s, layout=%s, norm=%s%s", options.inChannels(), options.outChannels(),
                Arrays.toString(options.modes()), options.layout().name().toLowerCase(Locale.ROOT), options.norm(), options.bias() ? ", bias" : "");
    }
}
