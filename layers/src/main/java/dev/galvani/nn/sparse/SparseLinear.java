package dev.galvani.nn.sparse;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.F;
import dev.galvani.nn.Init;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * A linear layer with a fixed-shape connectivity mask, {@code y = x (W ⊙ M)ᵀ + b} (G2GNet, bio
 * reference §1.3): masked weights take no part in the forward pass and get no gradient (the
 * gradient of W ⊙ M is M times the upstream one). The mask is a buffer ({@code mask}, 0/1, saved in
 * the state dict) that {@link DynamicSparseTraining} rewires.
 *
 * <p>Initialisation (§1.3): kaiming-uniform with a = √5 (U(±1/√fan_in)), then each row's active
 * weights scaled by √(fan_in / active fan-in of the row), so every output sees the variance of a
 * dense row; the bias is U(±1/√(mean active fan-in)).
 *
 * <p>The kernel is a masked dense product: its cost is the dense layer's. With {@link #recordActivity}
 * on, the layer keeps the last batch's input and output (detached) for Hebbian regrowth.
 */
public final class SparseLinear extends Module implements SparseLayer {

    /** How the product is computed: both give the same numbers (to rounding). */
    public enum Kernel {
        /** {@code x (W ⊙ M)ᵀ} as a dense GEMM: the dense layer's cost at any sparsity. */
        MASKED_DENSE,
        /** From the nonzeros only ({@link CsrMatmul}: B · nnz multiply-adds; F32 on the CPU). */
        CSR
    }

    /** Input and output sizes. */
    public final int inFeatures, outFeatures;
    /** The weight [out, in] (zero where masked) and the bias [out] (null without one). */
    public final Parameter weight, bias;
    private Kernel kernel = Kernel.MASKED_DENSE;
    private CsrMatmul csr;
    private boolean recording;
    private Tensor lastInput, lastOutput;

    /** A layer with connectivity {@code mask} (0/1 or any nonzero, [out, in]), initialised as §1.3 says. */
    public SparseLinear(int inFeatures, int outFeatures, Tensor mask, boolean bias, Generator gen) {
        if (inFeatures <= 0 || outFeatures <= 0) throw new IllegalArgumentException("SparseLinear: feature counts must be positive");
        if (!java.util.Arrays.equals(mask.shape().dims(), new int[]{outFeatures, inFeatures}))
            throw new IllegalArgumentException("SparseLinear: the mask must be [" + outFeatures + ", " + inFeatures + "], got " + mask.shape());
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        Tensor m = mask.to(dev.galvani.tensor.DType.F32).ne(0.0).to(dev.galvani.tensor.DType.F32);
        float[] mv = m.toFloatArray();
        float[] w = Init.defaultWeight(gen, inFeatures, outFeatures, inFeatures).toFloatArray();
        long activeTotal = 0;
        for (int o = 0; o < outFeatures; o++) {
            int active = 0;
            for (int i = 0; i < inFeatures; i++) active += mv[o * inFeatures + i] != 0 ? 1 : 0;
            activeTotal += active;
            double scale = active == 0 ? 0 : Math.sqrt((double) inFeatures / active);
            for (int i = 0; i < inFeatures; i++) w[o * inFeatures + i] = mv[o * inFeatures + i] == 0 ? 0f : (float) (w[o * inFeatures + i] * scale);
        }
        this.weight = registerParameter("weight", Tensor.of(w, outFeatures, inFeatures));
        double meanFanIn = Math.max(1.0, (double) activeTotal / outFeatures);
        this.bias = bias ? registerParameter("bias", Init.uniform(gen, 1 / Math.sqrt(meanFanIn), outFeatures)) : null;
        registerBuffer("mask", m);
    }

    @Override public int outputs() { return outFeatures; }

    @Override public int inputs() { return inFeatures; }

    /** The 0/1 mask, F32 [out, in]. */
    @Override public Tensor mask() { return buffer("mask"); }

    @Override public Tensor connectionMagnitude() { return weight.value().detach().abs(); }

    @Override public Tensor connectionGradient() { return weight.grad() == null ? null : weight.grad().abs(); }

    /** Keeps (or stops keeping) the last batch's input and output for Hebbian scores. */
    @Override public void recordActivity(boolean on) {
        recording = on;
        if (!on) { lastInput = null; lastOutput = null; }
    }

    /** The last recorded input [B, in] (null before the first recorded forward). */
    @Override public Tensor lastInput() { return lastInput; }

    /** The last recorded output [B, out] (null before the first recorded forward). */
    @Override public Tensor lastOutput() { return lastOutput; }

    /** Chooses the kernel (default {@link Kernel#MASKED_DENSE}; {@code SparseKernelTiming} says which is faster per shape). */
    public SparseLinear kernel(Kernel k) {
        kernel = k;
        csr = null;
        return this;
    }

    /** The kernel in use. */
    public Kernel kernel() { return kernel; }

    @Override public Tensor forward(Tensor x) {
        Tensor y;
        if (kernel == Kernel.CSR && x.dtype() == dev.galvani.tensor.DType.F32 && x.device().isCpu()) {
            if (csr == null) csr = new CsrMatmul(mask().toFloatArray(), outFeatures, inFeatures);
            Tensor flat = x.reshape(-1, inFeatures);
            Tensor product = csr.apply(flat, weight.value());
            if (bias != null) product = product.add(bias.value());
            int[] shape = x.shape().dims();
            shape[shape.length - 1] = outFeatures;
            y = product.reshape(shape);
        } else {
            y = F.linear(x, weight.value().mul(mask()), bias == null ? null : bias.value());
        }
        if (recording) {
            lastInput = x.detach().reshape(-1, inFeatures);
            lastOutput = y.detach().reshape(-1, outFeatures);
        }
        return y;
    }

    /** Replaces the mask (same shape); weights of connections that are new start at 0 (bio §1.4). */
    @Override public void setMask(Tensor mask) {
        try (var _ = Autograd.noGrad()) {
            Tensor grown = mask.gt(0.0).logicalAnd(mask().eq(0.0));
            weight.value().copyFrom(Tensor.where(grown, 0.0, weight.value()));
            // The mask outlives the training step that rewired it: it belongs to no TensorScope.
            setBuffer("mask", dev.galvani.tensor.TensorScope.untracked(() -> mask.to(dev.galvani.tensor.DType.F32).clone()));
            csr = null;                                  // the pattern changed: rebuilt at the next forward
        }
    }

    @Override protected String extraRepr() {
        return "in_features=" + inFeatures + ", out_features=" + outFeatures + String.format(java.util.Locale.ROOT, ", density=%.4f", density());
    }
}
