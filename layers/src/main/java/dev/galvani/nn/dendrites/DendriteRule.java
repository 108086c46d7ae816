package dev.galvani.nn.dendrites;

/** How perforated backpropagation trains its dendrites (bio reference §2.2). */
public enum DendriteRule {
    /**
     * The open-source rule: no candidate phase; a new dendrite set is accepted at once (U = 0) and
     * learns by gradient descent on the task loss together with its neuron.
     */
    GRADIENT,
    /**
     * The cascade-correlation rule: a candidate set first learns alone to correlate with its neuron's
     * error (the p-phase), its input cut from the graph; once accepted it is frozen and only its
     * output weight U learns with the neuron.
     */
    CORRELATION
}
