package dev.galvani.delay;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.Init;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Delays;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.DelaySpec;

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
 * <p><b>Kernels</b> ({@link Kernel}; reference §13). {@link Kernel#AUTO}, the default, chooses per call:
 * <ul>
 *   <li>training while σ is above its floor: {@link Kernel#GEMM}, the dense kernel built per
 *       synapse and applied as D accumulated matrix products over time-major slices of the input
 *       (no im2col, no padded copy); backward: 2·D products for dx and dK, then dW, dP, dσ per synapse;</li>
 *   <li>training once every |σ| is at the floor of {@link SigmaSchedule} (effective width 0.5):
 *       {@link Kernel#SPARSE_TAPS}, each synapse's taps within the radius whose dropped mass is at
 *       most {@link #sparseTolerance} of its weight ({@link DelaySpec#gaussRadius}: about 2.5 taps
 *       each side at 1e-5, five taps instead of D); the output error is then at most
 *       {@code tolerance · Σ_i |W[o, i]| · max |x|};</li>
 *   <li>evaluation: {@link Kernel#INTEGER}, the rounded delays of §7 as one gather per synapse, the
 *       cost of a linear layer ({@link DelayStream} is its streaming form).</li>
 * </ul>
 * {@link #kernel(Kernel)} forces one: {@link Kernel#REFERENCE} is the kernel built from recorded
 * tensor operations and D recorded matrix products (what the tests compare the others with, and
 * a device without {@code DelayKernels} runs each choice as the same math in recorded operations);
 * {@link Kernel#INTEGER} while
 * training trains the weights over fixed rounded delays (SNN-delays' {@code snn_delays_lr0} arm).
 * The σ check reads max |σ| from the device only when σ's storage changed since the last read.
 *
 * <p>State dict names and shapes are the DCLS package's: {@code weight [Cout, Cin, 1]},
 * {@code P [1, Cout, Cin, 1]}, {@code SIG [1, Cout, Cin, 1]}.
 */
public final class DelayedLinear extends Module {

    /** How the layer is computed (see the class comment). */
    public enum Kernel {
        /** GEMM form while σ is wide, sparse taps at the σ floor, integer delays in evaluation. */
        AUTO,
        /** The kernel from recorded tensor operations and D recorded matrix products: the reference. */
        REFERENCE,
        /** The dense kernel (fused build) and its D accumulated matrix products. */
        GEMM,
        /** Only the taps near each synapse's position (training: gauss within the tolerance's radius; evaluation: the one rounded tap). */
        SPARSE_TAPS,
        /** One tap per synapse at its rounded delay, weight {@code W/(1 + 1e-7)}: evaluation's kernel (§7). */
        INTEGER
    }

    /** σ at or below this counts as at the floor: {@link SigmaSchedule#FLOOR}, with room for the schedule's rounding and float storage. */
    private static final double FLOOR_WITH_ROUNDING = SigmaSchedule.FLOOR * (1 + 1e-6);

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

    private Kernel choice = Kernel.AUTO;
    private double sparseTolerance = 1e-5;
    private Tensor sigmaSeen;
    private int sigmaVersion = -1;
    private double sigmaMax;

    /**
     * Forces a kernel ({@link Kernel#AUTO} restores the default choice).
     *
     * @param kernel the kernel to run
     * @return this layer
     */
    public DelayedLinear kernel(Kernel kernel) {
        this.choice = java.util.Objects.requireNonNull(kernel, "kernel");
        return this;
    }

    /**
     * The sparse-tap kernel's bound on the dropped share of each synapse's tap mass (default 1e-5).
     *
     * @param tolerance in (0, 1); smaller keeps more taps
     * @return this layer
     */
    public DelayedLinear sparseTolerance(double tolerance) {
        if (!(tolerance > 0 && tolerance < 1)) throw new IllegalArgumentException("DelayedLinear: the sparse tolerance must be in (0, 1), got " + tolerance);
        this.sparseTolerance = tolerance;
        return this;
    }

    /** The sparse-tap kernel's tolerance (see {@link #sparseTolerance(double)}). */
    public double sparseTolerance() { return sparseTolerance; }

    /** The kernel the next forward pass runs: the forced one, or {@link Kernel#AUTO}'s choice for the current mode and σ. */
    public Kernel activeKernel() {
        if (choice != Kernel.AUTO) return choice;
        if (!isTraining()) return Kernel.INTEGER;
        return sigmaMax() <= FLOOR_WITH_ROUNDING ? Kernel.SPARSE_TAPS : Kernel.GEMM;
    }

    /** max |σ|, read again only when σ's storage changed (the schedule's fill, a checkpoint load, a move to another device). */
    private double sigmaMax() {
        Tensor s = sigma.value();
        if (s != sigmaSeen || s.storage().version() != sigmaVersion) {
            try (var _ = Autograd.noGrad()) {
                sigmaMax = s.abs().amax().itemDouble();
            }
            sigmaSeen = s;
            sigmaVersion = s.storage().version();
        }
        return sigmaMax;
    }

    /** The sparse taps' radius for the current σ and tolerance: the bound holds for every synapse, the widest one included. */
    double sparseRadius() {
        return DelaySpec.gaussRadius(sigmaMax() + DelaySpec.GAUSS_WIDTH_OFFSET, sparseTolerance);
    }

    /**
     * The dense kernel of the reference path, from recorded operations: gauss while training, the max
     * version at the rounded positions in evaluation (§7).
     */
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
        Tensor w = weight.value(), p = positions.value(), s = sigma.value();
        boolean training = isTraining();
        return switch (activeKernel()) {
            case REFERENCE, AUTO -> correlate(x, kernel(), taps);
            case GEMM -> Delays.correlate(x, training ? Delays.kernel(DelaySpec.of(DelaySpec.Profile.GAUSS, taps), w, p, s)
                    : Delays.kernel(DelaySpec.of(DelaySpec.Profile.MAX, taps), w, DelayKernel.roundedPositions(p.detach(), taps), s.detach().zerosLike()));
            case SPARSE_TAPS -> training ? Delays.sparseTaps(x, w, p, s, new DelaySpec(DelaySpec.Profile.GAUSS, taps, sparseRadius()))
                    : Delays.sparseTaps(x, w, DelayKernel.roundedPositions(p.detach(), taps), s.detach().zerosLike(), new DelaySpec(DelaySpec.Profile.MAX, taps, 1));
            case INTEGER -> Delays.integerDelays(x, roundedWeight(), delays(), taps);
        };
    }

    /** {@code W/(1 + 1e-7)} as [Cout, Cin]: the one nonzero tap of the max kernel at an integer position (§7). */
    Tensor roundedWeight() { return weight.value().squeeze(-1).mul(1 / (1 + DelaySpec.NORMALISATION_EPSILON)); }

    /**
     * {@code y[t] = Σ_k x_pad[t + k] K[:, :, k]ᵀ} over time-major slices: D accumulated matrix
     * products on views of the padded input, with no im2col buffer (reference §13), all recorded.
     */
    static Tensor correlate(Tensor x, Tensor kernel, int taps) {
        return Delays.correlateComposed(x, kernel);
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
