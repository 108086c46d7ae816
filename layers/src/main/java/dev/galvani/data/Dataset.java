package dev.galvani.data;

/**
 * A finite, indexable collection of examples, PyTorch's map-style {@code Dataset}.
 *
 * <p>Implementations should make {@link #get} cheap and free of side effects: a {@link DataLoader}
 * calls it from its prefetch thread, in whatever order the epoch's shuffle picks.
 *
 * @param <T> the type of one example (a {@link Batch} of per-example tensors, an image and a label,
 *            a file name, ...); a {@link Collate} turns a list of them into a {@link Batch}
 */
public interface Dataset<T> {

    /** Number of examples. */
    int size();

    /** Example {@code index}, for {@code 0 <= index < size()}. */
    T get(int index);
}
