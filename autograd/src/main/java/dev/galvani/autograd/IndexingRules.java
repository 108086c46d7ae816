package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.needs;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Node;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rules for gathering and scattering by index, and for concatenation. A read by index becomes an
 * add by the same index on the way back (several reads of one element add up); index tensors get
 * no gradient.
 */
public final class IndexingRules implements DerivativeRules {

    @Override
    public Map<String, DerivativeRule> rules() {
        Map<String, DerivativeRule> r = new HashMap<>();
        r.put("indexSelect", IndexingRules::indexSelect);
        r.put("gather", (n, g) -> {
            Tensor x = meta(n, 0);
            if (x.dim() == 0) return of(g, null);       // a 0-d gather reads its only element
            return of(x.zerosLike().scatterAdd(n.intArg(0), n.input(1), g), null);
        });
        r.put("scatterAdd", IndexingRules::scatterAdd);
        r.put("cat", IndexingRules::cat);
        return r;
    }

    /** out = x.indexSelect(dim, idx): dx = zeros, plus g added at idx along dim (an index of g's shape, constant across dim). */
    private static Tensor[] indexSelect(Node n, Tensor g) {
        Tensor x = meta(n, 0), idx = n.input(1);
        int dim = n.intArg(0);
        int[] shape = new int[g.dim()];
        Arrays.fill(shape, 1);
        shape[dim] = (int) idx.numel();
        Tensor spread = idx.reshape(shape).expand(g.shape().dims());
        return of(x.zerosLike().scatterAdd(dim, spread, g), null);
    }

    /** out = x + scatter(src): dx = g; dsrc = g read back at the scattered positions (zero where index does not reach). */
    private static Tensor[] scatterAdd(Node n, Tensor g) {
        int dim = n.intArg(0);
        Tensor dsrc = null;
        if (needs(n, 2)) {
            Tensor idx = n.input(1), src = meta(n, 2);
            Tensor read = g.gather(dim, idx);
            if (read.shape().equals(src.shape())) {
                dsrc = read;
            } else {                                   // index covers only the leading corner of src
                dsrc = src.zerosLike();
                Tensor corner = dsrc;
                for (int d = 0; d < idx.dim(); d++) corner = corner.narrow(d, 0, idx.size(d));
                corner.copyFrom(read);
            }
        }
        return of(needs(n, 0) ? g : null, null, dsrc);
    }

    /** Each input gets its slab of g along dim, back in its own dtype (cat promotes). */
    private static Tensor[] cat(Node n, Tensor g) {
        int dim = n.intArg(0);
        List<Tensor> inputs = n.inputs();
        Tensor[] grads = new Tensor[inputs.size()];
        int pos = 0;
        for (int i = 0; i < grads.length; i++) {
            Tensor t = inputs.get(i);
            int length = t.size(dim);
            if (t.requiresGrad()) grads[i] = g.narrow(dim, pos, length).to(t.dtype());
            pos += length;
        }
        return grads;
    }
}
