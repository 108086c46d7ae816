package dev.galvani.optim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The 1cycle policy (Smith &amp; Topin, "Super-Convergence: Very Fast Training of Neural Networks
 * Using Large Learning Rates", 2017) as {@code torch.optim.lr_scheduler.OneCycleLR}: the learning
 * rate climbs from max_lr / divFactor to max_lr over the first {@code pctStart} of the steps, then
 * anneals to max_lr / (divFactor * finalDivFactor); momentum (SGD, RMSprop) or beta1 (Adam) moves
 * the opposite way between maxMomentum and baseMomentum. {@code threePhase} (the paper's version)
 * climbs, comes back down to the initial rate symmetrically, then anneals to the minimum. Step it
 * after every batch; it may be stepped {@code totalSteps} times.
 * <pre>{@code
 * var schedule = new OneCycleLR(opt, OneCycleLR.options(0.1).epochs(10, loader.size()));
 * }</pre>
 * The rates live in the groups, under PyTorch's names {@code initial_lr}, {@code max_lr},
 * {@code min_lr}, {@code max_momentum}, {@code base_momentum}, so the optimizer's checkpoint keeps them.
 */
public final class OneCycleLR extends LRScheduler {

    /** How a phase moves from its start value to its end value. */
    public enum Anneal {
        /** Half a cosine: end + (start - end) / 2 * (1 + cos(pi * pct)). */
        COS,
        /** A straight line: start + (end - start) * pct. */
        LINEAR;

        double between(double start, double end, double pct) {
            return this == COS ? end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1) : (end - start) * pct + start;
        }
    }

    /** Settings with PyTorch's defaults; the peak rate and the length are required. */
    public static final class Options {
        private final double[] maxLr;
        private int totalSteps = -1, epochs = -1, stepsPerEpoch = -1;
        private double pctStart = 0.3;
        private Anneal anneal = Anneal.COS;
        private boolean cycleMomentum = true;
        private double[] baseMomentum = {0.85}, maxMomentum = {0.95};
        private double divFactor = 25, finalDivFactor = 1e4;
        private boolean threePhase;

        private Options(double[] maxLr) { this.maxLr = maxLr.clone(); }

        /** The number of steps in the cycle (takes precedence over {@link #epochs}). */
        public Options totalSteps(int totalSteps) { this.totalSteps = totalSteps; return this; }
        /** The cycle spans {@code epochs * stepsPerEpoch} steps. */
        public Options epochs(int epochs, int stepsPerEpoch) { this.epochs = epochs; this.stepsPerEpoch = stepsPerEpoch; return this; }
        /** The fraction of the cycle spent increasing the rate (0.3). */
        public Options pctStart(double pctStart) { this.pctStart = pctStart; return this; }
        /**
         * How each phase moves between its values (default {@link Anneal#COS}), PyTorch's
         * {@code anneal_strategy}; returns these options.
         */
        public Options anneal(Anneal anneal) { this.anneal = Objects.requireNonNull(anneal, "anneal"); return this; }
        /** Whether momentum / beta1 moves inversely to the rate (true). */
        public Options cycleMomentum(boolean cycleMomentum) { this.cycleMomentum = cycleMomentum; return this; }
        /** The lowest momentum, reached at the peak rate (0.85); one value, or one per group. */
        public Options baseMomentum(double... baseMomentum) { this.baseMomentum = baseMomentum.clone(); return this; }
        /** The highest momentum, at the start and the end (0.95); one value, or one per group. */
        public Options maxMomentum(double... maxMomentum) { this.maxMomentum = maxMomentum.clone(); return this; }
        /** initial_lr = max_lr / divFactor (25). */
        public Options divFactor(double divFactor) { this.divFactor = divFactor; return this; }
        /** min_lr = initial_lr / finalDivFactor (1e4). */
        public Options finalDivFactor(double finalDivFactor) { this.finalDivFactor = finalDivFactor; return this; }
        /**
         * The paper's three phases: up, back down to the initial rate symmetrically, then down to the minimum
         * (default false), PyTorch's {@code three_phase}; returns these options.
         */
        public Options threePhase(boolean threePhase) { this.threePhase = threePhase; return this; }
    }

    /** Options with the peak learning rate: one value, or one per parameter group. */
    public static Options options(double... maxLr) { return new Options(maxLr); }

    /** A phase runs from the previous phase's end step to {@code endStep}, moving between the named group options. */
    private record Phase(double endStep, String startLr, String endLr, String startMomentum, String endMomentum) {}

    private final int totalSteps;
    private final double pctStart, divFactor, finalDivFactor;
    private final Anneal anneal;
    private final boolean threePhase;
    private final List<Phase> phases;
    /** The group option that momentum cycling writes ({@code momentum} or {@code beta1}), or null. */
    private final String momentumKey;

    /** The default policy peaking at {@code maxLr} over {@code totalSteps} steps. */
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps) { this(optimizer, options(maxLr).totalSteps(totalSteps)); }

    /**
     * The 1cycle policy on {@code optimizer} with the settings {@code o}, as
     * {@code OneCycleLR(opt, max_lr, ...)}:
     * {@code new OneCycleLR(opt, OneCycleLR.options(0.1).epochs(10, loader.size()))}.
     */
    public OneCycleLR(Optimizer optimizer, Options o) {
        Objects.requireNonNull(optimizer, "optimizer");
        List<ParamGroup> groups = optimizer.paramGroups();
        int total = totalSteps(o);
        require(o.pctStart >= 0 && o.pctStart <= 1, "OneCycleLR", "pctStart must be between 0 and 1, got " + o.pctStart);
        require(o.divFactor > 0 && o.finalDivFactor > 0, "OneCycleLR",
                "divFactor and finalDivFactor must be > 0, got " + o.divFactor + " and " + o.finalDivFactor);
        double[] maxLr = perGroup(o.maxLr, groups.size(), "maxLr");
        for (double v : maxLr) require(v >= 0 && Double.isFinite(v), "OneCycleLR", "maxLr must be finite and >= 0, got " + v);
        String key = null;
        double[] baseMomentum = null, maxMomentum = null;
        if (o.cycleMomentum) {
            key = optimizer.defaults().containsKey("beta1") ? "beta1" : optimizer.defaults().containsKey("momentum") ? "momentum" : null;
            require(key != null, "OneCycleLR", optimizer.getClass().getSimpleName()
                    + " has neither momentum nor beta1 to cycle; use cycleMomentum(false)");
            baseMomentum = perGroup(o.baseMomentum, groups.size(), "baseMomentum");
            maxMomentum = perGroup(o.maxMomentum, groups.size(), "maxMomentum");
        }
        // Everything is valid: write the cycle's rates into the groups (PyTorch overwrites initial_lr here).
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            g.set("initial_lr", maxLr[i] / o.divFactor).set("max_lr", maxLr[i]).set("min_lr", maxLr[i] / o.divFactor / o.finalDivFactor);
            if (key != null) g.set(key, maxMomentum[i]).set("max_momentum", maxMomentum[i]).set("base_momentum", baseMomentum[i]);
        }
        this.totalSteps = total;
        this.pctStart = o.pctStart;
        this.divFactor = o.divFactor;
        this.finalDivFactor = o.finalDivFactor;
        this.anneal = o.anneal;
        this.threePhase = o.threePhase;
        this.momentumKey = key;
        this.phases = o.threePhase
                ? List.of(new Phase(o.pctStart * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                          new Phase(2 * o.pctStart * total - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                          new Phase(total - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"))
                : List.of(new Phase(o.pctStart * total - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                          new Phase(total - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"));
        super(optimizer);
    }

    private static int totalSteps(Options o) {
        if (o.totalSteps != -1) {
            require(o.totalSteps > 0, "OneCycleLR", "totalSteps must be a positive integer, got " + o.totalSteps);
            return o.totalSteps;
        }
        require(o.epochs != -1, "OneCycleLR", "set totalSteps, or epochs and stepsPerEpoch");
        require(o.epochs > 0, "OneCycleLR", "epochs must be a positive integer, got " + o.epochs);
        require(o.stepsPerEpoch > 0, "OneCycleLR", "stepsPerEpoch must be a positive integer, got " + o.stepsPerEpoch);
        return Math.multiplyExact(o.epochs, o.stepsPerEpoch);
    }

    private static double[] perGroup(double[] values, int groups, String what) {
        if (values.length == 1 && groups != 1) {
            double[] out = new double[groups];
            Arrays.fill(out, values[0]);
            return out;
        }
        require(values.length == groups, "OneCycleLR", "expected " + groups + " values for " + what + " (one per parameter group), got " + values.length);
        return values.clone();
    }

    /** The number of steps in the cycle, PyTorch's {@code total_steps}. */
    public int totalSteps() { return totalSteps; }

    /** Where {@code step} falls: its phase and the fraction of that phase done. */
    private record Position(Phase phase, double pct) {}

    private Position position(int step) {
        double start = 0;
        for (int i = 0; i < phases.size(); i++) {
            Phase p = phases.get(i);
            if (step <= p.endStep() || i == phases.size() - 1) {
                // A phase of zero length (tiny cycles) counts as done; PyTorch divides by zero there.
                double pct = p.endStep() == start ? 1 : (step - start) / (p.endStep() - start);
                return new Position(p, pct);
            }
            start = p.endStep();
        }
        throw new AssertionError("unreachable: the last phase takes every step");
    }

    @Override protected void apply(int epoch) {
        if (epoch > totalSteps)
            throw new IllegalStateException("OneCycleLR: tried to step " + epoch + " times; the cycle has " + totalSteps + " steps");
        super.apply(epoch);
        if (momentumKey == null) return;
        Position at = position(epoch);
        for (ParamGroup g : optimizer().paramGroups())
            g.set(momentumKey, anneal.between(g.get(at.phase().startMomentum()), g.get(at.phase().endMomentum()), at.pct()));
    }

    @Override protected double lrAt(int group, int epoch) {
        ParamGroup g = optimizer().paramGroups().get(group);
        Position at = position(epoch);
        return anneal.between(g.get(at.phase().startLr()), g.get(at.phase().endLr()), at.pct());
    }

    @Override protected Map<String, String> hyperparameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("total_steps", Integer.toString(totalSteps));
        h.put("pct_start", Double.toString(pctStart));
        h.put("anneal_strategy", anneal == Anneal.COS ? "cos" : "linear");
        h.put("cycle_momentum", Boolean.toString(momentumKey != null));
        h.put("div_factor", Double.toString(divFactor));
        h.put("final_div_factor", Double.toString(finalDivFactor));
        h.put("three_phase", Boolean.toString(threePhase));
        return h;
    }
}
