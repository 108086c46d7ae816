package dev.galvani.optim;

import dev.galvani.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An optimizer checkpoint in the shape of a safetensors file: tensors by name plus string metadata.
 *
 * <p>Names follow PyTorch's {@code optimizer.state_dict()}, flattened with dots. Parameters are
 * numbered 0, 1, 2, ... through the groups in order:
 * <ul>
 *   <li>tensors: {@code state.<index>.<buffer>}, e.g. {@code state.0.exp_avg};</li>
 *   <li>metadata: {@code optimizer} (the class, e.g. {@code Adam}), {@code state.<index>.step},
 *       {@code param_groups.<g>.<option>} (e.g. {@code param_groups.0.lr} = {@code 0.001}) and
 *       {@code param_groups.<g>.params} (the indices, e.g. {@code 0,1}).</li>
 * </ul>
 * Numbers are written with {@link Double#toString}, which reads back exactly.
 */
public record StateDict(Map<String, Tensor> tensors, Map<String, String> metadata) {

    /** Copies both maps into unmodifiable maps that keep their order; neither may be null. */
    public StateDict {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tensors, "tensors")));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
    }
}
