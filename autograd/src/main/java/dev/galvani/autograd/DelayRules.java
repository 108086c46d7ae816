package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.needs;

import dev.galvani.tensor.Delays;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Node;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Rules of the fused delay (DCLS) ops: each calls its kernel family's backward (the dense kernel's
 * per-synapse reductions of reference §10, the GEMM form's 2·D products, the sparse taps' and the
 * integer delays' transposed gathers and dot products). When the backward pass is itself recorded,
 * a rule differentiates the op's composed form instead, which is made of recorded operations, so
 * second derivatives work.
 */
public final class DelayRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        r.add(Ops.DelayKernel.class, (op, n, g) -> GradMode.isEnabled()
                ? composed(n, g, in -> Delays.kernelComposed(op.spec(), in.get(0), in.get(1), in.get(2)))
                : Delays.kernelBackward(op, g, n.input(0), n.input(1), n.input(2), needs(n, 0), needs(n, 1), needs(n, 2)));
        r.add(Ops.DelayCorrelate.class, (op, n, g) -> GradMode.isEnabled()
                ? composed(n, g, in -> Delays.correlateComposed(in.get(0), in.get(1)))
                : Delays.correlateBackward(op, g, n.input(0), n.input(1), needs(n, 0), needs(n, 1)));
        r.add(Ops.DelaySparseTaps.class, (op, n, g) -> GradMode.isEnabled()
                ? composed(n, g, in -> Delays.sparseTapsComposed(in.get(0), in.get(1), in.get(2), in.get(3), op.spec()))
                : Delays.sparseTapsBackward(op, g, n.input(0), n.input(1), n.input(2), n.input(3), needs(n, 0), needs(n, 1), needs(n, 2), needs(n, 3)));
        r.add(Ops.DelayIntegerDelays.class, (op, n, g) -> GradMode.isEnabled()
                ? composed(n, g, in -> Delays.integerDelaysComposed(in.get(0), in.get(1), op.delays(), op.spec().taps()))
                : Delays.integerDelaysBackward(op, g, n.input(0), n.input(1), needs(n, 0), needs(n, 1)));
    }

    /** The gradients of the node's inputs through {@code form} (the composed op), recorded. */
    private static Tensor[] composed(Node n, Tensor g, Function<List<Tensor>, Tensor> form) {
        int count = n.inputs().size();
        List<Tensor> inputs = new ArrayList<>(count), wrt = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inputs.add(n.input(i));
            if (needs(n, i)) wrt.add(n.input(i));
        }
        Tensor[] result = new Tensor[count];
        Tensor y = form.apply(inputs);
        if (wrt.isEmpty() || !y.requiresGrad()) return result;
        List<Tensor> grads = Autograd.grad(List.of(y), wrt, List.of(g), false, true, true);
        for (int i = 0, j = 0; i < count; i++) if (needs(n, i)) result[i] = grads.get(j++);
        return result;
    }
}
