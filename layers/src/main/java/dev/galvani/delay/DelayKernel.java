package dev.galvani.delay;

import dev.galvani.tensor.Delays;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.DelaySpec;

/**
 * Builds the dense delay kernel of a DCLS layer from its weights, positions and widths: each synapse's
 * continuous position {@code P} is interpolated onto the {@code D} integer taps of a 1-D convolution
 * over time (DCLS reference §2, {@code ConstructKernel1d}).
 *
 * <p>Shapes follow the DCLS package, so checkpoints read the same: weight {@code [Cout, Cin, KC]},
 * positions and widths {@code [1, Cout, Cin, KC]}; the kernel is {@code [Cout, Cin, D]}, the sum over
 * the KC elements of each synapse. Per synapse and element, with {@code μ = P + ⌊D/2⌋}:
 * <ul>
 *   <li>{@link Version#GAUSS}: {@code g_k = exp(−(k − μ)² / (2 s²))}, {@code s = |σ| + 0.27}</li>
 *   <li>{@link Version#MAX}: {@code g_k = max(0, |σ| + 1 − |k − μ|)}; one-hot at an integer μ when σ = 0</li>
 *   <li>{@link Version#V1}: {@code g_k = max(0, 1 − |k − μ|)}</li>
 *   <li>{@link Version#V0}: bilinear between taps {@code ⌊μ⌋} and {@code ⌊μ⌋ + 1}</li>
 * </ul>
 * then {@code n_k = g_k / (Σ_j g_j + 1e-7)} and {@code K[o, i, k] = Σ_c W[o, i, c] n_k}.
 *
 * <p>The kernel is built from recorded tensor operations ({@link Delays#kernelComposed}), so
 * autograd differentiates it: the gradients with respect to W, P and σ are those of reference §10
 * (tested against the analytic formulas and central differences in F64). This is the reference the
 * fused kernels of {@link dev.galvani.tensor.backend.DelayKernels} are tested against, and what
 * {@link DelayedLinear} runs with {@link DelayedLinear.Kernel#REFERENCE}.
 */
public final class DelayKernel {

    /** How a position is spread over the taps (reference §2). */
    public enum Version {
        /** A gaussian of width {@code |σ| + 0.27} around μ (DCLS's default, used for training). */
        GAUSS,
        /** A triangle of half-width {@code |σ| + 1} around μ; one-hot at an integer μ when σ = 0. */
        MAX,
        /** A triangle of half-width 1 around μ; σ is ignored. */
        V1,
        /** Bilinear interpolation between the two taps around μ; σ is ignored. */
        V0;

        /** The same profile as the tensor module's kernels name it. */
        public DelaySpec.Profile profile() { return DelaySpec.Profile.valueOf(name()); }
    }

    /** The width offset of the gauss version, hard-coded in DCLS: {@code s = |σ| + 0.27}. */
    public static final double GAUSS_WIDTH_OFFSET = DelaySpec.GAUSS_WIDTH_OFFSET;
    /** Added to each synapse's tap sum before normalising (DCLS). */
    public static final double NORMALISATION_EPSILON = DelaySpec.NORMALISATION_EPSILON;

    private DelayKernel() {}

    /**
     * The kernel {@code [Cout, Cin, D]}.
     *
     * @param weight    {@code [Cout, Cin, KC]}
     * @param positions {@code [1, Cout, Cin, KC]}, in taps relative to the centre: {@code [−⌊D/2⌋, ⌊D/2⌋]}
     * @param sigma     {@code [1, Cout, Cin, KC]}; ignored by V1 and V0 (may be null there)
     * @param taps      D, the kernel length (odd)
     */
    public static Tensor build(Version version, Tensor weight, Tensor positions, Tensor sigma, int taps) {
        check(version, weight, positions, sigma, taps);
        return Delays.kernelComposed(DelaySpec.of(version.profile(), taps), weight, positions, sigma);
    }

    /**
     * SNN-delays' initial positions (reference §5) [1, out, in, 1]: uniform on [−D//2, ⌊D/2⌋) with
     * Python's floor division, one step below the clamp limit, then clamped to [−⌊D/2⌋, ⌊D/2⌋].
     */
    static Tensor initialPositions(dev.galvani.tensor.Generator gen, int out, int in, int taps) {
        int half = taps / 2;
        double low = Math.floorDiv(-taps, 2);
        return Tensor.rand(gen, 1, out, in, 1).mul(half - low).add(low).clamp(-half, half);
    }

    /** Positions rounded half to even and clamped: the integer delays evaluation uses (reference §7). */
    static Tensor roundedPositions(Tensor positions, int taps) {
        int half = taps / 2;
        return positions.round().clamp(-half, half);
    }

    /** Clamps positions to [−⌊D/2⌋, ⌊D/2⌋] in place, without recording (SNN-delays' {@code clamp_parameters}). */
    static void clampInPlace(Tensor positions, int taps) {
        int half = taps / 2;
        try (var _ = dev.galvani.autograd.Autograd.noGrad()) {
            positions.copyFrom(positions.clamp(-half, half));
        }
    }

    private static void check(Version version, Tensor weight, Tensor positions, Tensor sigma, int taps) {
        if (taps < 1 || taps % 2 == 0) throw new IllegalArgumentException("DelayKernel: the kernel length D must be odd and positive, got " + taps);
        if (weight.dim() != 3) throw new IllegalArgumentException("DelayKernel: weight must be [Cout, Cin, KC], got " + weight.shape());
        int[] w = weight.shape().dims();
        int[] expected = {1, w[0], w[1], w[2]};
        if (!java.util.Arrays.equals(positions.shape().dims(), expected))
            throw new IllegalArgumentException("DelayKernel: positions must be " + java.util.Arrays.toString(expected) + " (1, Cout, Cin, KC), got " + positions.shape());
        if (version == Version.GAUSS || version == Version.MAX) {
            if (sigma == null) throw new IllegalArgumentException("DelayKernel: the " + version + " version needs sigma");
            if (!java.util.Arrays.equals(sigma.shape().dims(), expected))
                throw new IllegalArgumentException("DelayKernel: sigma must be " + java.util.Arrays.toString(expected) + ", got " + sigma.shape());
        }
    }
}
