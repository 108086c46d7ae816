package dev.galvani.tensor;

import dev.galvani.tensor.backend.DelayKernels;
import dev.galvani.tensor.backend.DelaySpec;
import dev.galvani.tensor.backend.Operand;
import java.util.Arrays;
import java.util.Optional;

/**
 * Learnable synaptic delays (DCLS reference §2–§3, §7, §13): the dense delay kernel and its
 * causal correlation with a time-major sequence (the GEMM form), the sparse-tap layer and the
 * integer-delay layer with its streaming step. Each runs the device's {@link DelayKernels} and
 * records one op whose rule calls the family's backward; a device without the family, synapses
 * with several kernel elements (KC &gt; 1) and the {@code ...Composed} methods always run the same
 * math from recorded tensor operations, which autograd differentiates (and which the tests use as
 * the reference).
 *
 * <p>Shapes are the DCLS package's: weight {@code [Cout, Cin, KC]}, positions and σ
 * {@code [1, Cout, Cin, KC]} (σ may be null for V1 and V0), the kernel {@code [Cout, Cin, D]}, the
 * input {@code x [T, B, Cin]} and the output {@code [T + (D − 1)/2, B, Cout]}: time padded with
 * D − 1 zeros on the left (causal) and (D − 1)/2 on the right, tap k carrying delay D − 1 − k.
 */
public final class Delays {

    private Delays() {}

    // ---- dense kernel ------------------------------------------------------------------------------

    /** The kernel {@code [Cout, Cin, D] = Σ_c W n(P, σ)} (reference §2): fused where the device can, else composed. */
    public static Tensor kernel(DelaySpec spec, Tensor weight, Tensor positions, Tensor sigma) {
        checkSynapses("delay kernel", spec, weight, positions, sigma);
        Optional<DelayKernels> family = fused(spec, weight, positions, sigma);
        if (family.isEmpty()) return kernelComposed(spec, weight, positions, sigma);
        int cout = weight.size(0), cin = weight.size(1);
        Tensor k = Creation.uninitialized(weight.dtype(), weight.device(), cout, cin, spec.taps());
        family.get().buildKernel(view(weight, cout, cin), view(positions, cout, cin), sigmaView(spec, sigma, cout, cin), k.operand(), spec);
        return Tape.record(new Ops.DelayKernel(spec), k, weight, positions, spec.profile().usesSigma() ? sigma : null);
    }

    /** {@link #kernel} from recorded tensor operations. */
    public static Tensor kernelComposed(DelaySpec spec, Tensor weight, Tensor positions, Tensor sigma) {
        checkSynapses("delay kernel", spec, weight, positions, sigma);
        return normalisedTaps(spec, positions, sigma).mul(weight.unsqueeze(-1)).sum(2, false);     // Σ over the KC elements
    }

    /**
     * The gradients of {@link #kernel}'s inputs (weight, positions, σ; null where not needed) from
     * dL/dK, by the family's per-synapse reductions of reference §10.
     */
    public static Tensor[] kernelBackward(Ops.DelayKernel op, Tensor gradKernel, Tensor weight, Tensor positions, Tensor sigma,
                                          boolean needWeight, boolean needPositions, boolean needSigma) {
        int cout = weight.size(0), cin = weight.size(1);
        DelayKernels family = family(weight.device());
        Tensor dw = needWeight ? Creation.uninitialized(weight.dtype(), weight.device(), weight.shape.raw()) : null;
        Tensor dp = needPositions ? Creation.uninitialized(weight.dtype(), weight.device(), positions.shape.raw()) : null;
        Tensor ds = needSigma && sigma != null ? Creation.uninitialized(weight.dtype(), weight.device(), sigma.shape.raw()) : null;
        family.kernelBackward(view(gradKernel, cout, cin, op.spec().taps()), view(weight, cout, cin), view(positions, cout, cin),
                sigmaView(op.spec(), sigma, cout, cin), out(dw, cout, cin), out(dp, cout, cin), out(ds, cout, cin), op.spec());
        return new Tensor[]{dw, dp, ds};
    }

    // ---- the GEMM form -----------------------------------------------------------------------------

