package dev.galvani.data;

import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A data set held as a few tensors that share their first dimension, example {@code i} being row
 * {@code i} of each: images [N, 1, 28, 28] with labels [N], for instance.
 *
 * <p>A mini-batch is taken with one {@code indexSelect} per tensor ({@link #batch}), not by
 * stacking {@code B} single examples: one copy per tensor instead of {@code B} small ones plus a
 * concatenation, which is what makes in-memory data sets fast to iterate.
 */
public final class TensorDataset implements Dataset<Batch> {

    private final Batch columns;
    private final int size;

    /** The usual pair: {@code inputs} [N, ...] and {@code targets} [N, ...]. */
    public TensorDataset(Tensor inputs, Tensor targets) { this(Batch.of(inputs, targets)); }

    /** A data set whose columns are the tensors of {@code columns}, all with the same first dimension. */
    public TensorDataset(Batch columns) {
        int n = -1;
        for (int i = 0; i < columns.names().size(); i++) {
            Tensor t = columns.get(i);
            if (t.dim() == 0)
                throw new IllegalArgumentException("TensorDataset: tensor '" + columns.names().get(i) + "' is a scalar; every tensor needs the example dimension first");
            if (n >= 0 && t.size(0) != n)
                throw new IllegalArgumentException("TensorDataset: tensors disagree on the number of examples: " + describe(columns));
            n = t.size(0);
        }
        this.columns = columns;
        this.size = n;
    }

    @Override public int size() { return size; }

    /** Example {@code index}: row {@code index} of every tensor, as views (no copy). */
    @Override public Batch get(int index) {
        if (index < 0 || index >= size)
            throw new IndexOutOfBoundsException("TensorDataset: index " + index + " out of range for " + size + " examples");
        List<Tensor> rows = new ArrayList<>();
        for (Tensor t : columns.tensors()) rows.add(t.select(0, index));
        return new Batch(columns.names(), rows);
    }

    /** The examples at {@code indices} (a 1-D integer tensor), copied: one {@code indexSelect} per tensor. */
    public Batch batch(Tensor indices) {
        List<Tensor> picked = new ArrayList<>();
        for (Tensor t : columns.tensors()) picked.add(t.indexSelect(0, indices));
        return new Batch(columns.names(), picked);
    }

    /** The examples at {@code indices}, copied. */
    public Batch batch(long... indices) { return batch(Tensor.of(indices, indices.length)); }

    /** All the data: each tensor with every example, under its name. */
    public Batch tensors() { return columns; }

    /** Examples {@code from} (inclusive) to {@code to} (exclusive), as views: a train/validation split costs nothing. */
    public TensorDataset subset(int from, int to) {
        if (from < 0 || to > size || from > to)
            throw new IndexOutOfBoundsException("TensorDataset.subset: [" + from + ", " + to + ") is not within [0, " + size + ")");
        List<Tensor> parts = new ArrayList<>();
        for (Tensor t : columns.tensors()) parts.add(t.narrow(0, from, to - from));
        return new TensorDataset(new Batch(columns.names(), parts));
    }

    /**
     * A data set with the tensor called {@code name} replaced by {@code f} of it, applied once to
     * the whole tensor: e.g. {@code ds.map(Batch.INPUTS, x -> x.sub(mean).div(std))} normalises up
     * front instead of on every batch of every epoch.
     */
    public TensorDataset map(String name, UnaryOperator<Tensor> f) {
        return new TensorDataset(columns.with(name, f.apply(columns.get(name))));
    }

    @Override public String toString() { return "TensorDataset{" + size + " examples, " + describe(columns) + "}"; }

    private static String describe(Batch b) {
        String s = b.toString();
        return s.substring("Batch{".length(), s.length() - 1);
    }
}
