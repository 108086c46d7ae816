package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * Rules for operations that re-describe memory (views) and for the copies that rearrange it. Each
 * gradient is the output gradient put back where the input's elements were; positions the op did
 * not read get zero.
 */
public final class ViewRules implements DerivativeRules {

    @Override
    public Map<String, DerivativeRule> rules() {
        Map<String, DerivativeRule> r = new HashMap<>();
        r.put("view", (n, g) -> of(g.reshape(meta(n, 0).shape().dims())));
        r.put("permute", (n, g) -> of(g.permute(Grads.inverse(n.intsArg(0)))));
        r.put("expand", (n, g) -> of(Grads.sumToShape(g, meta(n, 0).shape())));
        // args (dim, start, step): the output is x[start::step] along dim.
        r.put("slice", (n, g) -> {
            Tensor x = meta(n, 0);
            int dim = n.intArg(0), start = n.intArg(1), step = n.intArg(2), length = g.size(dim);
            Tensor dx = x.zerosLike();
            if (length > 0) dx.slice(dim, start, start + (length - 1) * step + 1, step).copyFrom(g);
            return of(dx);
        });
        // args (dim, index)
        r.put("select", (n, g) -> {
            Tensor dx = meta(n, 0).zerosLike();
            dx.select(n.intArg(0), n.intArg(1)).copyFrom(g);
            return of(dx);
        });
        r.put("flip", (n, g) -> of(g.flip(n.intsArg(0))));
        // Padding by p crops by p on the way back, and cropping pads zeros back: pad with -p.
        r.put("padConstant", (n, g) -> {
            int[] pads = n.intsArg(0).clone();
            for (int i = 0; i < pads.length; i++) pads[i] = -pads[i];
            return of(g.pad(pads));
        });
        return r;
    }
}
