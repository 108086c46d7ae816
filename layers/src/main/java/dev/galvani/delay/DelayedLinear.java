package dev.galvani.delay;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.Init;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * A fully connected layer whose every synapse has a learnable delay: the 1-D DCLS layer of
 * SNN-delays (Hammouamri et al., ICLR 2024; DCLS reference §1–§7), one weight and one continuous
 * position per synapse (kernel count 1), time as the convolution axis.
 *
 * <p>Input {@code [T, B, Cin]}, output {@code [T + (D − 1)/2, B, Cout]}: time is padded with
 * {@code D − 1} zeros on the left (the layer is causal) and {@code (D − 1)/2} on the right, and the
 * kernel of {@link DelayKernel} is cross-correlated with it (§3), so tap {@code k} carries delay
 * {@code D − 1 − k} and an integer position {@code P} delays by {@code (D − 1)/2 − P} steps. Every
 * layer lengthens the sequence by {@code (D − 1)/2}.
 *
 * <p>Training builds the {@code gauss} kernel; evaluation ({@link #eval()}) uses the rounded,
 * integer delays of §7: the {@code max} version with σ = 0 and {@code P} rounded half to even, one
 * tap per synapse. Initialisation is SNN-delays' (§5): W kaiming-uniform with bound √(6 / Cin), P
 * uniform in [−D//2 (Python floor division), ⌊D/2⌋] then clamped, σ = ⌊D/2⌋ and frozen (the
 * schedule of {@link SigmaSchedule} shrinks it). Call {@link #clampPositions()} after every
 * optimizer step, as SNN-delays does.
 *
 * <p>State dict names and shapes are the DCLS package's: {@code weight [Cout, Cin, 1]},
 * {@code P [1, Cout, Cin, 1]}, {@code SIG [1, Cout, Cin, 1]}.
 */
public final class DelayedLinear extends Module {

    /** The sizes given to the constructor: Cin, Cout, and D, the temporal kernel length (odd). */
    public final int inFeatures, outFeatures, taps;
    /**
     * The parameters: {@code weight [Cout, Cin, 1]} (state-dict name "weight"), the delay positions {@code
     * [1, Cout, Cin, 1]} ("P"), and the frozen widths σ {@code [1, Cout, Cin, 1]} ("SIG").
     */
    public final Parameter weight, positions, sigma;

    /**
     * A layer with SNN-delays' initialisation (see the class comment).
     *
     * @param inFeatures Cin, the input features
     * @param outFeatures Cout, the output features
     * @param taps D, the longest delay plus one, odd (SHD: 25 steps of 10 ms)
     * @param gen the generator for W and P
     * @throws IllegalArgumentException if a feature count is not positive or D is not odd and positive
     */
    public DelayedLinear(int inFeatures, int outFeatures, int taps, Generator gen) {
        if (inFeatures <= 0 || outFeatures <= 0) throw new IllegalArgumentException("DelayedLinear: feature counts must be positive, got " + inFeatures + ", " + outFeatures);
        if (taps < 1 || taps % 2 == 0) throw new IllegalArgumentException("DelayedLinear: the kernel length D must be odd and positive, got " + taps
                + (taps % 2 == 0 ? " (SNN-delays rounds an even D up: use " + (taps + 1) + ")" : ""));
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.taps = taps;
        int half = taps / 2;
        this.weight = registerParameter("weight", Init.uniform(gen, Math.sqrt(6.0 / inFeatures), outFeatures, inFeatures, 1));
        this.positions = registerParameter("P", DelayKernel.initialPositions(gen, outFeatures, inFeatures, taps));
        this.sigma = registerParameter("SIG", new Parameter(Tensor.full(half, 1, outFeatures, inFeatures, 1), false));
    }

    /** The kernel this layer applies now: gauss while training, rounded integer delays in evaluation (§7). */
    public Tensor kernel() {
        if (isTraining()) return DelayKernel.build(DelayKernel.Version.GAUSS, weight.value(), positions.value(), sigma.value(), taps);
        try (var _ = Autograd.noGrad()) {
            Tensor rounded = DelayKernel.roundedPositions(positions.value(), taps);
            return DelayKernel.build(DelayKernel.Version.MAX, weight.value(), rounded, sigma.value().zerosLike(), taps);
        }
    }

    @Override public Tensor forward(Tensor x) {
        if (x.dim() != 3 || x.size(2) != inFeatures)
            throw new IllegalArgumentException("DelayedLinear: input must be [T, B, " + inFeatures + "], got " + x.shape());
        return correlate(x, kernel(), taps);
    }

    /**
     * {@code y[t] = Σ_k x_pad[t + k] K[:, :, k]ᵀ} over time-major slices: D accumulated matrix
     * products on views of the padded input, with no im2col buffer (reference §13).
     */
    static Tensor correlate(Tensor x, Tensor kernel, int taps) {
        int half = (taps - 1) / 2, steps = x.size(0);
        Tensor padded = x.pad(0, 0, 0, 0, taps - 1, half);                  // [T + D − 1 + half, B, Cin]
        int outSteps = steps + half;
        Tensor y = null;
        for (int k = 0; k < taps; k++) {
            Tensor term = padded.narrow(0, k, outSteps).matmul(kernel.select(2, k).T());
            y = y == null ? term : y.add(term);
        }
        return y;
    }

    /** Clamps every position to [−⌊D/2⌋, ⌊D/2⌋] in place, without recording (SNN-delays' {@code clamp_parameters}). */
    public void clampPositions() { DelayKernel.clampInPlace(positions.value(), taps); }

    /** The integer delay of each synapse in steps, {@code (D − 1)/2 − round(P)} (I64 [Cout, Cin]): what evaluation uses. */
    public Tensor delays() {
        return DelayKernel.roundedPositions(positions.value().detach(), taps).rsub(taps / 2).squeeze(0).squeeze(-1).to(dev.galvani.tensor.DType.I64);
    }

    @Override protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + ", taps=" + taps + " (delays 0.." + (taps - 1) + " steps)";
    }
}
