package dev.galvani.autograd;

import java.util.Map;

/** The rule for custom {@link Function}s: the node's argument carries the Function and its context. */
public final class FunctionRules implements DerivativeRules {

    /** The op name {@link Function#apply} records. */
    static final String OP = "function";

    @Override
    public Map<String, DerivativeRule> rules() {
        return Map.of(OP, (n, g) -> ((Function.Call) n.arg(0)).backward(g, n.inputCount()));
    }
}
