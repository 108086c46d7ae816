package dev.galvani.autograd;

import dev.galvani.tensor.Op;

/**
 * The service through which modules contribute derivative rules, found with
 * {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/dev.galvani.autograd.DerivativeRules}. Rules are keyed by the op record
 * type the module records ({@code Ops.Conv2d.class}, a spiking module's own record); two providers
 * registering one type is an error, reported when the first backward pass loads the rules.
 */
public interface DerivativeRules {

    /** Adds this provider's rules. */
    void register(Registry registry);

    /** Where a provider puts its rules: one per op record type. */
    interface Registry {

        /** The rule for single-output ops of type {@code op}. */
        <R extends Op> void add(Class<R> op, DerivativeRule<R> rule);

        /** The rule for ops of type {@code op} that may have several outputs. */
        <R extends Op> void addMultiOutput(Class<R> op, MultiOutputRule<R> rule);
    }
}
