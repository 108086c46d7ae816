package dev.galvani.autograd;

import dev.galvani.tensor.Node;
import dev.galvani.tensor.Tensor;

/**
 * How to differentiate one recorded operation: given the node (its inputs, output and arguments) and
 * the gradient of the loss with respect to the node's output, return the gradient with respect to
 * each input, in input order.
 *
 * <p>Contract, checked by the {@link Engine}:
 * <ul>
 *   <li>the array has one entry per input of the node;</li>
 *   <li>an entry may be null when that input gets no gradient (an index tensor, a condition, or an
 *       input that does not require grad: see {@code node.inputs().get(i).requiresGrad()});</li>
 *   <li>a non-null entry has exactly the input's shape, dtype and device.</li>
 * </ul>
 * Rules run with gradient recording off, so they compute first-order gradients only. A rule may read
 * input values through {@link Node#input(int)} and {@link Node#output()}, which fail with a clear
 * message when the tensor was changed in place after the op ran; for shapes and dtypes alone it
 * should use {@code node.inputs().get(i)}, which does not check (a later in-place write does not
 * change a shape).
 */
@FunctionalInterface
public interface DerivativeRule {

    Tensor[] backward(Node node, Tensor gradOutput);
}
