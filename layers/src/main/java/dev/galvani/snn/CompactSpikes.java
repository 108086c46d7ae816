package dev.galvani.snn;

import dev.galvani.autograd.Context;
import dev.galvani.autograd.Function;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;

/**
 * Linear and convolution layers whose input is spikes (every element 0 or 1) keep that input for
 * their weight gradient as one byte per element instead of a float (SpikingJelly's spike-op layers
 * do the same), and give the float spikes back once consumed: the backward unpacks the bytes to the
 * exact same floats, so every gradient is bit for bit the ordinary layer's (the operations of the
 * backward are those of the ordinary derivative rules, call for call).
 *
 * <p>The saving is made deterministic, not left to the garbage collector: after the layer has made
 * its byte copy, the float input's memory goes back to the allocator at once
 * ({@link TensorScope#releaseUnread}) when no pending derivative rule reads its values (the neuron's
 * rule reads the membrane, not the spikes; views, flattening and max pooling read only shapes;
 * this layer's rule reads its byte copy), the step's innermost scope owns it and the input covers
 * its whole storage. That saves 3 bytes per spike element (4 for the float, less 1 for the byte)
 * for the whole forward and backward. Otherwise (parameters, tensors of an enclosing scope or of
 * none, spikes a derivative rule still reads) nothing is released and only the byte copy differs.
 * {@link MultiStep} gives the input of max pooling back the same way (that rule reads only the
 * positions of the maxima, so nothing is kept: 4 bytes per element, and no 0/1 check is needed). A later read of released spikes
 * fails with a message that names the consuming layer and suggests turning
 * {@link MultiStep#compactSpikes} off.
 */
public final class CompactSpikes {

    private CompactSpikes() {}

    /** Elements checked at a time by {@link #isBinary}: its temporary stays at most this many floats. */
    private static final long CHECK_CHUNK = 1 << 20;

    /**
     * Whether x holds only 0 and 1. x (x − 1) is exactly zero for those two values and for no other
     * float (nonzero factors, and no underflow: |x − 1| ≥ 2^-24 near 1, ≈ 1 near 0; NaN and
     * infinities stay nonzero), so x holds spikes when that product's largest and smallest elements
     * are both 0. Checked in chunks along the first dimension, each chunk's temporary released
     * before the next: the check never holds more than one chunk, whatever the size of x (during the
     * forward, when the activations are nearly all alive, a temporary the size of x would raise the
     * very peak compact spikes lower).
     */
    public static boolean isBinary(Tensor x) {
        if (!x.dtype().isFloatingPoint()) return false;
        if (x.numel() == 0) return true;
        try (var _ = GradMode.disable()) {
            Tensor rows = x.dim() == 0 ? x.detach().reshape(1) : x.detach();
            long perRow = rows.numel() / rows.size(0);
            int step = (int) Math.max(1, Math.min(rows.size(0), CHECK_CHUNK / Math.max(1, perRow)));
            for (int start = 0; start < rows.size(0); start += step) {
                try (var chunk = TensorScope.open()) {
                    Tensor c = rows.narrow(0, start, Math.min(step, rows.size(0) - start));
                    Tensor product = c.sub(1.0).mulInPlace(c);
                    if (product.amax().itemDouble() != 0 || product.amin().itemDouble() != 0) return false;
                }
            }
            return true;
        }
    }

    /** Whether the compact path applies: gradients are recorded, the weight wants one, and x is spikes. */
    static boolean applies(Tensor x, Tensor weight) {
        return GradMode.isEnabled() && weight.requiresGrad() && isBinary(x);
    }

