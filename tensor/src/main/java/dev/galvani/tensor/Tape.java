package dev.galvani.tensor;

import java.util.ServiceLoader;

/**
 * Records operations for autograd: called by the front end after every differentiable primitive.
 * A node is recorded when grad mode is on and some input requires a gradient; then the output
 * requires one too.
 */
final class Tape {

    private Tape() {}

    static Tensor record(String op, Tensor out, Tensor[] inputs, Object... args) {
        if (!GradMode.isEnabled() || !out.dtype().isFloatingPoint()) return out;
        boolean any = false;
        for (Tensor t : inputs) any |= t != null && t.requiresGrad;
        if (!any) return out;
        out.requiresGrad = true;
        out.gradFn = new Node(op, inputs, args, out);
        return out;
    }

    static Tensor record(String op, Tensor out, Tensor input, Object... args) {
        return record(op, out, new Tensor[]{input}, args);
    }

    private static final class Holder {
        static final BackwardEngine ENGINE = ServiceLoader.load(BackwardEngine.class).findFirst().orElse(null);
    }

    static BackwardEngine engine(String op) {
        BackwardEngine e = Holder.ENGINE;
        if (e == null)
            throw new IllegalStateException(op + ": no autograd engine on the classpath; add the galvani-autograd module (dev.galvani:galvani-autograd)");
        return e;
    }
}
