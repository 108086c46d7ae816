package dev.galvani.nn;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/** A lookup table [num, dim]: integer indices to rows; initialised N(0, 1) as in PyTorch. */
public final class Embedding extends Module {

    /** The number of rows (the vocabulary) and the size of each row. */
    public final int numEmbeddings, embeddingDim;
    /** The table [numEmbeddings, embeddingDim], registered as {@code weight}. */
    public final Parameter weight;

    /** A table drawn N(0, 1) from the default generator, as {@code nn.Embedding(num, dim)}. */
    public Embedding(int numEmbeddings, int embeddingDim) { this(numEmbeddings, embeddingDim, Generator.global()); }

    /** A table drawn N(0, 1) from {@code gen}. */
    public Embedding(int numEmbeddings, int embeddingDim, Generator gen) {
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.weight = registerParameter("weight", Init.normal(gen, 1, numEmbeddings, embeddingDim));
    }

    @Override public Tensor forward(Tensor indices) { return F.embedding(indices, weight.value()); }

    @Override protected String extraRepr() { return numEmbeddings + ", " + embeddingDim; }
}
