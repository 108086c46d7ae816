package dev.galvani.optim;

import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an optimizer remembers about one parameter between steps: a step count (for bias
 * corrections) and named buffers shaped like the parameter ({@code exp_avg}, {@code momentum_buffer},
 * ...), named as in PyTorch so checkpoints read the same.
 */
public final class ParamState {

    private long step;
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();

    /** How many updates counted so far (0 for optimizers that do not count, such as SGD). */
    public long step() { return step; }

    /** Counts one more update and returns the new count t (1 on the first update). */
    public long advanceStep() { return ++step; }

    /** The buffer with this name, or null. */
    public Tensor get(String name) { return buffers.get(name); }

    /**
     * The buffer with this name, created as zeros shaped like {@code like} the first time. State
     * outlives every training step, so it never belongs to a {@code TensorScope} (a scope around a
     * step would otherwise release it when the step ends).
     */
    public Tensor zerosLike(String name, Tensor like) { return buffers.computeIfAbsent(name, n -> TensorScope.untracked(like::zerosLike)); }

    /** Stores a buffer (taken out of any open {@code TensorScope}, as state outlives them) and returns it. */
    public Tensor put(String name, Tensor buffer) {
        buffers.put(name, TensorScope.escape(buffer));
        return buffer;
    }

    /** The buffers by name (read-only view). */
    public Map<String, Tensor> buffers() { return Collections.unmodifiableMap(buffers); }

    void setStep(long step) { this.step = step; }
}
