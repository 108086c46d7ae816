package dev.galvani.tensor;

import java.util.List;

/**
 * The service the autograd module provides (found with {@link java.util.ServiceLoader}): it walks
 * recorded {@link Node}s backwards. The tensor module itself contains no derivative.
 */
public interface BackwardEngine {

    /**
     * Accumulates d(roots . seeds)/d(leaf) into the {@code grad} of every leaf that requires it. With
     * {@code createGraph} the backward computation is itself recorded, so the gradients can be
     * differentiated again.
     */
    void backward(List<Tensor> roots, List<Tensor> seeds, boolean retainGraph, boolean createGraph);

    /** The gradients of the roots (with seeds) with respect to {@code inputs}, without touching any {@code grad}. */
    List<Tensor> grad(List<Tensor> roots, List<Tensor> seeds, List<Tensor> inputs, boolean retainGraph, boolean createGraph, boolean allowUnused);
}
