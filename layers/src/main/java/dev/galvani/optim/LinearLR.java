package dev.galvani.optim;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scales the learning rate by a factor that moves linearly from {@code startFactor} to
 * {@code endFactor} over {@code totalIters} epochs and then stays, as
 * {@code torch.optim.lr_scheduler.LinearLR} (closed form):
 * <pre>
 *   lr = base_lr * (start + (end - start) * min(epoch, total_iters) / total_iters)
 * </pre>
 * The usual linear warm-up; see {@link SequentialLR#warmup} to follow it with another schedule.
 */
public final class LinearLR extends LRScheduler {

    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    /** PyTorch's defaults: from 1/3 to 1 over 5 epochs. */
    public LinearLR(Optimizer optimizer) { this(optimizer, 1.0 / 3, 1.0, 5); }

    /**
     * Scales the learning rate linearly from {@code startFactor} (in (0, 1]) to {@code endFactor} (in [0, 1])
     * over {@code totalIters} (at least 1) epochs, as
     * {@code LinearLR(opt, start_factor, end_factor, total_iters)}.
     */
    public LinearLR(Optimizer optimizer, double startFactor, double endFactor, int totalIters) {
        require(startFactor > 0 && startFactor <= 1, "LinearLR", "startFactor must be in (0, 1], got " + startFactor);
        require(endFactor >= 0 && endFactor <= 1, "LinearLR", "endFactor must be in [0, 1], got " + endFactor);
        require(totalIters >= 1, "LinearLR", "totalIters must be at least 1, got " + totalIters);
        this.startFactor = startFactor;
        this.endFactor = endFactor;
        this.totalIters = totalIters;
        super(optimizer);
    }

    @Override protected double lrAt(int group, int epoch) {
        return baseLr(group) * (startFactor + (endFactor - startFactor) * Math.min(epoch, totalIters) / totalIters);
    }

    @Override protected Map<String, String> hyperparameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("start_factor", Double.toString(startFactor));
        h.put("end_factor", Double.toString(endFactor));
        h.put("total_iters", Integer.toString(totalIters));
        return h;
    }
}
