package dev.galvani.tensor;

import java.util.ServiceLoader;

/**
 * Records operations for autograd: called by the front end after every differentiable primitive.
 * A node is recorded when grad mode is on and some input requires a gradient; then the outputs
 * require one too.
 */
final class Tape {

    private Tape() {}

    /** Records a single-output op; returns {@code out}. */
    static Tensor record(Op op, Tensor out, Tensor... inputs) {
        if (!out.dtype().isFloatingPoint() || !recording(inputs)) return out;
        attach(new Node(op, inputs, new Tensor[]{out}), out, 0);
        return out;
    }

    /**
     * Records an op with several outputs. Outputs that are not floating point, and those listed in
     * {@code nonDifferentiable} (indices, counts), belong to the node but take no gradient.
     */
    static Tensor[] recordAll(Op op, Tensor[] outputs, Tensor[] inputs, boolean[] nonDifferentiable) {
        if (!recording(inputs)) return outputs;
        Node node = new Node(op, inputs, outputs.clone());
        for (int i = 0; i < outputs.length; i++) {
            Tensor t = outputs[i];
            if (t != null && t.dtype().isFloatingPoint() && (nonDifferentiable == null || !nonDifferentiable[i])) attach(node, t, i);
        }
        return outputs;
    }

    private static boolean recording(Tensor[] inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad) return true;
        return false;
    }

    private static void attach(Node node, Tensor out, int index) {
        if (out.gradFn != null || out.requiresGrad)
            throw new IllegalStateException(node.name() + ": its output " + index + " already belongs to a graph; record fresh tensors (detach() one first)");
        out.requiresGrad = true;
        out.gradFn = node;
        out.outputIndex = index;
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
