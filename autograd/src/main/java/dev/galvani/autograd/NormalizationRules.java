package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.needs;

import dev.galvani.tensor.Normalization;
import dev.galvani.tensor.Tensor;
import java.util.Map;

/**
 * The fused batch normalisation: inputs (x, weight, bias), arguments (mean, invstd, batchStats).
 * With batch statistics dx = w invstd (g - mean(g) - xhat mean(g xhat)) (Ioffe &amp; Szegedy 2015,
 * section 3); with running statistics dx = g w invstd. dw = sum(g xhat), db = sum(g).
 */
public final class NormalizationRules implements DerivativeRules {

    @Override
    public Map<String, DerivativeRule> rules() {
        return Map.of("batchNorm", (n, g) -> Normalization.batchNormBackward(g, n.input(0), n.input(1), (Tensor) n.arg(0), (Tensor) n.arg(1),
                (Boolean) n.arg(2), needs(n, 0), needs(n, 1), needs(n, 2)));
    }
}
