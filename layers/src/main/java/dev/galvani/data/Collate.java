package dev.galvani.data;

import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the examples of one mini-batch into a {@link Batch}: what a {@link DataLoader} needs to
 * batch a {@link Dataset} of arbitrary examples (PyTorch's {@code collate_fn}). A
 * {@link TensorDataset} does not need one: it selects whole batches at once.
 *
 * @param <T> the example type
 */
@FunctionalInterface
public interface Collate<T> {

    /** The batch made of {@code examples}, in their order. */
    Batch collate(List<T> examples);

    /**
     * For examples that are themselves {@link Batch}es with the same names and shapes (as
     * {@link TensorDataset#get} returns): stacks each named tensor along a new first dimension,
     * so scalar labels become a [B] tensor and [1, 28, 28] images a [B, 1, 28, 28] one.
     */
    static Collate<Batch> stack() {
        return examples -> {
            if (examples.isEmpty()) throw new IllegalArgumentException("Collate.stack: no examples");
            List<String> names = examples.getFirst().names();
            List<Tensor> stacked = new ArrayList<>();
            for (String name : names) {
                List<Tensor> column = new ArrayList<>(examples.size());
                for (Batch example : examples) column.add(example.get(name));
                stacked.add(Tensor.stack(column, 0));
            }
            return new Batch(names, stacked);
        };
    }
}