    /**
     * {@code y[t] = Σ_k x[t + k − (D − 1)] K[:, :, k]ᵀ}: x [T, B, Cin] and kernel [Cout, Cin, D] into
     * [T + (D − 1)/2, B, Cout], as D accumulated matrix products on time-major slices (reference §13).
     */
    public static Tensor correlate(Tensor x, Tensor kernel) {
        DelaySpec spec = checkCorrelate(x, kernel);
        Optional<DelayKernels> family = kernel.dtype() == x.dtype() && (x.dtype() == DType.F32 || x.dtype() == DType.F64)
                ? Backends.kernels(x.device(), DelayKernels.class) : Optional.empty();
        if (family.isEmpty()) return correlateComposed(x, kernel);
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = kernel.size(0);
        Tensor y = Creation.uninitialized(x.dtype(), x.device(), steps + spec.half(), batch, cout);
        family.get().correlate(view(x, steps, batch, cin), view(kernel, cout, cin, spec.taps()), y.operand(), spec);
        return Tape.record(new Ops.DelayCorrelate(spec), y, x, kernel);
    }

    /** {@link #correlate} from recorded operations: D matrix products on views of the padded input, summed. */
    public static Tensor correlateComposed(Tensor x, Tensor kernel) {
        DelaySpec spec = checkCorrelate(x, kernel);
        int taps = spec.taps(), half = spec.half(), steps = x.size(0);
        Tensor padded = x.pad(0, 0, 0, 0, taps - 1, half);                  // [T + D − 1 + half, B, Cin]
        Tensor y = null;
        for (int k = 0; k < taps; k++) {
            Tensor term = padded.narrow(0, k, steps + half).matmul(kernel.select(2, k).T());
            y = y == null ? term : y.add(term);
        }
        return y;
    }

    /** dx and dK of {@link #correlate} (null where not needed). */
    public static Tensor[] correlateBackward(Ops.DelayCorrelate op, Tensor gradOut, Tensor x, Tensor kernel, boolean needX, boolean needKernel) {
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = kernel.size(0), taps = op.spec().taps();
        Tensor dx = needX ? Creation.uninitialized(x.dtype(), x.device(), x.shape.raw()) : null;
        Tensor dk = needKernel ? Creation.uninitialized(x.dtype(), x.device(), kernel.shape.raw()) : null;
        family(x.device()).correlateBackward(view(gradOut, steps + op.spec().half(), batch, cout), view(x, steps, batch, cin),
                view(kernel, cout, cin, taps), out(dx, steps, batch, cin), out(dk, cout, cin, taps), op.spec());
        return new Tensor[]{dx, dk};
    }

    // ---- sparse taps -------------------------------------------------------------------------------

    /**
     * The delay layer with each synapse's taps limited to {@code |k − μ| ≤ spec.radius()} (the
     * kernel of {@link #kernel} with the other taps set to zero, normalisation unchanged), applied to
     * x [T, B, Cin]; every kept tap costs what one linear layer does.
     */
    public static Tensor sparseTaps(Tensor x, Tensor weight, Tensor positions, Tensor sigma, DelaySpec spec) {
        checkSynapses("sparse delay taps", spec, weight, positions, sigma);
        checkInput("sparse delay taps", x, weight);
        Optional<DelayKernels> family = x.dtype() == weight.dtype() ? fused(spec, weight, positions, sigma) : Optional.empty();
        if (family.isEmpty()) return sparseTapsComposed(x, weight, positions, sigma, spec);
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = weight.size(0);
        Tensor y = Creation.uninitialized(x.dtype(), x.device(), steps + spec.half(), batch, cout);
        family.get().sparseForward(view(x, steps, batch, cin), view(weight, cout, cin), view(positions, cout, cin),
                sigmaView(spec, sigma, cout, cin), y.operand(), spec);
        return Tape.record(new Ops.DelaySparseTaps(spec), y, x, weight, positions, spec.profile().usesSigma() ? sigma : null);
    }

    /** {@link #sparseTaps} from recorded operations: the composed kernel times the window mask, then {@link #correlateComposed}. */
    public static Tensor sparseTapsComposed(Tensor x, Tensor weight, Tensor positions, Tensor sigma, DelaySpec spec) {
        checkSynapses("sparse delay taps", spec, weight, positions, sigma);
        checkInput("sparse delay taps", x, weight);
        Tensor taps = normalisedTaps(spec, positions, sigma);
        if (!spec.keepsAllTaps()) {
            Tensor mask;
            try (var _ = GradMode.disable()) {
                mask = tapOffsets(spec, positions.detach()).abs().le(spec.radius()).to(weight.dtype());
            }
            taps = taps.mul(mask);
        }
        return correlateComposed(x, taps.mul(weight.unsqueeze(-1)).sum(2, false));
    }

