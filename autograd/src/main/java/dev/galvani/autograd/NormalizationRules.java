package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.needs;

import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Normalization;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The fused batch normalisation: inputs (x, weight, bias). With batch statistics
 * dx = w invstd (g - mean(g) - xhat mean(g xhat)) (Ioffe &amp; Szegedy 2015, section 3); with running
 * statistics dx = g w invstd. dw = sum(g xhat), db = sum(g). When the backward pass is itself
 * recorded (create graph), the rule differentiates the composed form instead, whose statistics are
 * recorded functions of x, so that second derivatives are right.
 */
public final class NormalizationRules implements DerivativeRules {

    @Override
    public void register(Registry r) {
        r.add(Ops.BatchNorm.class, (op, n, g) -> {
            if (!GradMode.isEnabled())
                return Normalization.batchNormBackward(g, n.input(0), n.input(1), op.mean(), op.invstd(), op.batchStats(), needs(n, 0), needs(n, 1), needs(n, 2));
            Tensor x = n.input(0), w = n.input(1), b = n.input(2);
            Tensor y = Normalization.batchNormComposed(x, w, b, op.mean(), op.invstd(), op.batchStats(), op.eps());
            List<Tensor> wrt = new ArrayList<>();
            for (int i = 0; i < 3; i++) if (needs(n, i)) wrt.add(n.input(i));
            List<Tensor> grads = Autograd.grad(List.of(y), wrt, List.of(g), false, true, true);
            Tensor[] result = new Tensor[3];
            for (int i = 0, k = 0; i < 3; i++) if (needs(n, i)) result[i] = grads.get(k++);
            return result;
        });
    }
}
