package dev.galvani.tensor.testing;

import dev.galvani.tensor.DType;
import java.util.List;
import java.util.Set;

/**
 * A row of the operation table (in the spirit of PyTorch's OpInfo): an operation, the dtypes it is
 * tested in, and how to make its samples on a device. Every backend runs every row.
 *
 * @param name           the Tensor method (or static) the row covers, e.g. "add", "sum", "matmul"
 * @param differentiable whether the autograd table must cover it
 */
public record OpInfo(String name, Set<DType> dtypes, boolean differentiable, Samples samples) {

    @FunctionalInterface
    public interface Samples { List<Sample> make(Inputs in, DType dtype); }
}
