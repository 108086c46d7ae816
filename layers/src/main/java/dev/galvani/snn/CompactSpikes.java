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
 * do the same): the graph holds a quarter of the bytes, and the backward unpacks it to the exact
 * same floats, so every gradient is bit for bit the ordinary layer's. The operations of the backward
 * are those of the ordinary derivative rules, call for call.
 *
 * <p>What it saves today: the bytes this layer saves for its backward (a quarter). What it does not
 * save yet: the float spikes themselves, because every recorded node still holds its inputs and
 * outputs (the neuron's node its spikes, the pooling node its input), and a step's
 * {@code TensorScope} owns them until the step ends. Once nodes keep only what their derivative
 * rules read, the float spikes die after the forward and the saving becomes the allocator's.
 */
public final class CompactSpikes {

    private CompactSpikes() {}

    /** Whether x holds only 0 and 1 (one pass, its temporaries released at once). */
    public static boolean isBinary(Tensor x) {
        if (!x.dtype().isFloatingPoint()) return false;
        try (var check = TensorScope.open(); var _ = GradMode.disable()) {
            return x.detach().eq(0.0).logicalOr(x.detach().eq(1.0)).all().itemBool();
        }
    }

    /** Whether the compact path applies: gradients are recorded, the weight wants one, and x is spikes. */
    static boolean applies(Tensor x, Tensor weight) {
        return GradMode.isEnabled() && weight.requiresGrad() && isBinary(x);
    }

    /** y = x Wᵀ + b for spikes x [M, in], keeping x as bytes for dL/dW. */
    public static Tensor linear(Tensor x, Tensor weight, Tensor bias) {
        if (x.dim() != 2) throw new IllegalArgumentException("CompactSpikes.linear: expects x [M, in], got " + x.shape());
        Linear f = new Linear(x, bias != null);
        return bias == null ? f.apply(x, weight) : f.apply(x, weight, bias);
    }

    /** conv2d(x, W, b) for spikes x [N, C, H, W], keeping x as bytes for dL/dW. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Conv2dSpec spec) {
        Conv f = new Conv(x, bias != null, spec);
        return bias == null ? f.apply(x, weight) : f.apply(x, weight, bias);
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
            if (ctx.needsInputGrad(0)) grads[0] = g3.bmm(w.T().reshape(1, k, n).transpose(1, 2)).reshape(m, k);
            if (ctx.needsInputGrad(1)) grads[1] = spikes(ctx).reshape(1, m, k).transpose(1, 2).bmm(g3).reshape(k, n).T();
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
            if (ctx.needsInputGrad(0)) grads[0] = Convolution.conv2dInputGrad(g, w, shape, spec);
            if (ctx.needsInputGrad(1)) grads[1] = Convolution.conv2dWeightGrad(spikes(ctx), g, w.shape().dims(), spec);
            if (inputs > 2 && ctx.needsInputGrad(2)) grads[2] = g.sum(new int[]{0, 2, 3}, false);
            return grads;
        }
    }
}
