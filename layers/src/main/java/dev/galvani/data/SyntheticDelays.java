package dev.galvani.data;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;

/**
 * A spike-timing task that only delays solve: every example fires each of {@code channels} input
 * channels exactly once, and the classes differ only in the <em>order</em> of those spikes. Class
 * {@code c} has a template of distinct offsets {@code o[c][i] ∈ [0, span)}, one per channel; an
 * example starts at a random step {@code t0} and channel {@code i} fires at {@code t0 + o[c][i]},
 * plus independent noise spikes at rate {@code noise} per channel and step.
 *
 * <p>Why a network without delays stays near chance: at most one template spike falls on any
 * step, and every class fires every channel once, so a network without memory (SNN-delays' LIF
 * with τ ≈ 1) sees the same multiset of inputs for every class and its time-summed readout cannot
 * separate them. A layer with delays {@code d[o][i] = T − o[c][i]} makes one class's spikes coincide
 * at a hidden neuron, which then fires; learning those delays is the task.
 *
 * <p>Layout: {@code inputs} F32 [N, steps, channels] of 0/1 spikes (permute to [T, B, C] for the
 * multi-step layers), {@code targets} I64 [N] with labels {@code i % classes}. The templates come from
 * {@code templateSeed} (share it between the training and test sets), the examples from {@code seed}.
 */
public final class SyntheticDelays {

    private SyntheticDelays() {}

    /** Each class's offsets [classes][channels]: distinct within a class, drawn from {@code templateSeed}. */
    public static int[][] templates(int channels, int classes, int span, long templateSeed) {
        if (channels < 1 || classes < 2) throw new IllegalArgumentException("SyntheticDelays: needs a channel and two classes, got " + channels + ", " + classes);
        if (span < channels) throw new IllegalArgumentException("SyntheticDelays: span " + span + " is below the " + channels + " channels: offsets must be distinct");
        Generator gen = new Generator(templateSeed);
        int[][] t = new int[classes][channels];
        for (int c = 0; c < classes; c++) {
            long[] order = Tensor.randperm(gen, span).toLongArray();
            for (int i = 0; i < channels; i++) t[c][i] = (int) order[i];
        }
        return t;
    }

    /**
     * Generates {@code n} examples in the layout of the class comment: example {@code e} has class {@code e %
     * classes}, starts at a uniform step in [0, steps − span], and carries Bernoulli({@code noise}) noise
     * spikes.
     * @param n the number of examples
     * @param channels the input channels, each fired once per example by the template
     * @param classes the number of classes, at least 2
     * @param steps T, the steps per example, at least {@code span}
     * @param span the range of template offsets, at least {@code channels}
     * @param noise the probability of a noise spike per channel and step, in [0, 1)
     * @param templateSeed the seed of the class templates
     * @param seed the seed of the start steps and the noise
     * @return inputs F32 [n, steps, channels] and targets I64 [n]
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static TensorDataset generate(int n, int channels, int classes, int steps, int span, double noise, long templateSeed, long seed) {
        if (n < 0) throw new IllegalArgumentException("SyntheticDelays: n must be non-negative, got " + n);
        if (steps < span) throw new IllegalArgumentException("SyntheticDelays: " + steps + " steps cannot hold a span of " + span);
        if (!(noise >= 0 && noise < 1)) throw new IllegalArgumentException("SyntheticDelays: noise must be in [0, 1), got " + noise);
        int[][] templates = templates(channels, classes, span, templateSeed);
        Generator gen = new Generator(seed);
        long[] starts = Tensor.randint(gen, 0, steps - span + 1, Math.max(n, 1)).toLongArray();
        float[] spikes = Tensor.rand(gen, n, steps, channels).lt(noise).to(DType.F32).toFloatArray();
        long[] labels = new long[n];
        for (int e = 0; e < n; e++) {
            int c = e % classes;
            labels[e] = c;
            for (int i = 0; i < channels; i++) spikes[(e * steps + (int) starts[e] + templates[c][i]) * channels + i] = 1;
        }
        return new TensorDataset(Tensor.of(spikes, n, steps, channels), Tensor.of(labels, n));
    }
}
