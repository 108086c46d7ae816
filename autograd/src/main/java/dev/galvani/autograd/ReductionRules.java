package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Node;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;

/**
 * Rules for reductions and scans. The reductions are recorded with the reduced dimensions kept
 * (size 1; dropping them is a separate view), so the output gradient broadcasts against the input.
 */
public final class ReductionRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        r.add(Ops.Reduction.class, (op, n, g) -> of(switch (op.kind()) {
            case SUM -> g.expand(meta(n, 0).shape().dims());
            case PROD -> prod(n, g, op.dims());
            case AMAX, AMIN -> extremum(n, g, op.dims());
        }));
        // y_i = sum_{j <= i} x_j, so dx_j = sum_{i >= j} g_i: a cumulative sum taken from the end.
        r.add(Ops.Cumsum.class, (op, n, g) -> of(g.flip(op.dim()).cumsum(op.dim()).flip(op.dim())));
    }

    /**
     * d(prod x)/dx_i is the product of the other elements of x_i's group. Dividing the product by
     * x_i fails at zeros, so per group: no zero: prod / x_i; exactly one zero: the product of the
     * non-zero elements at the zero, 0 elsewhere; two or more zeros: 0 everywhere.
     */
    private static Tensor prod(Node n, Tensor g, int[] dims) {
        Tensor x = n.input(0);
        Tensor isZero = x.eq(0.0);
        Tensor safe = Tensor.where(isZero, 1.0, x);                 // zeros replaced by 1: no division by zero below
        Tensor nonZeroProduct = safe.prod(dims, true);
        Tensor zeros = isZero.to(x.dtype()).sum(dims, true);
        Tensor oneZeroHere = isZero.logicalAnd(zeros.eq(1.0));
        Tensor others = Tensor.where(zeros.eq(0.0), nonZeroProduct.div(safe), Tensor.where(oneZeroHere, nonZeroProduct, 0.0));
        return g.mul(others);
    }

    /** amax/amin: the gradient is shared evenly by the elements equal to the extremum (PyTorch's rule for ties). */
    private static Tensor extremum(Node n, Tensor g, int[] dims) {
        Tensor x = n.input(0);
        Tensor hit = x.eq(n.output()).to(x.dtype());
        Tensor count = hit.sum(dims, true);
        return g.div(count).mul(hit);
    }
}