    /** dx, dW, dP, dσ of {@link #sparseTaps} (null where not needed). */
    public static Tensor[] sparseTapsBackward(Ops.DelaySparseTaps op, Tensor gradOut, Tensor x, Tensor weight, Tensor positions, Tensor sigma,
                                              boolean needX, boolean needWeight, boolean needPositions, boolean needSigma) {
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = weight.size(0);
        DelaySpec spec = op.spec();
        Tensor dx = needX ? Creation.uninitialized(x.dtype(), x.device(), x.shape.raw()) : null;
        Tensor dw = needWeight ? Creation.uninitialized(x.dtype(), x.device(), weight.shape.raw()) : null;
        Tensor dp = needPositions ? Creation.uninitialized(x.dtype(), x.device(), positions.shape.raw()) : null;
        Tensor ds = needSigma && sigma != null ? Creation.uninitialized(x.dtype(), x.device(), sigma.shape.raw()) : null;
        family(x.device()).sparseBackward(view(gradOut, steps + spec.half(), batch, cout), view(x, steps, batch, cin), view(weight, cout, cin),
                view(positions, cout, cin), sigmaView(spec, sigma, cout, cin), out(dx, steps, batch, cin), out(dw, cout, cin), out(dp, cout, cin),
                out(ds, cout, cin), spec);
        return new Tensor[]{dx, dw, dp, ds};
    }

    // ---- integer delays ----------------------------------------------------------------------------

    /**
     * {@code y[t, b, o] = Σ_i W[o, i] x[t − d[o, i], b, i]} for t in [0, T + (D − 1)/2), x read as
     * zero outside [0, T) (reference §7, §13): weight [Cout, Cin], delays [Cout, Cin] integers in
     * [0, D). The cost of one linear layer; differentiable in x and W.
     */
    public static Tensor integerDelays(Tensor x, Tensor weight, Tensor delays, int taps) {
        DelaySpec spec = checkInteger(x, weight, delays, taps);
        Optional<DelayKernels> family = x.dtype() == weight.dtype() && (x.dtype() == DType.F32 || x.dtype() == DType.F64)
                ? Backends.kernels(x.device(), DelayKernels.class) : Optional.empty();
        if (family.isEmpty()) return integerDelaysComposed(x, weight, delays, taps);
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = weight.size(0);
        Tensor d = delays.to(DType.I32).detach();
        Tensor y = Creation.uninitialized(x.dtype(), x.device(), steps + spec.half(), batch, cout);
        family.get().integerForward(view(x, steps, batch, cin), view(weight, cout, cin), view(d, cout, cin), y.operand(), spec);
        return Tape.record(new Ops.DelayIntegerDelays(spec, d), y, x, weight);
    }

    /** {@link #integerDelays} from recorded operations: a one-hot kernel at tap {@code D − 1 − d}, then {@link #correlateComposed}. */
    public static Tensor integerDelaysComposed(Tensor x, Tensor weight, Tensor delays, int taps) {
        checkInteger(x, weight, delays, taps);
        Tensor oneHot;
        try (var _ = GradMode.disable()) {
            Tensor tap = delays.to(DType.I64).neg().add((long) (taps - 1)).unsqueeze(-1);
            oneHot = Tensor.arange(0, taps, 1, x.device()).eq(tap).to(weight.dtype());
        }
        return correlateComposed(x, oneHot.mul(weight.unsqueeze(-1)));
    }

    /** dx and dW of {@link #integerDelays} (null where not needed). */
    public static Tensor[] integerDelaysBackward(Ops.DelayIntegerDelays op, Tensor gradOut, Tensor x, Tensor weight, boolean needX, boolean needWeight) {
        int steps = x.size(0), batch = x.size(1), cin = x.size(2), cout = weight.size(0);
        DelaySpec spec = op.spec();
        Tensor dx = needX ? Creation.uninitialized(x.dtype(), x.device(), x.shape.raw()) : null;
        Tensor dw = needWeight ? Creation.uninitialized(x.dtype(), x.device(), weight.shape.raw()) : null;
        family(x.device()).integerBackward(view(gradOut, steps + spec.half(), batch, cout), view(x, steps, batch, cin), view(weight, cout, cin),
                view(op.delays(), cout, cin), out(dx, steps, batch, cin), out(dw, cout, cin), spec);
        return new Tensor[]{dx, dw};
    }

