package dev.galvani.autograd;

import dev.galvani.tensor.Node;
import dev.galvani.tensor.Op;
import dev.galvani.tensor.Tensor;

/**
 * How to differentiate one kind of recorded operation with one output: given the op record (its
 * typed arguments), the node (its inputs and output) and the gradient of the loss with respect to
 * the output, return the gradient with respect to each input, in input order.
 *
 * <p>Contract, checked by the {@link Engine}:
 * <ul>
 *   <li>the array has one entry per input of the node;</li>
 *   <li>an entry may be null when that input gets no gradient (an index tensor, a condition, or an
 *       input that does not require grad: see {@code Grads.needs});</li>
 *   <li>a non-null entry has exactly the input's shape, dtype and device.</li>
 * </ul>
 * Rules are written with tensor operations. A plain backward pass runs them with recording off; a
 * pass that creates a graph runs them with recording on, so their operations are recorded and the
 * gradient can be differentiated again: a rule must therefore compute with recorded operations
 * (or with primitives that record themselves), never by reading values into Java. A rule may read
 * input values through {@link Node#input(int)} and {@link Node#output()}, which fail with a clear
 * message when the tensor was changed in place after the op ran; for shapes and dtypes alone it
 * should use {@code node.inputs().get(i)}, which does not check.
 *
 * @param <R> the op record type the rule differentiates
 */
@FunctionalInterface
public interface DerivativeRule<R extends Op> {

    /**
     * The gradients with respect to the node's inputs, one entry per input (null where an input gets none),
     * given the gradient of its output.
     */
    Tensor[] backward(R op, Node node, Tensor gradOutput);
}
