package dev.galvani.autograd;

import dev.galvani.tensor.Node;
import dev.galvani.tensor.Op;
import dev.galvani.tensor.Tensor;

/**
 * A derivative rule for an operation with several outputs (a fused spiking step's spikes and
 * membrane, a custom Function returning several tensors). {@code gradOutputs} has one entry per
 * output of the node, null for an output no gradient reached; otherwise the contract of
 * {@link DerivativeRule} holds.
 *
 * @param <R> the op record type the rule differentiates
 */
@FunctionalInterface
public interface MultiOutputRule<R extends Op> {

    /**
     * The gradients with respect to the node's inputs, one entry per input (null where an input gets none),
     * given one gradient per output (null where none reached it).
     */
    Tensor[] backward(R op, Node node, Tensor[] gradOutputs);
}
