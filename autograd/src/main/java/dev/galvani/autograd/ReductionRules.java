package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.GradMode;
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
        if (GradMode.isEnabled()) return g.mul(productOfOthers(x, dims));
        Tensor isZero = x.eq(0.0);
        Tensor safe = Tensor.where(isZero, 1.0, x);                 // zeros replaced by 1: no division by zero below
        Tensor nonZeroProduct = safe.prod(dims, true);
        Tensor zeros = isZero.to(x.dtype()).sum(dims, true);
        Tensor oneZeroHere = isZero.logicalAnd(zeros.eq(1.0));
        Tensor others = Tensor.where(zeros.eq(0.0), nonZeroProduct.div(safe), Tensor.where(oneZeroHere, nonZeroProduct, 0.0));
        return g.mul(others);
    }

    /**
     * For a recorded backward pass: the product of the other elements of each group, as one product
     * over an [..., m, m] expansion whose diagonal is 1 (m the group size). Costs m times the
     * input's memory, but it is a recorded product of x's elements, so its own derivative is right
     * at zeros too, where the division-free rule above is a constant.
     */
    private static Tensor productOfOthers(Tensor x, int[] dims) {
        int rank = x.dim();
        if (rank == 0) return x.onesLike();
        boolean[] reduced = new boolean[rank];
        for (int d : dims) reduced[d] = true;
        int[] perm = new int[rank], keptShape = new int[rank - dims.length];
        int k = 0, m = 1;
        for (int d = 0; d < rank; d++) if (!reduced[d]) { keptShape[k] = x.size(d); perm[k++] = d; }
        for (int d = 0; d < rank; d++) if (reduced[d]) { perm[k++] = d; m *= x.size(d); }
        int[] flat = java.util.Arrays.copyOf(keptShape, keptShape.length + 1);
        flat[keptShape.length] = m;
        Tensor groups = x.permute(perm).reshape(flat);                                   // [..., m]
        int[] square = java.util.Arrays.copyOf(flat, flat.length + 1);
        square[flat.length] = m;
        Tensor diagonal = Tensor.eye(DType.BOOL, x.device(), m, m);
        Tensor others = Tensor.where(diagonal, 1.0, groups.unsqueeze(-2).expand(square)).prod(-1, false);   // [..., m]
        int[] permuted = new int[rank];
        for (int d = 0; d < rank; d++) permuted[d] = x.size(perm[d]);
        return others.reshape(permuted).permute(Grads.inverse(perm));
    }

    /** amax/amin: the gradient is shared evenly by the elements equal to the extremum (PyTorch's rule for ties). */
    private static Tensor extremum(Node n, Tensor g, int[] dims) {
        Tensor x = n.input(0);
        Tensor hit = x.eq(n.output()).to(x.dtype());
        Tensor count = hit.sum(dims, true);
        return g.div(count).mul(hit);
    }
}