    /**
     * y = x Wᵀ + b for spikes x [M, in], keeping x as bytes for dL/dW; x's memory is given back once
     * consumed when no graph reads it (see the class comment), so x must not be read afterwards.
     */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (x.dim() != 2) throw new IllegalArgumentException("CompactSpikes.linear: expects x [M, in], got " + x.shape());
        Linear f = new Linear(x, bias != null);
        Tensor y = bias == null ? f.apply(x, weight) : f.apply(x, weight, bias);
        releaseConsumed(x, "Linear");
        return y;
    }

    /**
     * conv2d(x, W, b) for spikes x [N, C, H, W], keeping x as bytes for dL/dW; x's memory is given
     * back once consumed when no graph reads it (see the class comment), so x must not be read afterwards.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dSpec spec) {
        Conv f = new Conv(x, bias != null, spec);
        Tensor y = bias == null ? f.apply(x, weight) : f.apply(x, weight, bias);
        releaseConsumed(x, "Conv2d");
        return y;
    }

    /**
     * Gives the consumed float spikes back when that is safe ({@link TensorScope#releaseUnread});
     * returns the bytes. {@code layer} names the consumer in the error a later read gets.
     */
    static long releaseConsumed(Tensor x, String layer) {
        return TensorScope.releaseUnread(x, "this tensor " + x.shape() + " was given back after a compact-spike " + layer
                + " consumed it (with MultiStep.compactSpikes(true) no recorded rule reads it afterwards); to read it after that layer, "
                + "turn compactSpikes off for it or clone it before it");
    }

    /** One call's facts about its input (a Function object per call, so fields are per call). */
    private abstract static class SpikeInput extends Function {
        final DType dtype;
        final int[] shape;
        final int inputs;

        SpikeInput(Tensor x, boolean bias) {
            this.dtype = x.dtype();
            this.shape = x.shape().dims();
            this.inputs = bias ? 3 : 2;
        }

        /** The spikes, back as the floats they were. */
        Tensor spikes(Context ctx) { return ctx.saved(0).to(dtype); }

        /**
         * The weight gradient, computed first and, in a plain backward, with the unpacked spikes given
         * back as soon as it is made: the float copy and the input gradient are then never alive
         * together, so the backward's peak is the ordinary rule's. A recorded backward keeps the copy
         * (its graph reads it for second derivatives).
         */
        static Tensor weightGrad(java.util.function.Supplier<Tensor> compute) {
            if (GradMode.isEnabled()) return compute.get();
            try (var unpacked = TensorScope.open()) {
                return unpacked.keep(compute.get());
            }
        }
    }

    private static final class Linear extends SpikeInput {
        Linear(Tensor x, boolean bias) { super(x, bias); }

        @Override protected Tensor forward(Context ctx, Tensor... in) {
            Tensor x = in[0], w = in[1];
            ctx.saveForBackward(x.to(DType.BOOL), w);
            Tensor y = x.matmul(w.T());
            return in.length > 2 ? y.add(in[2]) : y;
        }

        @Override protected Tensor[] backward(Context ctx, Tensor g) {
            Tensor w = ctx.saved(1);
            int m = shape[0], k = shape[1], n = w.size(0);
            // The Matmul rule on x.matmul(wᵀ) as LinearAlgebra records it ([1, M, K] x [1, K, N]), then the view rules.
            Tensor g3 = g.reshape(1, m, n);
            Tensor[] grads = new Tensor[inputs];
            if (ctx.needsInputGrad(1)) grads[1] = weightGrad(() -> spikes(ctx).reshape(1, m, k).transpose(1, 2).bmm(g3).reshape(k, n).T());
            if (ctx.needsInputGrad(0)) grads[0] = g3.bmm(w.T().reshape(1, k, n).transpose(1, 2)).reshape(m, k);
            if (inputs > 2 && ctx.needsInputGrad(2)) grads[2] = g.sum(new int[]{0}, true).reshape(n);
            return grads;
        }
    }

    private static final class Conv extends SpikeInput {
        private final Conv2dSpec spec;

        Conv(Tensor x, boolean bias, Conv2dSpec spec) {
            super(x, bias);
            this.spec = spec;
        }

        @Override protected Tensor forward(Context ctx, Tensor... in) {
            ctx.saveForBackward(in[0].to(DType.BOOL), in[1]);
            return Convolution.conv2d(in[0], in[1], in.length > 2 ? in[2] : null, spec);
        }

        @Override protected Tensor[] backward(Context ctx, Tensor g) {
            Tensor w = ctx.saved(1);
            Tensor[] grads = new Tensor[inputs];          // as the Conv2d rule computes them
            if (ctx.needsInputGrad(1)) grads[1] = weightGrad(() -> Convolution.conv2dWeightGrad(spikes(ctx), g, w.shape().dims(), spec));
            if (ctx.needsInputGrad(0)) grads[0] = Convolution.conv2dInputGrad(g, w, shape, spec);
            if (inputs > 2 && ctx.needsInputGrad(2)) grads[2] = g.sum(new int[]{0, 2, 3}, false);
            return grads;
        }
    }
}
