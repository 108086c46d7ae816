package dev.galvani.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs schedules one after another, as {@code torch.optim.lr_scheduler.SequentialLR}: schedule i
 * is in charge from milestone i-1 on, counting its own epochs from 0 there. The usual case, a
 * linear warm-up then cosine decay, is one line with {@link #warmup}:
 * <pre>{@code
 * var schedule = SequentialLR.warmup(opt, 500, 0.01, new CosineAnnealingLR(opt, 9500));
 * }</pre>
 * Make the parts on the same optimizer and step only this one.
 */
public final class SequentialLR extends LRScheduler {

    private final List<LRScheduler> schedulers;
    private final int[] milestones;

    /**
     * Runs {@code schedulers} (all on {@code optimizer}) one after another, switching at the increasing
     * {@code milestones} (one fewer than the schedulers), as
     * {@code SequentialLR(opt, schedulers, milestones)}.
     */
    public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int... milestones) {
        Objects.requireNonNull(schedulers, "schedulers");
        require(!schedulers.isEmpty(), "SequentialLR", "needs at least one scheduler");
        for (int i = 0; i < schedulers.size(); i++)
            require(schedulers.get(i).optimizer() == optimizer, "SequentialLR",
                    "scheduler " + i + " (" + schedulers.get(i).getClass().getSimpleName() + ") belongs to a different optimizer");
        require(milestones.length == schedulers.size() - 1, "SequentialLR", "needs one milestone fewer than schedulers, got "
                + schedulers.size() + " schedulers and " + milestones.length + " milestones");
        for (int i = 0; i < milestones.length; i++)
            require(milestones[i] >= 0 && (i == 0 || milestones[i] > milestones[i - 1]), "SequentialLR",
                    "milestones must be increasing and >= 0, got " + Arrays.toString(milestones));
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        super(optimizer);
    }

    /** {@code warmupSteps} of linear warm-up from {@code startFactor} times the base learning rate, then {@code then}. */
    public static SequentialLR warmup(Optimizer optimizer, int warmupSteps, double startFactor, LRScheduler then) {
        return new SequentialLR(optimizer, List.of(new LinearLR(optimizer, startFactor, 1.0, warmupSteps), then), warmupSteps);
    }

    /** The schedules in the order they run (unmodifiable). */
    public List<LRScheduler> schedulers() { return schedulers; }

    /** The schedule in charge at {@code epoch}: the number of milestones at or before it (PyTorch's bisect_right). */
    private int active(int epoch) {
        int i = 0;
        while (i < milestones.length && milestones[i] <= epoch) i++;
        return i;
    }

    /** Epochs counted by schedule {@code i}, which starts at its milestone. */
    private int localEpoch(int i, int epoch) { return i == 0 ? epoch : epoch - milestones[i - 1]; }

    @Override protected void apply(int epoch) {
        int i = active(epoch);
        schedulers.get(i).moveTo(localEpoch(i, epoch));
    }

    @Override protected double lrAt(int group, int epoch) {
        int i = active(epoch);
        return schedulers.get(i).lrAt(group, localEpoch(i, epoch));
    }

    @Override protected Map<String, String> hyperparameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("milestones", String.join(",", Arrays.stream(milestones).mapToObj(Integer::toString).toList()));
        for (int i = 0; i < schedulers.size(); i++) {
            String prefix = "schedulers." + i + ".";
            h.put(prefix + "scheduler", schedulers.get(i).getClass().getSimpleName());
            schedulers.get(i).hyperparameters().forEach((k, v) -> h.put(prefix + k, v));
        }
        return h;
    }
}
