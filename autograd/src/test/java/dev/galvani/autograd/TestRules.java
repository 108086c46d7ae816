package dev.galvani.autograd;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Op;
import dev.galvani.tensor.Tensor;

/**
 * Deliberately wrong rules, registered through this module's test resources (as another module
 * would register its rules) to check that the engine names a faulty rule.
 */
public final class TestRules implements DerivativeRules {

    /** An op record type whose rule returns a gradient of the wrong shape, dtype or count. */
    record Wrong(String name) implements Op {}

    static final Wrong WRONG_SHAPE = new Wrong("test.wrongShape"), WRONG_DTYPE = new Wrong("test.wrongDtype"), WRONG_COUNT = new Wrong("test.wrongCount");

    @Override
    public void register(Registry r) {
        r.add(Wrong.class, (op, n, g) -> switch (op.name()) {
            case "test.wrongShape" -> new Tensor[]{g.sum()};
            case "test.wrongDtype" -> new Tensor[]{g.to(DType.F32)};
            default -> new Tensor[]{g, g};
        });
    }
}