    /**
     * One step of the streaming form, not recorded: {@code out[b, o] = Σ_i W[o, i] ring[(newest − d[o, i]) mod D, i, b]}
     * with {@code ring [D, Cin, B]} holding the last D inputs (the current one in slot {@code newest});
     * returns [B, Cout].
     */
    public static Tensor integerStep(Tensor ring, int newest, Tensor weight, Tensor delays, int taps) {
        if (ring.dim() != 3 || ring.size(0) != taps || weight.dim() != 2 || ring.size(1) != weight.size(1))
            throw new IllegalArgumentException("integer delay step: the ring must be [D = " + taps + ", Cin, B] and the weight [Cout, Cin], got "
                    + ring.shape() + " and " + weight.shape());
        if (!Arrays.equals(delays.shape().dims(), weight.shape().dims()))
            throw new IllegalArgumentException("integer delay step: delays " + delays.shape() + " must have the weight's shape " + weight.shape());
        Backends.of("integer delay step", ring, weight, delays);
        int cin = ring.size(1), batch = ring.size(2), cout = weight.size(0), slot = Math.floorMod(newest, taps);
        try (var _ = GradMode.disable()) {
            Optional<DelayKernels> family = ring.dtype() == weight.dtype() && (ring.dtype() == DType.F32 || ring.dtype() == DType.F64)
                    ? Backends.kernels(ring.device(), DelayKernels.class) : Optional.empty();
            if (family.isEmpty()) {
                // Composed: each synapse's input row gathered from its slot, weighted, summed over the inputs.
                Tensor back = delays.to(DType.I64).neg().add((long) slot);                 // slot − d, in (−D, D)
                Tensor slots = back.add(back.lt(0L).to(DType.I64).mul((long) taps));
                Tensor rows = slots.mul((long) cin).add(Tensor.arange(0, cin, 1, ring.device()));
                Tensor picked = ring.reshape(taps * cin, batch).indexSelect(0, rows.reshape(-1)).reshape(cout, cin, batch);
                return picked.mul(weight.unsqueeze(-1)).sum(1, false).T().contiguous();
            }
            Tensor y = Creation.uninitialized(ring.dtype(), ring.device(), batch, cout);
            family.get().integerStep(view(ring, taps, cin, batch), slot, view(weight, cout, cin), view(delays.to(DType.I32), cout, cin), y.operand(),
                    DelaySpec.of(DelaySpec.Profile.MAX, taps));
            return y;
        }
    }

    // ---- shared --------------------------------------------------------------------------------------

    /** n_k per synapse element [Cout, Cin, KC, D] from recorded operations (reference §2). */
    private static Tensor normalisedTaps(DelaySpec spec, Tensor positions, Tensor sigma) {
        DType dtype = positions.dtype();
        Tensor mu = positions.squeeze(0).add(spec.taps() / 2).unsqueeze(-1);       // [Cout, Cin, KC, 1]
        Tensor k = Tensor.arange(dtype, 0, spec.taps(), 1).to(positions.device());
        Tensor offset = k.sub(mu);                                                  // k − μ
        Tensor profile = switch (spec.profile()) {
            case GAUSS -> {
                Tensor s = sigma.squeeze(0).abs().add(DelaySpec.GAUSS_WIDTH_OFFSET).unsqueeze(-1);
                yield offset.square().div(s.square().mul(-2.0)).exp();
            }
            case MAX -> sigma.squeeze(0).abs().add(1.0).unsqueeze(-1).sub(offset.abs()).clampMin(0);
            case V1 -> offset.abs().rsub(1.0).clampMin(0);
            case V0 -> {
                // Bilinear: the two taps around μ get 1 − frac and frac (frac = μ − ⌊μ⌋); the
                // weights are differentiable in μ, the tap indices are not.
                Tensor floor = mu.floor().detach();
                Tensor frac = mu.sub(floor);
                Tensor lower = k.sub(floor).eq(0.0).to(dtype), upper = k.sub(floor).eq(1.0).to(dtype);
                yield lower.mul(frac.rsub(1.0)).add(upper.mul(frac));
            }
        };
        return profile.div(profile.sum(-1, true).add(DelaySpec.NORMALISATION_EPSILON));
    }

    /** {@code k − μ} per synapse element and tap, [Cout, Cin, KC, D]. */
    private static Tensor tapOffsets(DelaySpec spec, Tensor positions) {
        Tensor mu = positions.squeeze(0).add(spec.taps() / 2).unsqueeze(-1);
        return Tensor.arange(positions.dtype(), 0, spec.taps(), 1).to(positions.device()).sub(mu);
    }

