package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.needs;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Tensor;

/**
 * Rules for 2-D convolution and pooling (1-D variants reach them through recorded views), and for
 * their gradients, which record themselves so that a recorded backward pass can be differentiated
 * again. Write A(w) for the convolution with weight w (linear in its input): conv2d is y = A(w) x,
 * its input gradient (and convTranspose2d) is A(w)^T g, and its weight gradient W(x, g) is the
 * bilinear form with {@code <W(x, g), u> = <A(u) x, g>}. Max pooling sends each output gradient to
 * the recorded position of its maximum; average pooling spreads it evenly over its window.
 */
public final class ConvolutionRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        // inputs (x [N, C, H, W], w [O, C / groups, kH, kW], and the bias [O] when there is one)
        r.add(Ops.Conv2d.class, (op, n, g) -> {
            Tensor dx = needs(n, 0) ? Convolution.conv2dInputGrad(g, n.input(1), meta(n, 0).shape().dims(), op.spec()) : null;
            Tensor dw = needs(n, 1) ? Convolution.conv2dWeightGrad(n.input(0), g, meta(n, 1).shape().dims(), op.spec()) : null;
            if (n.inputCount() < 3) return of(dx, dw);
            Tensor db = needs(n, 2) ? g.sum(new int[]{0, 2, 3}, false) : null;     // y[n, o, i, j] = ... + b[o]
            return of(dx, dw, db);
        });
        // y = A(w)^T x, inputs (x, w): dx = A(w) g = conv2d(g, w); dw: <A(w)^T x, g> = <x, A(w) g>, so dw = W(g, x).
        r.add(Ops.ConvTranspose2d.class, (op, n, g) -> of(
                needs(n, 0) ? Convolution.conv2d(g, n.input(1), null, op.spec()) : null,
                needs(n, 1) ? Convolution.conv2dWeightGrad(g, n.input(0), meta(n, 1).shape().dims(), op.spec()) : null));
        // W = W(x, g), inputs (x, g): <W(x, g), u> = <A(u) x, g> = <x, A(u)^T g>, so dx = A(u)^T g and dg = A(u) x.
        r.add(Ops.Conv2dWeightGrad.class, (op, n, u) -> of(
                needs(n, 0) ? Convolution.conv2dInputGrad(n.input(1), u, meta(n, 0).shape().dims(), op.spec()) : null,
                needs(n, 1) ? Convolution.conv2d(n.input(0), u, null, op.spec()) : null));
        r.add(Ops.MaxPool2d.class, (op, n, g) -> of(Pooling.maxPool2dBackward(g, op.indices(), meta(n, 0).shape().dims(), op.spec())));
        // The backward is linear in gradOut: its own gradient reads u back at the recorded positions.
        r.add(Ops.MaxPool2dBackward.class, (op, n, u) -> {
            Tensor idx = op.indices();
            int[] shape = idx.shape().dims();
            return of(u.reshape(shape[0], shape[1], -1).gather(2, idx.reshape(shape[0], shape[1], -1)).reshape(shape));
        });
        r.add(Ops.AvgPool2d.class, (op, n, g) -> of(Pooling.avgPool2dBackward(g, meta(n, 0).shape().dims(), op.spec())));
        r.add(Ops.AvgPool2dBackward.class, (op, n, u) -> of(Pooling.avgPool2d(u, op.spec())));
    }
}
