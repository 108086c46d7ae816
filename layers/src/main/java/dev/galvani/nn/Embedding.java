package dev.galvani.nn;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/** A lookup table [num, dim]: integer indices to rows; initialised N(0, 1) as in PyTorch. */
public final class Embedding extends Module {

    public final int numEmbeddings, embeddingDim;
    public final Parameter weight;

    public Embedding(int numEmbeddings, int embeddingDim) { this(numEmbeddings, embeddingDim, Generator.global()); }

    public Embedding(int numEmbeddings, int embeddingDim, Generator gen) {
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.weight = registerParameter("weight", Init.normal(gen, 1, numEmbeddings, embeddingDim));
    }

    @Override public Tensor forward(Tensor indices) { return F.embedding(indices, weight.value()); }

    @Override protected String extraRepr() { return numEmbeddings + ", " + embeddingDim; }
}
