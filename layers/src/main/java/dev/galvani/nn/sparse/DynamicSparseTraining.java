package dev.galvani.nn.sparse;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Dynamic sparse training as a training callback (bio reference §1.4): every {@code interval}
 * optimizer steps, each layer drops {@code pruneFraction} of its active connections and grows as
 * many inactive ones, so the density stays constant. New connections start at weight 0.
 *
 * <p>Prune criteria: {@link Prune#MAGNITUDE} (SET: smallest |w|, the default), {@link Prune#RANDOM},
 * {@link Prune#HEBBIAN} (smallest Hebbian score). Grow criteria: {@link Grow#HEBBIAN} (top Hebbian
 * score, the default), {@link Grow#RANDOM}, {@link Grow#GRADIENT} (RigL: largest |dL/dW| among the
 * inactive entries; call {@link #step()} after backward and before the gradients are cleared). The
 * Hebbian score is the cosine similarity of a post- and a pre-synaptic unit's activity over the last
 * batch, {@code C[o,i] = ⟨a_o, a_i⟩ / (‖a_o‖ ‖a_i‖ + 1e-8)}, with the layer's output as the
 * post-synaptic activity and its input as the pre-synaptic one ({@link SparseLayer#recordActivity},
 * which this class turns on; a {@link SparseConv2d}'s activity is each channel's spatial mean). The
 * layers are any {@link SparseLayer}: a {@link SparseLinear}'s connections are weights, a
 * {@link SparseConv2d}'s are channel pairs (a connection's magnitude is the sum of its kernel's |w|). Connections pruned in a step are not grown back in the same step.
 *
 * <p>Call {@link #step()} once per optimizer step, inside the step's {@code TensorScope} (the recorded
 * activity belongs to it). {@link #events()} is the log of what was pruned and grown.
 */
public final class DynamicSparseTraining {

    /** Which active connections go. */
    public enum Prune {
        /** The smallest |w| (SET). */
        MAGNITUDE,
        /** Uniformly at random. */
        RANDOM,
        /** The smallest Hebbian score. */
        HEBBIAN
    }

    /** Which inactive connections come. */
    public enum Grow {
        /** The largest Hebbian score. */
        HEBBIAN,
        /** Uniformly at random. */
        RANDOM,
        /** The largest |dL/dW| (RigL). */
        GRADIENT
    }

    /** One rewiring of one layer. */
    public record Event(long step, int layer, int pruned, int grown, double density) {}

    private final List<SparseLayer> layers;
    private final int interval;
    private final double pruneFraction;
    private final Prune prune;
    private final Grow grow;
    private final Generator gen;
    private final List<Event> events = new ArrayList<>();
    private long steps;

    /** SNN port defaults: every 1000 steps, 2.5 % of the active connections, SET pruning, Hebbian growth. */
    public DynamicSparseTraining(List<? extends SparseLayer> layers, Generator gen) { this(layers, 1000, 0.025, Prune.MAGNITUDE, Grow.HEBBIAN, gen); }

    /**
     * @param interval      optimizer steps between rewirings
     * @param pruneFraction the fraction of each layer's active connections replaced per rewiring
     */
    public DynamicSparseTraining(List<? extends SparseLayer> layers, int interval, double pruneFraction, Prune prune, Grow grow, Generator gen) {
        if (interval < 1) throw new IllegalArgumentException("DynamicSparseTraining: the interval must be positive, got " + interval);
        if (!(pruneFraction >= 0 && pruneFraction < 1)) throw new IllegalArgumentException("DynamicSparseTraining: the prune fraction must be in [0, 1), got " + pruneFraction);
        this.layers = List.copyOf(layers);
        this.interval = interval;
        this.pruneFraction = pruneFraction;
        this.prune = prune;
        this.grow = grow;
        this.gen = gen;
        if (prune == Prune.HEBBIAN || grow == Grow.HEBBIAN) this.layers.forEach(l -> l.recordActivity(true));
    }

    /** Counts one optimizer step; rewires every layer when the interval is reached. */
    public void step() {
        steps++;
        if (steps % interval != 0) return;
        for (int l = 0; l < layers.size(); l++) rewire(l);
    }

    /** What was pruned and grown so far. */
    public List<Event> events() { return Collections.unmodifiableList(events); }

    /** The Hebbian score [out, in] of a layer's last recorded batch. */
    public static Tensor hebbianScore(Tensor input, Tensor output) {
        Tensor dots = output.T().matmul(input);                                          // Σ_b a_o[b] a_i[b]
        Tensor norms = output.square().sum(0, false).sqrt().unsqueeze(1).mul(input.square().sum(0, false).sqrt().unsqueeze(0));
        return dots.div(norms.add(1e-8));
    }

    private void rewire(int index) {
        SparseLayer layer = layers.get(index);
        float[] mask = layer.mask().toFloatArray();
        int active = 0;
        for (float m : mask) active += m != 0 ? 1 : 0;
        int k = (int) Math.round(pruneFraction * active);
        if (k == 0) return;
        int inactive = mask.length - active;
        k = Math.min(k, inactive);                 // grow as many as pruned, and never more than there are free places
        if (k == 0) return;
        float[] hebb = prune == Prune.HEBBIAN || grow == Grow.HEBBIAN ? hebbian(layer) : null;

        double[] pruneKey = switch (prune) {      // smaller = pruned first
            case MAGNITUDE -> toDouble(layer.connectionMagnitude().toFloatArray());
            case RANDOM -> toDouble(Tensor.rand(gen, mask.length).toFloatArray());
            case HEBBIAN -> toDouble(hebb);
        };
        int[] pruned = smallest(pruneKey, mask, true, k);
        for (int p : pruned) mask[p] = -1;        // pruned now: not eligible for growth this time

        double[] growKey = switch (grow) {        // larger = grown first
            case HEBBIAN -> toDouble(hebb);
            case RANDOM -> toDouble(Tensor.rand(gen, mask.length).toFloatArray());
            case GRADIENT -> {
                Tensor g = layer.connectionGradient();
                if (g == null) throw new IllegalStateException("DynamicSparseTraining: gradient growth needs the weights' gradient; call step() after backward");
                yield toDouble(g.toFloatArray());
            }
        };
        double[] negated = new double[growKey.length];
        for (int i = 0; i < growKey.length; i++) negated[i] = -growKey[i];
        float[] free = new float[mask.length];
        for (int i = 0; i < mask.length; i++) free[i] = mask[i] == 0 ? 1 : 0;
        int[] grown = smallest(negated, free, true, k);
        for (int p : pruned) mask[p] = 0;
        for (int g : grown) mask[g] = 1;
        layer.setMask(Tensor.of(mask, layer.outputs(), layer.inputs()));
        events.add(new Event(steps, index, pruned.length, grown.length, layer.density()));
    }

    private static float[] hebbian(SparseLayer layer) {
        if (layer.lastInput() == null)
            throw new IllegalStateException("DynamicSparseTraining: no recorded activity yet; run a forward pass before step()");
        return hebbianScore(layer.lastInput(), layer.lastOutput()).toFloatArray();
    }

    /** The k positions with the smallest key among those where {@code eligible} is 1 (ties by position). */
    private static int[] smallest(double[] key, float[] eligible, boolean onlyEligible, int k) {
        List<Integer> idx = new ArrayList<>();
        for (int i = 0; i < key.length; i++) if (!onlyEligible || eligible[i] == 1) idx.add(i);
        idx.sort((a, b) -> key[a] != key[b] ? Double.compare(key[a], key[b]) : Integer.compare(a, b));
        return idx.subList(0, Math.min(k, idx.size())).stream().mapToInt(Integer::intValue).toArray();
    }

    private static double[] toDouble(float[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i];
        return out;
    }
}
