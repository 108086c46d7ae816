package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.needs;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Softmax;
import dev.galvani.tensor.Tensor;

/**
 * Softmax and log-softmax ({@link Ops.Softmax}) and their backward passes ({@link Ops.SoftmaxBackward}),
 * written with recorded operations so that derivatives of any order work. With y the forward output
 * and sums along the softmax dimension:
 * <ul>
 *   <li>softmax: the Jacobian is {@code diag(y) - y y^T}, so dx = y (g - sum(g y)), Softmax.softmaxBackward;
 *   <li>log-softmax: the Jacobian is {@code I - 1 exp(y)^T}, so dx = g - exp(y) sum(g);
 *   <li>softmax's backward b = y (g - s), s = sum(g y): db/dg is the same symmetric Jacobian, so
 *       dg = softmaxBackward(u, y); and dy = u (g - s) - g sum(u y);
 *   <li>log-softmax's backward b = g - exp(y) S, S = sum(g): dg = u - sum(u exp(y)) (the transposed
 *       Jacobian) and dy = -u exp(y) S.
 * </ul>
 */
public final class SoftmaxRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        r.add(Ops.Softmax.class, (op, n, g) -> of(op.log()
                ? Softmax.logSoftmaxBackward(g, n.output(), op.dim())
                : Softmax.softmaxBackward(g, n.output(), op.dim())));
        r.add(Ops.SoftmaxBackward.class, (op, n, u) -> {
            Tensor g = n.input(0), y = n.input(1);
            int d = op.dim();
            if (op.log()) {
                Tensor ey = y.exp();
                Tensor dg = needs(n, 0) ? u.sub(u.mul(ey).sum(d, true)) : null;
                Tensor dy = needs(n, 1) ? u.mul(ey).mul(g.sum(d, true)).neg() : null;
                return of(dg, dy);
            }
            Tensor dg = needs(n, 0) ? Softmax.softmaxBackward(u, y, d) : null;
            Tensor dy = needs(n, 1) ? u.mul(g.sub(g.mul(y).sum(d, true))).sub(g.mul(u.mul(y).sum(d, true))) : null;
            return of(dg, dy);
        });
    }
}
