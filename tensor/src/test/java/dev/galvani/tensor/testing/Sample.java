package dev.galvani.tensor.testing;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.util.List;
import java.util.function.Function;

/**
 * One case of one operation: inputs, the Galvani call, and an independent reference computed from
 * the inputs' values with naive loops.
 *
 * @param expectedDType the dtype the result must have (PyTorch's promotion rules)
 */
public record Sample(String name, List<Tensor> inputs, Function<List<Tensor>, Tensor> call,
                     Function<List<NdArray>, NdArray> reference, DType expectedDType, Tolerance tolerance) {}
