package dev.galvani.nn;

import dev.galvani.tensor.Tensor;

/** Flattens dims startDim..endDim (default 1..-1: everything but the batch). */
public final class Flatten extends Module {

    private final int startDim, endDim;

    /** Flattens everything but the batch dimension, as {@code nn.Flatten()}. */
    public Flatten() { this(1, -1); }

    /**
     * Flattens dimensions {@code startDim..endDim} (inclusive), as {@code nn.Flatten(start_dim, end_dim)}.
     */
    public Flatten(int startDim, int endDim) {
        this.startDim = startDim;
        this.endDim = endDim;
    }

    @Override public Tensor forward(Tensor x) { return x.flatten(startDim, endDim); }

    @Override protected String extraRepr() { return "start_dim=" + startDim + ", end_dim=" + endDim; }
}
