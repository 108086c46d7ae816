package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.needs;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Node;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Rules for gathering and scattering by index, and for concatenation. A read by index becomes an
 * add by the same index on the way back (several reads of one element add up); index tensors get
 * no gradient.
 */
public final class IndexingRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        r.add(Ops.IndexSelect.class, IndexingRules::indexSelect);
        r.add(Ops.Gather.class, (op, n, g) -> {
            Tensor x = meta(n, 0);
            if (x.dim() == 0) return of(g, null);       // a 0-d gather reads its only element
            return of(x.zerosLike().scatterAdd(op.dim(), n.input(1), g), null);
        });
        r.add(Ops.ScatterAdd.class, IndexingRules::scatterAdd);
        r.add(Ops.Cat.class, IndexingRules::cat);
    }

    /** out = x.indexSelect(dim, idx): dx = zeros, plus g added at idx along dim (an index of g's shape, constant across dim). */
    private static Tensor[] indexSelect(Ops.IndexSelect op, Node n, Tensor g) {
        Tensor x = meta(n, 0), idx = n.input(1);
        int dim = op.dim();
        int[] shape = new int[g.dim()];
        Arrays.fill(shape, 1);
        shape[dim] = (int) idx.numel();
        Tensor spread = idx.reshape(shape).expand(g.shape().dims());
        return of(x.zerosLike().scatterAdd(dim, spread, g), null);
    }

    /** out = x + scatter(src): dx = g; dsrc = g read back at the scattered positions (zero where index does not reach). */
    private static Tensor[] scatterAdd(Ops.ScatterAdd op, Node n, Tensor g) {
        Tensor dsrc = null;
        if (needs(n, 2)) {
            Tensor idx = n.input(1), src = meta(n, 2);
            dsrc = g.gather(op.dim(), idx);
            if (!dsrc.shape().equals(src.shape())) {     // index covers only the leading corner of src: zeros beyond it
                int[] pads = new int[2 * src.dim()];
                for (int d = 0; d < src.dim(); d++) pads[2 * (src.dim() - 1 - d) + 1] = src.size(d) - idx.size(d);
                dsrc = dsrc.pad(pads);
            }
        }
        return of(needs(n, 0) ? g : null, null, dsrc);
    }

    /** Each input gets its slab of g along dim, back in its own dtype (cat promotes). */
    private static Tensor[] cat(Ops.Cat op, Node n, Tensor g) {
        List<Tensor> inputs = n.inputs();
        Tensor[] grads = new Tensor[inputs.size()];
        int pos = 0;
        for (int i = 0; i < grads.length; i++) {
            Tensor t = inputs.get(i);
            int length = t.size(op.dim());
            if (t.requiresGrad()) grads[i] = g.narrow(op.dim(), pos, length).to(t.dtype());
            pos += length;
        }
        return grads;
    }
}
