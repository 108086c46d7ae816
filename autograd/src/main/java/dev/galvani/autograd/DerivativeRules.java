package dev.galvani.autograd;

import java.util.Map;

/**
 * The service through which modules contribute derivative rules, found with
 * {@link java.util.ServiceLoader}: list the implementing class in
 * {@code META-INF/services/dev.galvani.autograd.DerivativeRules}. The op names are those the module
 * passes to {@code Tape}/{@code AutogradSupport.record}. Two providers registering the same op name
 * is an error, reported when the first backward pass loads the rules.
 */
public interface DerivativeRules {

    /** Op name to rule. */
    Map<String, DerivativeRule> rules();
}
