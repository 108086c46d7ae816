package dev.galvani.autograd;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.util.Map;

/**
 * Deliberately wrong rules, registered through this module's test resources (as another module
 * would register its rules) to check that the engine names a faulty rule.
 */
public final class TestRules implements DerivativeRules {

    static final String WRONG_SHAPE = "test.wrongShape", WRONG_DTYPE = "test.wrongDtype", WRONG_COUNT = "test.wrongCount";

    @Override
    public Map<String, DerivativeRule> rules() {
        return Map.of(
                WRONG_SHAPE, (n, g) -> new Tensor[]{g.sum()},
                WRONG_DTYPE, (n, g) -> new Tensor[]{g.to(DType.F32)},
                WRONG_COUNT, (n, g) -> new Tensor[]{g, g});
    }
}
