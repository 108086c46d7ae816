package dev.galvani.autograd;

import dev.galvani.tensor.Op;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/** All derivative rules on the classpath, by op record type; loaded once, on first use. */
final class RuleRegistry {

    private RuleRegistry() {}

    private static volatile Map<Class<?>, MultiOutputRule<?>> rules;

    /** The rules, loaded on first use. Not in a static initializer: a duplicate must fail with its own message every time, not as a NoClassDefFoundError. */
    private static Map<Class<?>, MultiOutputRule<?>> rules() {
        Map<Class<?>, MultiOutputRule<?>> r = rules;
        if (r == null) {
            synchronized (RuleRegistry.class) {
                if (rules == null) rules = load(ServiceLoader.load(DerivativeRules.class));
                r = rules;
            }
        }
        return r;
    }

    /** Merges the providers' rules; the same op type from two providers fails, naming both. */
    static Map<Class<?>, MultiOutputRule<?>> load(Iterable<? extends DerivativeRules> providers) {
        Map<Class<?>, MultiOutputRule<?>> all = new HashMap<>();
        Map<Class<?>, String> owner = new HashMap<>();
        for (DerivativeRules provider : providers) {
            String name = provider.getClass().getName();
            provider.register(new DerivativeRules.Registry() {
                @Override public <R extends Op> void add(Class<R> op, DerivativeRule<R> rule) {
                    addMultiOutput(op, (o, n, g) -> rule.backward(o, n, g[0]));
                }

                @Override public <R extends Op> void addMultiOutput(Class<R> op, MultiOutputRule<R> rule) {
                    String previous = owner.putIfAbsent(op, name);
                    if (previous != null)
                        throw new IllegalStateException("derivative rule for op " + op.getName() + " is registered twice, by " + previous + " and by " + name
                                + "; each op must have exactly one rule");
                    all.put(op, rule);
                }
            });
        }
        return Collections.unmodifiableMap(all);
    }

    /** The rule for {@code op}'s record type. */
    @SuppressWarnings("unchecked")
    static MultiOutputRule<Op> rule(Op op) {
        MultiOutputRule<?> r = rules().get(op.getClass());
        if (r == null)
            throw new IllegalStateException("no derivative rule for op '" + op.name() + "' (" + op.getClass().getName()
                    + "); is the module that defines its rule on the classpath?");
        return (MultiOutputRule<Op>) r;
    }

    /** The op types that have a rule. */
    static Set<Class<?>> ops() { return rules().keySet(); }
}
