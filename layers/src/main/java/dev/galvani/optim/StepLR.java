package dev.galvani.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Multiplies the learning rate by {@code gamma} every {@code stepSize} epochs, as
 * {@code torch.optim.lr_scheduler.StepLR}: lr = base_lr * gamma^floor(epoch / stepSize).
 */
public final class StepLR extends LRScheduler {

    private final int stepSize;
    private final double gamma;

    /** PyTorch's default {@code gamma} 0.1. */
    public StepLR(Optimizer optimizer, int stepSize) { this(optimizer, stepSize, 0.1); }

    /**
     * Multiplies the learning rate by {@code gamma} (finite, at least 0) every {@code stepSize} (at least 1)
     * epochs, as {@code StepLR(opt, step_size, gamma)}.
     */
    public StepLR(Optimizer optimizer, int stepSize, double gamma) {
        require(stepSize >= 1, "StepLR", "stepSize must be at least 1, got " + stepSize);
        require(Double.isFinite(gamma) && gamma >= 0, "StepLR", "gamma must be a finite number >= 0, got " + gamma);
        this.stepSize = stepSize;
        this.gamma = gamma;
        super(optimizer);
    }

    @Override protected double lrAt(int group, int epoch) {
        return baseLr(group) * Math.pow(gamma, epoch / stepSize);
    }

    @Override protected Map<String, String> hyperparameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("step_size", Integer.toString(stepSize));
        h.put("gamma", Double.toString(gamma));
        return h;
    }
}
