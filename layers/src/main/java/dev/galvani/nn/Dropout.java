package dev.galvani.nn;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/** Inverted dropout: active in training mode, the identity in evaluation mode. */
public final class Dropout extends Module {

    /** The probability of zeroing an element. */
    public final double p;
    private final Generator gen;

    /**
     * Dropout with probability {@code p} in [0, 1], drawn from the default generator, as
     * {@code nn.Dropout(p)}.
     */
    public Dropout(double p) { this(p, Generator.global()); }

    /** Dropout with probability {@code p} in [0, 1], drawn from {@code gen}. */
    public Dropout(double p, Generator gen) {
        if (p < 0 || p > 1) throw new IllegalArgumentException("Dropout: probability must be in [0, 1], got " + p);
        this.p = p;
        this.gen = gen;
    }

    @Override public Tensor forward(Tensor x) { return F.dropout(x, p, isTraining(), gen); }

    @Override protected String extraRepr() { return "p=" + p; }
}
