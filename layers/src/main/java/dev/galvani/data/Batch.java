package dev.galvani.data;

import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * Named tensors that travel together: a mini-batch ({@code inputs} [B, ...] and {@code targets} [B]),
 * a single example, or a whole data set's columns (see {@link TensorDataset}).
 *
 * <p>Names make transforms and training loops say what they touch ({@code batch.inputs()} rather
 * than {@code batch.get(0)}) while positional access stays available for datasets with more
 * columns. A batch is immutable; {@link #with} returns a copy with one tensor replaced or added.
 */
public final class Batch {

    /** The conventional name of the model's input tensor (images, features). */
    public static final String INPUTS = "inputs";
    /** The conventional name of the tensor the loss compares against (class labels, regression targets). */
    public static final String TARGETS = "targets";

    private final List<String> names;
    private final List<Tensor> tensors;

    /** A batch of {@code tensors} under {@code names} (same length, names unique, nothing null). */
    public Batch(List<String> names, List<Tensor> tensors) {
        if (names.size() != tensors.size())
            throw new IllegalArgumentException("Batch: " + names.size() + " names for " + tensors.size() + " tensors");
        if (names.isEmpty()) throw new IllegalArgumentException("Batch: needs at least one tensor");
        if (new HashSet<>(names).size() != names.size())
            throw new IllegalArgumentException("Batch: names must be unique, got " + names);
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i) == null) throw new IllegalArgumentException("Batch: name " + i + " is null");
            if (tensors.get(i) == null) throw new IllegalArgumentException("Batch: tensor '" + names.get(i) + "' is null");
        }
        this.names = List.copyOf(names);
        this.tensors = List.copyOf(tensors);
    }

    /** The usual supervised pair: {@code inputs} and {@code targets}. */
    public static Batch of(Tensor inputs, Tensor targets) {
        return new Batch(List.of(INPUTS, TARGETS), List.of(inputs, targets));
    }

    /** The map's tensors, in the map's order (a {@code LinkedHashMap}, for instance). */
    public static Batch of(SequencedMap<String, Tensor> tensors) {
        return new Batch(new ArrayList<>(tensors.sequencedKeySet()), new ArrayList<>(tensors.sequencedValues()));
    }

    /** The tensor named {@link #INPUTS}. */
    public Tensor inputs() { return get(INPUTS); }

    /** The tensor named {@link #TARGETS}. */
    public Tensor targets() { return get(TARGETS); }

    /** The tensor called {@code name}; the error lists the names there are. */
    public Tensor get(String name) {
        int i = names.indexOf(name);
        if (i < 0) throw new IllegalArgumentException("Batch: no tensor named '" + name + "'; it has " + names);
        return tensors.get(i);
    }

    /** The {@code i}-th tensor, in the order the batch was built. */
    public Tensor get(int i) {
        if (i < 0 || i >= tensors.size())
            throw new IndexOutOfBoundsException("Batch: index " + i + " out of range for " + tensors.size() + " tensors " + names);
        return tensors.get(i);
    }

    /** Whether a tensor called {@code name} is present. */
    public boolean has(String name) { return names.contains(name); }

    /** The names, in order. */
    public List<String> names() { return names; }

    /** The tensors, in order. */
    public List<Tensor> tensors() { return tensors; }

    /**
     * Number of examples: the first dimension of the first tensor. Fails for a single example
     * whose first tensor is a scalar, where the question has no answer.
     */
    public int size() {
        Tensor first = tensors.getFirst();
        if (first.dim() == 0)
            throw new IllegalStateException("Batch.size: tensor '" + names.getFirst() + "' is a scalar, so there is no batch dimension");
        return first.size(0);
    }

    /** A copy with the tensor called {@code name} replaced by {@code tensor}, or added at the end. */
    public Batch with(String name, Tensor tensor) {
        List<String> n = new ArrayList<>(names);
        List<Tensor> t = new ArrayList<>(tensors);
        int i = n.indexOf(name);
        if (i >= 0) t.set(i, tensor);
        else { n.add(name); t.add(tensor); }
        return new Batch(n, t);
    }

    /** The batch as an ordered map from name to tensor. */
    public SequencedMap<String, Tensor> asMap() {
        SequencedMap<String, Tensor> map = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) map.put(names.get(i), tensors.get(i));
        return Collections.unmodifiableSequencedMap(map);
    }

    /** {@code Batch{inputs: F32[128, 1, 28, 28], targets: I64[128]}}: names, dtypes and shapes, no values. */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder("Batch{");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) sb.append(", ");
            Tensor t = tensors.get(i);
            sb.append(names.get(i)).append(": ").append(t.dtype()).append(t.shape());
        }
        return sb.append('}').toString();
    }
}
