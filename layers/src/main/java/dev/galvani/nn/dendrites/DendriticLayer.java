package dev.galvani.nn.dendrites;

import dev.galvani.nn.Init;
import dev.galvani.nn.Linear;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * A linear layer whose units carry active dendritic segments (Iyer et al. 2022; bio reference §3.2):
 * each of the {@code units} outputs has {@code segments} segments that read a context vector,
 * {@code a[b, i, j] = Σ_k W[i, j, k] c[b, k]} (a fixed random fraction of W is zero), and the
 * segments modulate the feed-forward output {@code y} of their unit:
 * <ul>
 *   <li>{@link Combination#BIAS}: {@code y + max_j a_j}</li>
 *   <li>{@link Combination#GATE}: {@code y · σ(max_j a_j)}</li>
 *   <li>{@link Combination#ABS_MAX_GATE} (the default): {@code y · σ(a_{j*})}, {@code j* = argmax_j |a_j|}: a strongly negative segment shuts the unit off</li>
 * </ul>
 * The gradient reaches only the winning segment. Weights use the sparse Kaiming initialisation,
 * {@code U(±1/√(density · fan_in))}.
 */
public final class DendriticLayer extends Module {

    /** How the segments' activations modulate the unit. */
    public enum Combination {
        /** {@code y + max_j a_j}. */
        BIAS,
        /** {@code y · σ(max_j a_j)}. */
        GATE,
        /** {@code y · σ(a_{j*})} with {@code j* = argmax_j |a_j|} (the default layer of Iyer et al.). */
        ABS_MAX_GATE
    }

    /** Output units, segments per unit, and the context's length. */
    public final int units, segments, contextSize;
    /** How segments modulate their unit. */
    public final Combination combination;
    /** The feed-forward part, {@code y = x Wᵀ + b}. */
    public final Linear feedForward;
    /** Segment weights [units, segments, contextSize]; a fixed random fraction is masked to zero. */
    public final Parameter segmentWeight;

    /**
     * @param dendriteSparsity the fraction of segment weights fixed at zero (Iyer et al.: 0.95)
     */
    public DendriticLayer(int in, int units, int segments, int contextSize, double dendriteSparsity, Combination combination, Generator gen) {
        if (segments < 1 || contextSize < 1) throw new IllegalArgumentException("DendriticLayer: needs at least one segment and a context");
        if (!(dendriteSparsity >= 0 && dendriteSparsity < 1)) throw new IllegalArgumentException("DendriticLayer: sparsity must be in [0, 1), got " + dendriteSparsity);
        this.units = units;
        this.segments = segments;
        this.contextSize = contextSize;
        this.combination = combination;
        this.feedForward = registerModule("ff", new Linear(in, units, true, gen));
        double density = 1 - dendriteSparsity;
        Tensor mask = Tensor.rand(gen, units, segments, contextSize).lt(density).to(DType.F32);
        Tensor w = Init.uniform(gen, 1 / Math.sqrt(density * contextSize), units, segments, contextSize).mul(mask);
        this.segmentWeight = registerParameter("segments", w);
        registerBuffer("segment_mask", mask);
    }

    /** The segments' activations [B, units, segments] for a context [B, contextSize]. */
    public Tensor segmentActivations(Tensor context) {
        Tensor w = segmentWeight.value().mul(buffer("segment_mask"));               // masked entries stay zero and learn nothing
        return context.matmul(w.reshape(units * segments, contextSize).T()).reshape(context.size(0), units, segments);
    }

    /** The unit outputs [B, units] for inputs [B, in] and a context [B, contextSize]. */
    public Tensor forward(Tensor x, Tensor context) {
        Tensor y = feedForward.forward(x);
        Tensor a = segmentActivations(context);
        return switch (combination) {
            case BIAS -> y.add(a.max(2).values());
            case GATE -> y.mul(a.max(2).values().sigmoid());
            case ABS_MAX_GATE -> {
                Tensor winner = a.abs().argmax(2, true);                             // j* per unit
                yield y.mul(a.gather(2, winner).squeeze(2).sigmoid());
            }
        };
    }

    /** Without a context the layer cannot decide; use {@link #forward(Tensor, Tensor)}. */
    @Override public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("DendriticLayer: call forward(x, context)");
    }

    @Override protected String extraRepr() {
        return "units=" + units + ", segments=" + segments + ", context=" + contextSize + ", " + combination;
    }
}
