package dev.galvani.autograd;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/** All derivative rules on the classpath, by op name; loaded once, on first use. */
final class RuleRegistry {

    private RuleRegistry() {}

    private static volatile Map<String, DerivativeRule> rules;

    /** The rules, loaded on first use. Not in a static initializer: a duplicate must fail with its own message every time, not as a NoClassDefFoundError. */
    private static Map<String, DerivativeRule> rules() {
        Map<String, DerivativeRule> r = rules;
        if (r == null) {
            synchronized (RuleRegistry.class) {
                if (rules == null) rules = load(ServiceLoader.load(DerivativeRules.class));
                r = rules;
            }
        }
        return r;
    }

    /** Merges the providers' rules; the same op name from two providers fails, naming both. */
    static Map<String, DerivativeRule> load(Iterable<? extends DerivativeRules> providers) {
        Map<String, DerivativeRule> rules = new HashMap<>();
        Map<String, String> owner = new HashMap<>();
        for (DerivativeRules provider : providers) {
            String name = provider.getClass().getName();
            for (Map.Entry<String, DerivativeRule> e : provider.rules().entrySet()) {
                String previous = owner.putIfAbsent(e.getKey(), name);
                if (previous != null)
                    throw new IllegalStateException("derivative rule for op '" + e.getKey() + "' is registered twice, by " + previous + " and by " + name
                            + "; each op must have exactly one rule");
                rules.put(e.getKey(), e.getValue());
            }
        }
        return Collections.unmodifiableMap(rules);
    }

    static DerivativeRule rule(String op) {
        DerivativeRule r = rules().get(op);
        if (r == null) throw new IllegalStateException("no derivative rule for op '" + op + "' (is the module that defines it on the classpath?)");
        return r;
    }

    /** The op names that have a rule. */
    static Set<String> ops() { return rules().keySet(); }
}