    /** The device's family when the fused kernels apply: one kernel element per synapse, F32 or F64 throughout. */
    private static Optional<DelayKernels> fused(DelaySpec spec, Tensor weight, Tensor positions, Tensor sigma) {
        DType dt = weight.dtype();
        boolean sameType = positions.dtype() == dt && (!spec.profile().usesSigma() || sigma.dtype() == dt);
        if (weight.size(2) != 1 || !sameType || (dt != DType.F32 && dt != DType.F64)) return Optional.empty();
        return Backends.kernels(weight.device(), DelayKernels.class);
    }

    private static DelayKernels family(Device device) {
        return Backends.kernels(device, DelayKernels.class).orElseThrow(
                () -> new IllegalStateException("delays: " + device + " has no DelayKernels, so no fused delay op was recorded there"));
    }

    /** t's values as a contiguous operand of the given shape (a copy when t is laid out otherwise). */
    private static Operand view(Tensor t, int... shape) {
        Tensor d;
        try (var _ = GradMode.disable()) {
            d = t.isContiguous() ? t.detach() : t.clone();
        }
        Operand o = d.operand();
        return o.withLayout(shape, Shape.of(shape).contiguousStrides(), o.offset());
    }

    private static Operand sigmaView(DelaySpec spec, Tensor sigma, int cout, int cin) {
        return spec.profile().usesSigma() ? view(sigma, cout, cin) : null;
    }

    /** A freshly allocated output as an operand of the given shape, or null. */
    private static Operand out(Tensor t, int... shape) { return t == null ? null : Operand.contiguous(t.storage, shape); }

    private static void checkSynapses(String op, DelaySpec spec, Tensor weight, Tensor positions, Tensor sigma) {
        if (spec == null) throw new IllegalArgumentException(op + ": spec is null");
        if (weight.dim() != 3) throw new IllegalArgumentException(op + ": weight must be [Cout, Cin, KC], got " + weight.shape());
        int[] w = weight.shape().dims();
        int[] expected = {1, w[0], w[1], w[2]};
        if (!Arrays.equals(positions.shape().dims(), expected))
            throw new IllegalArgumentException(op + ": positions must be " + Arrays.toString(expected) + " (1, Cout, Cin, KC), got " + positions.shape());
        if (spec.profile().usesSigma()) {
            if (sigma == null) throw new IllegalArgumentException(op + ": the " + spec.profile() + " profile needs sigma");
            if (!Arrays.equals(sigma.shape().dims(), expected))
                throw new IllegalArgumentException(op + ": sigma must be " + Arrays.toString(expected) + ", got " + sigma.shape());
        }
        if (!weight.dtype().isFloatingPoint()) throw new IllegalArgumentException(op + ": needs floating-point tensors, got " + weight.dtype());
        Backends.of(op, weight, positions, sigma);
    }

    private static void checkInput(String op, Tensor x, Tensor weight) {
        if (x.dim() != 3 || x.size(2) != weight.size(1))
            throw new IllegalArgumentException(op + ": the input must be [T, B, " + weight.size(1) + "], got " + x.shape());
        Backends.of(op, x, weight);
    }

    private static DelaySpec checkCorrelate(Tensor x, Tensor kernel) {
        if (kernel.dim() != 3) throw new IllegalArgumentException("delay correlate: the kernel must be [Cout, Cin, D], got " + kernel.shape());
        if (x.dim() != 3 || x.size(2) != kernel.size(1))
            throw new IllegalArgumentException("delay correlate: the input must be [T, B, " + kernel.size(1) + "], got " + x.shape());
        Backends.of("delay correlate", x, kernel);
        return DelaySpec.of(DelaySpec.Profile.GAUSS, kernel.size(2));
    }

    private static DelaySpec checkInteger(Tensor x, Tensor weight, Tensor delays, int taps) {
        if (weight.dim() != 2) throw new IllegalArgumentException("integer delays: the weight must be [Cout, Cin], got " + weight.shape());
        if (!Arrays.equals(delays.shape().dims(), weight.shape().dims()))
            throw new IllegalArgumentException("integer delays: delays " + delays.shape() + " must have the weight's shape " + weight.shape());
        if (delays.dtype().isFloatingPoint() || delays.dtype() == DType.BOOL)
            throw new IllegalArgumentException("integer delays: delays must be integers, got " + delays.dtype());
        checkInput("integer delays", x, weight);
        Backends.of("integer delays", x, weight, delays);
        return DelaySpec.of(DelaySpec.Profile.MAX, taps);
    }
}
