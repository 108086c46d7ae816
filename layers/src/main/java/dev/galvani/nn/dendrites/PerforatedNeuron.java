package dev.galvani.nn.dendrites;

import dev.galvani.autograd.Autograd;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A layer wrapped as a neuron module with dendrites (perforated backpropagation, Brenner &amp; Itti,
 * arXiv 2501.18018; bio reference §2.1). The neuron axis is dimension 1 of the wrapped module's
 * output (a Linear's features, a Conv's channels). Each dendrite is a fresh copy of the wrapped
 * layer (same input and output shape) with weights {@code N(0, 1) · 0.01}, and the dendrites form a
 * cascade: {@code d_i = σ(D_i(x) + Σ_{j<i} V_{i,j} ⊙ d_j)}; the neuron is
 * {@code y = M(x) + Σ_i U_i ⊙ d_i} with per-neuron vectors V and U broadcast along the neuron axis.
 *
 * <p>Modes (§2.1): in {@link Mode#NEURON} the wrapped layer and every U learn, accepted dendrites
 * and their V do not; in {@link Mode#CANDIDATE} only the newest (candidate) dendrite and its V learn,
 * it sees its input cut from the graph (the "perforation": its objective does not reach earlier
 * layers), and its U is 0, so the neuron's output is what it was. {@link #addDendrite()} appends a
 * candidate; {@link #accept()} freezes it, with U = 0, and returns to neuron mode; {@link #reject()}
 * removes it (a failed try, §2.3). With gradient-descent dendrites (the open-source rule,
 * {@link DendriteRule#GRADIENT}) a dendrite is accepted at once and, in neuron mode, learns on the
 * task loss with its V and U beside the wrapped layer; with {@link DendriteRule#CORRELATION}
 * accepted dendrites are frozen and only U learns. {@link PerforatedTrainer} drives the cycle and
 * {@link PerforatedCheckpoint} saves the structure with the weights.
 */
public final class PerforatedNeuron extends Module {

    /** Which part learns. */
    public enum Mode {
        /** The wrapped layer and the U vectors. */
        NEURON,
        /** Only the newest dendrite (and its cascade vectors). */
        CANDIDATE
    }

    /** The wrapped layer. */
    public final Module main;
    private final Supplier<Module> copy;
    private final int neurons;
    private final Generator gen;
    private final List<Module> dendrites = new ArrayList<>();
    private final List<Parameter> cascade = new ArrayList<>();      // V_i: [i, neurons] for dendrite i (null for the first)
    private final List<Parameter> outputWeights = new ArrayList<>(); // U_i: [neurons]
    private Mode mode = Mode.NEURON;
    private DendriteRule rule = DendriteRule.CORRELATION;
    private Tensor lastOutput, lastCandidate;

    /**
     * @param copy    makes a layer with the wrapped one's shapes (e.g. {@code () -> new Linear(784, 64)}); its weights are re-drawn
     * @param neurons the size of the wrapped layer's output dimension 1
     */
    public PerforatedNeuron(Module main, Supplier<Module> copy, int neurons, Generator gen) {
        this.main = registerModule("main", main);
        this.copy = copy;
        this.neurons = neurons;
        this.gen = gen;
    }

    /** The number of dendrites, the candidate included. */
    public int dendriteCount() { return dendrites.size(); }

    /** The current mode. */
    public Mode mode() { return mode; }

    /** How accepted dendrites learn (correlation: frozen; gradient: with the neuron, on the task loss). */
    public DendriteRule rule() { return rule; }

    /** Sets how accepted dendrites learn in neuron mode; see {@link DendriteRule}. */
    public PerforatedNeuron rule(DendriteRule r) {
        rule = java.util.Objects.requireNonNull(r, "rule");
        setMode(mode);
        return this;
    }

    /**
     * Grows or shrinks the accepted dendrites to {@code count}, in neuron mode: removed ones go from
     * the end (the newest first); added ones are accepted at once (weights N(0, 1) · 0.01, V and U
     * 0). Used to give a module the structure of a saved model before its weights are loaded.
     */
    public void restructure(int count) {
        if (count < 0) throw new IllegalArgumentException("PerforatedNeuron: a dendrite count cannot be negative: " + count);
        if (mode == Mode.CANDIDATE) reject();
        while (dendrites.size() > count) removeLast();
        while (dendrites.size() < count) {
            addDendrite();
            accept();
        }
    }

    /** The neuron's output y of the last forward pass in candidate mode (null otherwise): the trainer reads its error. */
    public Tensor lastOutput() { return lastOutput; }

    /** The candidate's output d of the last forward pass in candidate mode (null otherwise). */
    public Tensor lastCandidate() { return lastCandidate; }

    /** Appends a candidate dendrite (weights N(0, 1) · 0.01, V and U zero) and switches to candidate mode. */
    public Module addDendrite() {
        if (mode == Mode.CANDIDATE) throw new IllegalStateException("PerforatedNeuron: a candidate is already being trained; accept or reject it first");
        int i = dendrites.size();
        Module d = copy.get();
        try (var _ = Autograd.noGrad()) {
            for (Parameter p : d.parameters()) p.value().copyFrom(Tensor.randn(gen, p.shape()).mul(0.01).to(p.value().dtype()));
        }
        dendrites.add(registerModule("dendrite" + i, d));
        cascade.add(i == 0 ? null : registerParameter("V" + i, Tensor.zeros(i, neurons)));
        outputWeights.add(registerParameter("U" + i, Tensor.zeros(neurons)));
        setMode(Mode.CANDIDATE);
        return d;
    }

    /** Keeps the candidate: U stays 0 until neuron mode trains it. */
    public void accept() {
        if (mode != Mode.CANDIDATE) throw new IllegalStateException("PerforatedNeuron: no candidate to accept");
        try (var _ = Autograd.noGrad()) {
            outputWeights.getLast().value().fill(0);
        }
        setMode(Mode.NEURON);
    }

    /** Drops the candidate (a failed try). */
    public void reject() {
        if (mode != Mode.CANDIDATE) throw new IllegalStateException("PerforatedNeuron: no candidate to reject");
        removeLast();
        setMode(Mode.NEURON);
    }

    private void removeLast() {
        int i = dendrites.size() - 1;
        dendrites.removeLast();
        cascade.removeLast();
        outputWeights.removeLast();
        unregister("dendrite" + i);
        if (i > 0) unregister("V" + i);
        unregister("U" + i);
    }

    private void setMode(Mode m) {
        mode = m;
        lastOutput = lastCandidate = null;
        main.parameters().forEach(p -> p.requiresGrad(m == Mode.NEURON));
        for (int i = 0; i < dendrites.size(); i++) {
            boolean candidate = m == Mode.CANDIDATE && i == dendrites.size() - 1;
            boolean learns = candidate || (m == Mode.NEURON && rule == DendriteRule.GRADIENT);
            dendrites.get(i).parameters().forEach(p -> p.requiresGrad(learns));
            if (cascade.get(i) != null) cascade.get(i).requiresGrad(learns);
            outputWeights.get(i).requiresGrad(m == Mode.NEURON);
        }
    }

    /** The dendrites' outputs d_i for an input (in candidate mode the candidate's inputs, x and the earlier d_j, cut from the graph). */
    public List<Tensor> dendriteOutputs(Tensor x) {
        List<Tensor> d = new ArrayList<>();
        for (int i = 0; i < dendrites.size(); i++) {
            boolean candidate = mode == Mode.CANDIDATE && i == dendrites.size() - 1;
            Tensor pre = dendrites.get(i).forward(candidate ? x.detach() : x);
            // The candidate's whole input is cut: x and the earlier dendrites' outputs alike, so its
            // objective trains its own weights and V only (and never reaches the accepted dendrites).
            for (int j = 0; j < i; j++) pre = pre.add(alongNeurons(cascade.get(i).value().select(0, j), pre).mul(candidate ? d.get(j).detach() : d.get(j)));
            d.add(pre.sigmoid());
        }
        return d;
    }

    @Override public Tensor forward(Tensor x) {
        Tensor y = main.forward(x);
        List<Tensor> d = dendriteOutputs(x);
        for (int i = 0; i < d.size(); i++) y = y.add(alongNeurons(outputWeights.get(i).value(), y).mul(d.get(i)));
        if (mode == Mode.CANDIDATE) {
            lastOutput = y;
            lastCandidate = d.getLast();
        }
        return y;
    }

    /** A per-neuron vector [neurons] shaped to broadcast along dimension 1 of {@code like}. */
    private static Tensor alongNeurons(Tensor v, Tensor like) {
        int[] shape = new int[like.dim()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = v.size(0);
        return v.reshape(shape);
    }

    @Override protected String extraRepr() { return "neurons=" + neurons + ", dendrites=" + dendrites.size() + ", mode=" + mode + ", rule=" + rule; }
}
