package dev.galvani.autograd;

import dev.galvani.tensor.Node;
import dev.galvani.tensor.Shape;
import dev.galvani.tensor.Tensor;
import java.util.Arrays;

/** Small helpers the rule classes share. */
final class Grads {

    private Grads() {}

    /** Input {@code i} for its shape, dtype or device only: no in-place check, as those cannot change. */
    static Tensor meta(Node node, int i) { return node.inputs().get(i); }

    /** Whether input {@code i} takes a gradient (so a rule can skip work, e.g. a product with a constant). */
    static boolean needs(Node node, int i) {
        Tensor t = node.inputs().get(i);
        return t != null && t.requiresGrad();
    }

    /**
     * Sums a gradient down to a broadcast input's shape: over the leading dimensions broadcasting
     * added, and over the dimensions where the input had size 1.
     */
    static Tensor sumToShape(Tensor g, Shape shape) {
        int[] target = shape.dims(), have = g.shape().dims();
        int lead = have.length - target.length;
        int[] dims = new int[have.length];
        int n = 0;
        for (int d = 0; d < have.length; d++)
            if (d < lead || (target[d - lead] == 1 && have[d] != 1)) dims[n++] = d;
        Tensor r = n == 0 ? g : g.sum(Arrays.copyOf(dims, n), true);
        return r.reshape(target);
    }

    /** The inverse of a permutation: inverse[perm[i]] = i. */
    static int[] inverse(int[] perm) {
        int[] inv = new int[perm.length];
        for (int i = 0; i < perm.length; i++) inv[perm[i]] = i;
        return inv;
    }

    static Tensor[] of(Tensor... grads) { return grads; }
}
