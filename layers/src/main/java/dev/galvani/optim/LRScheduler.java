package dev.galvani.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The base of the learning-rate schedules, with PyTorch's protocol: construct the schedule on an
 * optimizer (this sets the learning rates of epoch 0), then call {@link #step()} once after each
 * optimizer step (or each epoch, for per-epoch schedules):
 * <pre>{@code
 * var schedule = new CosineAnnealingLR(opt, 100);
 * for (...) { ...; opt.step(); schedule.step(); }
 * }</pre>
 *
 * <p>Each schedule is a closed form of the epoch and the group's base learning rate, its
 * {@code initial_lr} (PyTorch's name: the group's lr when the first schedule was attached). It
 * writes each group's {@code lr}, overwriting changes made by hand; to combine schedules in time use
 * {@link SequentialLR}.
 *
 * <p>Subclasses assign their fields <em>before</em> calling {@code super(optimizer)} (a Java 25
 * flexible constructor body), because this constructor applies epoch 0.
 */
public abstract class LRScheduler {

    private final Optimizer optimizer;
    private double[] baseLrs;
    private int lastEpoch = -1;
    private double[] lastLr;

    /**
     * Attaches the schedule to {@code optimizer}: sets each group's {@code initial_lr} if no schedule did
     * yet, takes it as the base rate and applies epoch 0.
     */
    protected LRScheduler(Optimizer optimizer) {
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        for (ParamGroup g : optimizer.paramGroups())
            if (!g.has("initial_lr")) g.set("initial_lr", g.lr());     // PyTorch's setdefault: the first schedule fixes it
        this.baseLrs = optimizer.paramGroups().stream().mapToDouble(g -> g.get("initial_lr")).toArray();
        moveTo(0);
    }

    /** The learning rate of group {@code group} at {@code epoch} (0 = before the first step). */
    protected abstract double lrAt(int group, int epoch);

    /** The schedule's own settings, by PyTorch's names, for the checkpoint (e.g. {@code gamma}). */
    protected abstract Map<String, String> hyperparameters();

    /** Writes the hyperparameters of {@code epoch} into the groups: the learning rates, and whatever else a subclass schedules. */
    protected void apply(int epoch) {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lrs = new double[groups.size()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = lrAt(i, epoch);   // all first, so a failure changes nothing
        for (int i = 0; i < lrs.length; i++) groups.get(i).lr(lrs[i]);
    }

    /** Advances one epoch (or one batch, for per-batch schedules such as {@link OneCycleLR}). */
    public void step() { moveTo(lastEpoch + 1); }

    /** Sets the schedule to {@code epoch}; {@link SequentialLR} drives its parts this way. */
    final void moveTo(int epoch) {
        apply(epoch);
        lastEpoch = epoch;
        lastLr = optimizer.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray();
    }

    /** The learning rates this schedule set last, one per group (PyTorch's {@code get_last_lr()}). */
    public double[] lastLr() { return lastLr.clone(); }

    /** The number of steps taken (PyTorch's {@code last_epoch}). */
    public int lastEpoch() { return lastEpoch; }

    /** The optimizer whose groups this schedule sets. */
    public Optimizer optimizer() { return optimizer; }

    /** The base learning rate of a group (its {@code initial_lr} when the schedule was made). */
    protected double baseLr(int group) { return baseLrs[group]; }

    // ---- checkpoints ----------------------------------------------------------------------------

    /**
     * The position and settings as strings (safetensors metadata): {@code scheduler} (the class),
     * {@code last_epoch}, {@code base_lrs}, {@code last_lr}, and the schedule's hyperparameters.
     * Save it with the optimizer's state dict; the groups' learning rates are restored from there.
     */
    public Map<String, String> stateDict() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("scheduler", getClass().getSimpleName());
        out.put("last_epoch", Integer.toString(lastEpoch));
        out.put("base_lrs", join(baseLrs));
        out.put("last_lr", join(lastLr));
        out.putAll(hyperparameters());
        return out;
    }

    /**
     * Restores the position saved by {@link #stateDict()}. The schedule must have been made with the
     * same settings (the checkpoint lists them); otherwise the exception names every difference.
     * Like PyTorch, this does not touch the optimizer: load its state dict as well.
     */
    public void loadStateDict(Map<String, String> state) {
        String name = getClass().getSimpleName();
        List<String> problems = new ArrayList<>();
        if (!name.equals(state.get("scheduler")))
            problems.add(state.get("scheduler") == null ? "no 'scheduler' entry" : "the checkpoint is from " + state.get("scheduler") + ", not " + name);
        hyperparameters().forEach((k, v) -> {
            if (!v.equals(state.get(k))) problems.add(k + " is " + state.get(k) + " in the checkpoint, " + v + " here");
        });
        Integer epoch = null;
        try {
            epoch = Integer.parseInt(String.valueOf(state.get("last_epoch")).trim());
        } catch (NumberFormatException e) {
            problems.add("last_epoch: cannot read '" + state.get("last_epoch") + "'");
        }
        double[] base = parse(state.get("base_lrs"), "base_lrs", problems), last = parse(state.get("last_lr"), "last_lr", problems);
        int groups = optimizer.paramGroups().size();
        if (base != null && base.length != groups) problems.add("base_lrs has " + base.length + " values for " + groups + " parameter groups");
        if (last != null && last.length != groups) problems.add("last_lr has " + last.length + " values for " + groups + " parameter groups");
        if (!problems.isEmpty()) throw new IllegalArgumentException(name + ".loadStateDict: " + String.join("; ", problems));
        lastEpoch = epoch;
        baseLrs = base;
        lastLr = last;
    }

    static String join(double[] values) {
        return Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(","));
    }

    private static double[] parse(String text, String key, List<String> problems) {
        if (text == null) {
            problems.add("no '" + key + "' entry");
            return null;
        }
        try {
            return Arrays.stream(text.split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
        } catch (NumberFormatException e) {
            problems.add(key + ": cannot read '" + text + "'");
            return null;
        }
    }

    /** Throws {@link IllegalArgumentException} "{@code Class}: {@code reason}" unless {@code ok}. */
    static void require(boolean ok, String scheduler, String reason) {
        if (!ok) throw new IllegalArgumentException(scheduler + ": " + reason);
    }
}
