package dev.galvani.nn.dendrites;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.optim.Optimizer;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Perforated backpropagation's training cycle (bio reference §2.3) for every
 * {@link PerforatedNeuron} in a model: the n-phase trains the neurons; when the
 * {@link DendriteSwitch} says so, the best-validation model is reloaded (its structure included)
 * and one dendrite set is added to every neuron (when the set of the last switch did not help,
 * the model of that switch is reloaded instead and the set tried again with new weights); with {@link DendriteRule#CORRELATION} the new
 * candidates first learn alone on the cascade-correlation objective (the p-phase, §2.2) and the
 * state with the highest total |C| is accepted with U = 0; with {@link DendriteRule#GRADIENT} the
 * set is accepted at once and learns with the neurons. The cycle repeats until the switch stops
 * it, which restores the best model.
 *
 * <p>The caller owns the data and the epochs:
 * <pre>{@code
 * var trainer = new PerforatedTrainer(model, DendriteRule.CORRELATION, DendriteSwitch.history(),
 *         params -> new Adam(params), 5);
 * while (trainer.phase() != PerforatedTrainer.Phase.DONE) {
 *     for (Batch b : train) trainer.step(() -> loss(model, b));
 *     trainer.endEpoch(accuracy(model, validation));
 * }
 * }</pre>
 * A new optimizer is made (by the given factory, over the parameters that learn in the new phase)
 * after every restructuring, since the set of parameters changes. The p-phase's length,
 * {@code candidateEpochs}, is not given by the reference (its code decides by the candidates'
 * score history); Galvani runs a fixed number of epochs and keeps the best candidate state.
 */
public final class PerforatedTrainer {

    /** Where the cycle is. */
    public enum Phase {
        /** Training the neurons (and U; and the dendrites, with gradient dendrites). */
        NEURON,
        /** Training the candidate dendrites on the correlation objective. */
        CANDIDATE,
        /** Stopped; the best model is restored. */
        DONE
    }

    /**
     * One restructuring or phase change, for the log: the epoch it followed (1-based), that epoch's
     * validation score, the best score so far, and the dendrite sets on each neuron afterwards.
     */
    public record Event(int epoch, String what, double score, double best, int dendrites) {}

    private final Module model;
    private final DendriteRule rule;
    private final DendriteSwitch switchRule;
    private final Function<List<Parameter>, Optimizer> optimizers;
    private final int candidateEpochs;
    private final List<PerforatedNeuron> neurons = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private Optimizer optimizer;
    private Phase phase = Phase.NEURON;
    private int epoch, candidateEpoch;
    private double bestScore = Double.NEGATIVE_INFINITY, bestCorrelation;
    private Snapshot best, atSwitch, bestCandidates;
    private List<CascadeCorrelation> trackers = List.of();

    /**
     * @param model           a model with at least one {@link PerforatedNeuron}
     * @param optimizers      makes the optimizer for the parameters that learn (called again after every restructuring)
     * @param candidateEpochs the p-phase's length in epochs (correlation rule only)
     */
    public PerforatedTrainer(Module model, DendriteRule rule, DendriteSwitch switchRule, Function<List<Parameter>, Optimizer> optimizers, int candidateEpochs) {
        this.model = Objects.requireNonNull(model, "model");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.switchRule = Objects.requireNonNull(switchRule, "switchRule");
        this.optimizers = Objects.requireNonNull(optimizers, "optimizers");
        if (candidateEpochs < 1) throw new IllegalArgumentException("PerforatedTrainer: candidateEpochs must be at least 1, got " + candidateEpochs);
        this.candidateEpochs = candidateEpochs;
        for (Module m : model.namedModules().values()) if (m instanceof PerforatedNeuron n) neurons.add(n.rule(rule));
        if (neurons.isEmpty()) throw new IllegalArgumentException("PerforatedTrainer: the model has no PerforatedNeuron; wrap its layers first");
        newOptimizer();
    }

    /** The current phase. */
    public Phase phase() { return phase; }

    /** The optimizer of the current phase (a new one after every restructuring). */
    public Optimizer optimizer() { return optimizer; }

    /** Dendrite sets on every neuron now (a candidate included). */
    public int dendrites() { return neurons.getFirst().dendriteCount(); }

    /** The best validation score seen. */
    public double bestScore() { return bestScore; }

    /** What happened, in order. */
    public List<Event> events() { return List.copyOf(events); }

    /**
     * One optimizer step on a batch: {@code loss} runs the model's forward pass and returns the
     * task loss. In the n-phase the loss is minimised; in the p-phase its gradient at each neuron's
     * output is the error e, and the candidates minimise the correlation loss (§2.2) instead, the
     * task loss's graph through the neurons being left alone. Returns the task loss.
     */
    public double step(Supplier<Tensor> loss) {
        if (phase == Phase.DONE) throw new IllegalStateException("PerforatedTrainer: training has stopped; the best model is restored");
        optimizer.zeroGrad();
        Tensor l = loss.get();
        if (phase == Phase.NEURON) {
            l.backward();
        } else {
            List<Tensor> outputs = new ArrayList<>();
            for (PerforatedNeuron n : neurons) {
                if (n.lastOutput() == null) throw new IllegalStateException("PerforatedTrainer: the loss did not run every PerforatedNeuron's forward pass");
                outputs.add(n.lastOutput());
            }
            List<Tensor> errors = Autograd.grad(List.of(l), outputs, null, false, true);
            Tensor candidateLoss = null;
            for (int k = 0; k < neurons.size(); k++) {
                if (errors.get(k) == null) continue;      // a neuron the loss does not reach
                Tensor d = samplesByNeurons(neurons.get(k).lastCandidate()), e = samplesByNeurons(errors.get(k));
                Tensor c = CascadeCorrelation.candidateLoss(d, e, trackers.get(k).update(d, e));
                candidateLoss = candidateLoss == null ? c : candidateLoss.add(c);
            }
            if (candidateLoss != null) candidateLoss.backward();
        }
        optimizer.step();
        return l.itemDouble();
    }

    /**
     * Ends an epoch with its validation score (higher is better, e.g. accuracy or minus the loss)
     * and moves the cycle on; returns the new phase. In the p-phase the score is not used (the
     * candidates' U is 0, so the model's output is what it was).
     */
    public Phase endEpoch(double validationScore) {
        epoch++;
        switch (phase) {
            case DONE -> throw new IllegalStateException("PerforatedTrainer: training has stopped");
            case NEURON -> {
                if (validationScore > bestScore) {
                    bestScore = validationScore;
                    best = Snapshot.of(model, neurons);
                }
                switch (switchRule.after(validationScore)) {
                    case CONTINUE -> {}
                    case SWITCH -> {
                        atSwitch = best;
                        addSets(atSwitch, validationScore, "best model reloaded; dendrite set ");
                    }
                    case RETRY -> addSets(atSwitch, validationScore, "the last set did not help: model of the last switch reloaded; dendrite set ");
                    case STOP -> {
                        best.restore(model, neurons);
                        phase = Phase.DONE;
                        events.add(new Event(epoch, "stop: best model restored", validationScore, bestScore, dendrites()));
                    }
                }
            }
            case CANDIDATE -> {
                double correlation = 0;
                for (CascadeCorrelation t : trackers) if (t.running() != null) correlation += t.running().abs().sum().itemDouble();
                if (bestCandidates == null || correlation > bestCorrelation) {
                    bestCorrelation = correlation;
                    bestCandidates = Snapshot.of(model, neurons);
                }
                if (++candidateEpoch >= candidateEpochs) {
                    bestCandidates.restore(model, neurons);   // the structure is the same; the candidates' best weights return
                    for (PerforatedNeuron n : neurons) n.accept();
                    bestCandidates = null;
                    phase = Phase.NEURON;
                    newOptimizer();
                    events.add(new Event(epoch, "accept candidates (total |C| " + String.format(java.util.Locale.ROOT, "%.4g", bestCorrelation) + ")", validationScore, bestScore, dendrites()));
                }
            }
        }
        return phase;
    }

    /**
     * Stops now (an epoch budget is spent) and restores the best model, its structure included; a
     * candidate set still in its p-phase is dropped. Does nothing once stopped.
     */
    public void stop() {
        if (phase == Phase.DONE) return;
        if (best != null) best.restore(model, neurons);
        phase = Phase.DONE;
        events.add(new Event(epoch, "stopped at the epoch budget: best model restored", Double.NaN, bestScore, dendrites()));
    }

    private void addSets(Snapshot from, double score, String what) {
        from.restore(model, neurons);
        for (PerforatedNeuron n : neurons) n.addDendrite();
        if (rule == DendriteRule.GRADIENT) {
            for (PerforatedNeuron n : neurons) n.accept();
        } else {
            trackers = new ArrayList<>();
            for (int k = 0; k < neurons.size(); k++) trackers.add(new CascadeCorrelation());
            candidateEpoch = 0;
            phase = Phase.CANDIDATE;
        }
        newOptimizer();
        events.add(new Event(epoch, what + dendrites() + " added", score, bestScore, dendrites()));
    }

    private void newOptimizer() {
        List<Parameter> learning = model.parameters().stream().filter(Parameter::requiresGrad).toList();
        optimizer = optimizers.apply(learning);
    }

    /** [N, neurons] over every sample and position: the neuron axis (1) moved last and the rest flattened. */
    private static Tensor samplesByNeurons(Tensor t) {
        if (t.dim() == 2) return t;
        int[] order = new int[t.dim()];
        for (int i = 0, j = 0; i < t.dim(); i++) if (i != 1) order[j++] = i;
        order[t.dim() - 1] = 1;
        return t.permute(order).reshape(-1, t.size(1));
    }

    /** A model's weights and dendrite counts, copied off any scope. */
    private record Snapshot(Map<String, Tensor> state, int[] counts) {
        static Snapshot of(Module model, List<PerforatedNeuron> neurons) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            TensorScope.untracked(() -> {
                model.stateDict().forEach((k, v) -> state.put(k, v.clone()));
                return null;
            });
            return new Snapshot(state, neurons.stream().mapToInt(PerforatedNeuron::dendriteCount).toArray());
        }

        void restore(Module model, List<PerforatedNeuron> neurons) {
            for (int k = 0; k < neurons.size(); k++) {
                PerforatedNeuron n = neurons.get(k);
                if (n.mode() == PerforatedNeuron.Mode.CANDIDATE && n.dendriteCount() == counts[k]) continue;   // candidates keep their mode
                n.restructure(counts[k]);
            }
            model.loadStateDict(state);
        }
    }
}
