package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;

/**
 * Rules for operations that re-describe memory (views) and for the copies that rearrange it. Each
 * gradient is the output gradient put back where the input's elements were; positions the op did
 * not read get zero. Every rule is made of recorded operations (padding, scatters), so it can be
 * differentiated again.
 */
public final class ViewRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        r.add(Ops.View.class, (op, n, g) -> of(g.reshape(meta(n, 0).shape().dims())));
        r.add(Ops.Permute.class, (op, n, g) -> of(g.permute(Grads.inverse(op.dims()))));
        r.add(Ops.Expand.class, (op, n, g) -> of(Grads.sumToShape(g, meta(n, 0).shape())));
        r.add(Ops.Slice.class, (op, n, g) -> {
            Tensor x = meta(n, 0);
            int dim = op.dim(), start = op.start(), step = op.step(), length = g.size(dim), size = x.size(dim);
            if (step == 1 || length <= 1) return of(padAlong(g, dim, start, size - start - length));
            // x[start::step]: every step-th position from start receives its gradient.
            int[] shape = new int[g.dim()];
            java.util.Arrays.fill(shape, 1);
            shape[dim] = length;
            Tensor index = Tensor.arange(start, start + (long) step * length, step).to(x.device()).reshape(shape).expand(g.shape().dims());
            return of(x.zerosLike().scatterAdd(dim, index, g));
        });
        r.add(Ops.Select.class, (op, n, g) -> {
            int size = meta(n, 0).size(op.dim());
            return of(padAlong(g.unsqueeze(op.dim()), op.dim(), op.index(), size - op.index() - 1));
        });
        r.add(Ops.Flip.class, (op, n, g) -> of(g.flip(op.dims())));
        // Padding by p crops by p on the way back, and cropping pads zeros back: pad with -p.
        r.add(Ops.PadConstant.class, (op, n, g) -> {
            int[] pads = op.pads().clone();
            for (int i = 0; i < pads.length; i++) pads[i] = -pads[i];
            return of(g.pad(pads));
        });
    }

    /** g with {@code before} and {@code after} zeros added along {@code dim}. */
    static Tensor padAlong(Tensor g, int dim, int before, int after) {
        if (before == 0 && after == 0) return g;
        int[] pads = new int[2 * (g.dim() - dim)];
        pads[pads.length - 2] = before;
        pads[pads.length - 1] = after;
        return g.pad(pads);
    }
}
