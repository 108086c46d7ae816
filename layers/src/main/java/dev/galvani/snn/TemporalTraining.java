package dev.galvani.snn;

import dev.galvani.nn.Module;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * How the gradient of a spiking network's loss travels through time, chosen in one line (SNN
 * reference §7). The loss of a mini-batch is the average over the T steps of a per-step loss
 * L(o[t], y), as in the SLTT paper (with a cross-entropy this is TET's per-step loss).
 * <ul>
 *   <li>{@link Policy#BPTT}: the model runs the whole sequence in multi-step mode, one backward
 *       through all steps (exact; activation memory grows with T).</li>
 *   <li>{@link Policy#SLTT}: single-step mode with the membrane's step-to-step path cut; after each
 *       step, the backward of L(o[t], y)/T runs at once and frees that step's graph; gradients
 *       accumulate. Activation memory does not grow with T (Meng et al., ICCV 2023).</li>
 *   <li>{@link Policy#SLTT_K}: as SLTT, but only K steps drawn at random without replacement
 *       record and run backward; the others run forward only (the states still evolve). As in the
 *       paper's code, the gradient is not rescaled by T/K.</li>
 * </ul>
 * The caller zeroes the gradients before and takes the optimizer step after, once per mini-batch.
 */
public final class TemporalTraining {

    private TemporalTraining() {}

    /** How the gradient travels through time (see the class comment). */
    public enum Policy {
        /** Backpropagation through time: the whole sequence in multi-step mode, one backward through all steps. */
        BPTT,
        /** Spatial learning through time: a backward after every step, the membrane's step-to-step path cut. */
        SLTT,
        /** SLTT with only K randomly drawn steps recording and running backward. */
        SLTT_K
    }

    /** The outputs of all steps [T, B, ...] and the mini-batch's loss, both detached (values to log). */
    public record Result(Tensor outputs, Tensor loss) {}

    /**
     * Forward and backward of one mini-batch x [T, B, ...] (already encoded) with target y. The
     * model's neurons are reset first. {@code k} and {@code gen} are used by SLTT-K only.
     */
    public static Result backward(Policy policy, Module model, Tensor x, Tensor y, BiFunction<Tensor, Tensor, Tensor> stepLoss, int k, Generator gen) {
        int steps = x.size(0);
        SNN.resetState(model);
        if (policy == Policy.BPTT) {
            SNN.stepMode(model, StepMode.MULTI);
            Tensor out = model.forward(x);
            List<Tensor> losses = new ArrayList<>(steps);
            for (int t = 0; t < steps; t++) losses.add(stepLoss.apply(out.select(0, t), y));
            Tensor loss = Tensor.stack(losses, 0).mean();
            loss.backward();
            return new Result(out.detach(), loss.detach());
        }
        if (policy == Policy.SLTT_K && (k < 1 || k > steps))
            throw new IllegalArgumentException("SLTT-K: K must be in [1, T = " + steps + "], got " + k);
        boolean[] train = new boolean[steps];
        if (policy == Policy.SLTT) java.util.Arrays.fill(train, true);
        else for (long t : Tensor.randperm(gen, steps).narrow(0, 0, k).toLongArray()) train[(int) t] = true;
        SNN.stepMode(model, StepMode.SINGLE);
        SNN.detachState(model, true);
        List<dev.galvani.nn.Parameter> params = model.parameters();
        try {
            List<Tensor> outputs = new ArrayList<>(steps);
            Tensor total = null;
            for (int t = 0; t < steps; t++) {
                // A scope per step: the step's activations go back to the allocator as soon as its
                // backward has run, which is the point of SLTT; what outlives the step is kept.
                try (var step = TensorScope.open(); var _ = GradMode.set(train[t] && GradMode.isEnabled())) {
                    Tensor o = model.forward(x.select(0, t));
                    Tensor l = stepLoss.apply(o, y).div(steps);
                    if (train[t]) l.backward();                      // frees this step's graph now
                    SNN.releaseSpentState(model);                    // the state this step read: nothing needs it now
                    for (var p : params) if (p.grad() != null) step.keep(p.grad());
                    outputs.add(step.keep(o.detach()));
                    Tensor sum = total == null ? l.detach() : total.add(l.detach());
                    total = step.keep(sum);
                }
            }
            return new Result(Tensor.stack(outputs, 0), total);
        } finally {
            SNN.detachState(model, false);
            SNN.stepMode(model, StepMode.MULTI);
        }
    }
}
