package dev.galvani.benchmarks.train;

import dev.galvani.autograd.Autograd;
import dev.galvani.data.Batch;
import dev.galvani.delay.DelayedLinear;
import dev.galvani.delay.SigmaSchedule;
import dev.galvani.nn.BatchNorm;
import dev.galvani.nn.F;
import dev.galvani.nn.Module;
import dev.galvani.nn.Parameter;
import dev.galvani.nn.Sequential;
import dev.galvani.optim.Adam;
import dev.galvani.optim.CosineAnnealingLR;
import dev.galvani.optim.OneCycleLR;
import dev.galvani.optim.ParamGroup;
import dev.galvani.snn.LIFNode;
import dev.galvani.snn.MultiStep;
import dev.galvani.snn.NonSpikingIntegrator;
import dev.galvani.snn.SNN;
import dev.galvani.snn.SequenceDropout;
import dev.galvani.snn.SpikingNeuron;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.Surrogate;
import java.util.ArrayList;
import java.util.List;

/**
 * The SNN-delays network and its training recipe (DCLS reference §4–§8), shared by the delay
 * ablation and the SHD task: hidden blocks of delay layer → batch norm over T·B → LIF (τ, no input
 * decay, hard reset to 0, threshold 1, detached reset, ATan α = 5) → dropout with one mask over
 * time; an output delay layer into a non-firing integrator whose membrane, summed over time through
 * a softmax, scores the classes. Adam for the weights and batch norm (weight decay 1e-5 on the
 * weights only) with a one-cycle schedule stepped once per epoch; a separate Adam at 100× the
 * learning rate with a cosine schedule for the positions; σ shrinks over the first quarter of the
 * epochs; positions are clamped after every step; evaluation uses the rounded integer delays.
 */
final class SnnDelaysNetwork {

    /** What the arms of the ablation change: the kernel length (1: no delays) and whether positions learn. */
    record Settings(int inputs, int[] hidden, int outputs, int taps, boolean learnPositions, double tau, double dropout,
                    double lr, double weightDecay, int epochs) {}

    final Sequential model;
    private final List<DelayedLinear> delays;
    private final Adam weights;
    private final OneCycleLR weightSchedule;
    private final Adam positionOptimizer;
    private final CosineAnnealingLR positionSchedule;
    private final SigmaSchedule sigma;
    private final boolean hasDelays;

    SnnDelaysNetwork(Settings s, Generator gen) {
        var lif = new SpikingNeuron.Options().vThreshold(1.0).vReset(0.0).detachReset(true).surrogate(Surrogate.atan(5.0));
        List<Module> layers = new ArrayList<>();
        int in = s.inputs();
        for (int width : s.hidden()) {
            layers.add(new DelayedLinear(in, width, s.taps(), gen));
            layers.add(new MultiStep(new BatchNorm.BatchNorm1d(width)));
            layers.add(new LIFNode(s.tau(), false, lif));
            layers.add(new SequenceDropout(s.dropout(), gen));
            in = width;
        }
        layers.add(new DelayedLinear(in, s.outputs(), s.taps(), gen));
        layers.add(new NonSpikingIntegrator(s.tau()));
        model = new Sequential(layers.toArray(Module[]::new));
        delays = layers.stream().filter(m -> m instanceof DelayedLinear).map(m -> (DelayedLinear) m).toList();
        hasDelays = s.taps() > 1;

        List<Parameter> positions = new ArrayList<>(), decayed = new ArrayList<>(), plain = new ArrayList<>();
        for (var e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (!p.requiresGrad()) continue;                         // σ: frozen, moved by the schedule
            if (e.getKey().endsWith(".P")) positions.add(p);
            else if (e.getKey().endsWith(".weight") && p.value().dim() == 3) decayed.add(p);    // delay-layer weights
            else plain.add(p);                                       // batch norm: no weight decay (§8)
        }
        if (!s.learnPositions()) positions.forEach(p -> p.requiresGrad(false));
        weights = new Adam(List.of(new ParamGroup(decayed).set("weight_decay", s.weightDecay()), new ParamGroup(plain).set("weight_decay", 0.0)),
                Adam.options().lr(s.lr()));
        weightSchedule = new OneCycleLR(weights, 5 * s.lr(), s.epochs());
        positionOptimizer = s.learnPositions() && hasDelays ? new Adam(positions, Adam.options().lr(100 * s.lr())) : null;
        positionSchedule = positionOptimizer == null ? null : new CosineAnnealingLR(positionOptimizer, s.epochs());
        sigma = new SigmaSchedule(delays, Math.max(s.taps() / 2, SigmaSchedule.FLOOR), s.epochs() / 4);
    }

    /** Σ_t softmax(V[t]) over the readout's membrane [T', B, K]: the class scores of SNN-delays (§4). */
    Tensor scores(Tensor timeMajor) { return F.softmax(model.forward(timeMajor), 2).sum(0, false); }

    /** One epoch over batches with inputs [B, T, C]; returns the mean training loss. */
    double trainEpoch(Iterable<Batch> batches) {
        model.train();
        double sum = 0;
        int n = 0;
        for (Batch b : batches) {
            try (var step = TensorScope.open()) {
                SNN.resetState(model);
                Tensor loss = F.crossEntropy(scores(b.inputs().permute(1, 0, 2)), b.targets());
                model.zeroGrad();
                loss.backward();
                weights.step();
                if (positionOptimizer != null) positionOptimizer.step();
                delays.forEach(DelayedLinear::clampPositions);
                sum += loss.item();
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** After epoch {@code epoch} (0-based): the learning-rate schedules, then σ (§6). */
    void endEpoch(int epoch) {
        weightSchedule.step();
        if (positionSchedule != null) positionSchedule.step();
        if (hasDelays) sigma.step(epoch);
    }

    /** Accuracy with the rounded, integer delays (§7). */
    double evaluate(Iterable<Batch> batches) {
        model.eval();
        long correct = 0, seen = 0;
        try (var _ = Autograd.noGrad()) {
            for (Batch b : batches)
                try (var scope = TensorScope.open()) {
                    SNN.resetState(model);
                    correct += scores(b.inputs().permute(1, 0, 2)).argmax(1).eq(b.targets()).sum().itemLong();
                    seen += b.targets().numel();
                }
        }
        return (double) correct / seen;
    }

    double sigmaNow() { return sigma.sigma(); }
}
