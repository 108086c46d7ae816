/**
 * Reverse-mode automatic differentiation for Galvani tensors.
 *
 * <p>The tensor module records what happened: each differentiable primitive attaches a
 * {@link dev.galvani.tensor.Node} (op name, inputs, arguments, output) to its result when grad mode
 * is on and an input requires grad. This package knows how to differentiate it:
 * <ul>
 *   <li>{@link dev.galvani.autograd.Engine} walks the nodes backwards (PyTorch's semantics; found by
 *       {@code Tensor.backward()} through {@link java.util.ServiceLoader});</li>
 *   <li>one {@link dev.galvani.autograd.DerivativeRule} per op name, grouped by family
 *       ({@link dev.galvani.autograd.ElementwiseRules}, {@link dev.galvani.autograd.ReductionRules},
 *       {@link dev.galvani.autograd.ViewRules}, {@link dev.galvani.autograd.IndexingRules},
 *       {@link dev.galvani.autograd.LinearAlgebraRules}, {@link dev.galvani.autograd.FunctionRules})
 *       and registered through the {@link dev.galvani.autograd.DerivativeRules} service, so later
 *       modules add rules for their own primitives the same way;</li>
 *   <li>{@link dev.galvani.autograd.Function} for custom operations (surrogate spike functions);</li>
 *   <li>{@link dev.galvani.autograd.GradCheck}, finite differences in F64;</li>
 *   <li>{@link dev.galvani.autograd.Autograd}, the facade: {@code noGrad()}, {@code grad(...)}.</li>
 * </ul>
 *
 * <p>Adding a differentiable primitive: record it in the tensor module with a new op name, add its
 * rule to the family class here (or to a {@code DerivativeRules} provider in the module that owns
 * the primitive), and give it a row in the operation table: {@code GradientCoverageTest} fails while
 * a rule has no row, and {@code GradientTableTest} checks every row's gradient with {@code GradCheck}.
 *
 * <p>Gradients are first order: rules run with recording off (no gradients of gradients).
 */
package dev.galvani.autograd;
