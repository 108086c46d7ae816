package dev.galvani.autograd;

import dev.galvani.tensor.Tensor;

/**
 * The rule for custom {@link Function}s and {@link MultiOutputFunction}s: the recorded call carries
 * the function's backward and its context. An output no gradient reached gets zeros (PyTorch
 * materialises them), so a backward never sees null.
 */
public final class FunctionRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        r.addMultiOutput(Context.Call.class, (op, n, g) -> {
            Tensor[] grads = g.clone();
            for (int i = 0; i < grads.length; i++) if (grads[i] == null) grads[i] = n.outputs().get(i).detach().zerosLike();
            return op.run(grads);
        });
    }
}
