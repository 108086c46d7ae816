package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.needs;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.Pool2dSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * Rules for 2-D convolution and pooling (1-D variants reach them through recorded views). The
 * gradients are the tensor module's own backward primitives: the input gradient of a convolution is
 * a transposed convolution of the output gradient with the weight, the weight gradient a
 * correlation of the input with the output gradient ({@link Convolution#conv2dInputGrad},
 * {@link Convolution#conv2dWeightGrad}); max pooling sends each output gradient to the recorded
 * position of its maximum, average pooling spreads it evenly over its window ({@link Pooling}).
 */
public final class ConvolutionRules implements DerivativeRules {

    @Override
    public Map<String, DerivativeRule> rules() {
        Map<String, DerivativeRule> r = new HashMap<>();
        // inputs (x [N, C, H, W], w [O, C / groups, kH, kW], and the bias [O] when there is one), arg 0 the spec
        r.put("conv2d", (n, g) -> {
            Conv2dSpec spec = (Conv2dSpec) n.arg(0);
            Tensor dx = needs(n, 0) ? Convolution.conv2dInputGrad(g, n.input(1), meta(n, 0).shape().dims(), spec) : null;
            Tensor dw = needs(n, 1) ? Convolution.conv2dWeightGrad(n.input(0), g, meta(n, 1).shape().dims(), spec) : null;
            if (n.inputCount() < 3) return of(dx, dw);
            Tensor db = needs(n, 2) ? g.sum(new int[]{0, 2, 3}, false) : null;     // y[n, o, i, j] = ... + b[o]
            return of(dx, dw, db);
        });
        // inputs (x [N, C, H, W], w [C, O / groups, kH, kW]), arg 0 the spec of the convolution it transposes:
        // y = A(w)^T x with A(w) the convolution, so dx = A(w) g = conv2d(g, w) and
        // dw = d<A(w) g, x>/dw = conv2dWeightGrad(input g, output gradient x).
        r.put("convTranspose2d", (n, g) -> {
            Conv2dSpec spec = (Conv2dSpec) n.arg(0);
            Tensor dx = needs(n, 0) ? Convolution.conv2d(g, n.input(1), null, spec) : null;
            Tensor dw = needs(n, 1) ? Convolution.conv2dWeightGrad(g, n.input(0), meta(n, 1).shape().dims(), spec) : null;
            return of(dx, dw);
        });
        // input x, args (spec, indices of the maxima)
        r.put("maxPool2d", (n, g) -> of(Pooling.maxPool2dBackward(g, (Tensor) n.arg(1), meta(n, 0).shape().dims(), (Pool2dSpec) n.arg(0))));
        // input x, arg 0 the spec
        r.put("avgPool2d", (n, g) -> of(Pooling.avgPool2dBackward(g, meta(n, 0).shape().dims(), (Pool2dSpec) n.arg(0))));
        return r;
    }
}
