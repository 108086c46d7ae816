package dev.galvani.tensor;

import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.SpikingKernels;
import dev.galvani.tensor.backend.Surrogate;
import java.util.ArrayList;
import java.util.List;

/**
 * Spiking primitives: the spike function with a surrogate gradient, and the multi-step LIF neuron
 * (IF, LIF, PLIF) over a whole time-major sequence [T, ...] (SNN reference §2–3). {@link #lif} runs
 * the device's fused kernel ({@link SpikingKernels}: one pass forward, the exact reverse recurrence
 * backward) and records it as one op; a device without that family, and {@link #lifUnrolled}
 * always, run the same neuron step by step from recorded tensor operations. The two agree: forward
 * bit for bit (the kernel performs the unrolled form's operations in its order), backward to
 * rounding.
 */
public final class Spiking {

    private Spiking() {}

    /** Θ(x) = 1 where x ≥ 0, else 0, in x's dtype; backward, dL/dx = dL/dy σ'(x) of the surrogate. */
    public static Tensor spike(Tensor x, Surrogate surrogate) {
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("spike: needs a floating-point input, got " + x.dtype());
        Tensor out;
        try (var _ = GradMode.disable()) {
            out = x.ge(0.0).to(x.dtype());
        }
        return Tape.record(new Ops.Spike(surrogate), out.detach(), x);
    }

    /**
     * The outputs of a multi-step neuron: spikes [T, ...], the membrane after each step's reset
     * V[t] [T, ...] (null unless asked for) and the last membrane V[T−1] [...], the state to carry
     * into the next chunk of the sequence.
     */
    public record LifResult(Tensor spikes, Tensor membrane, Tensor last) {}

    /**
     * The multi-step neuron of {@code spec} over x [T, ...]: fused where the device has
     * {@link SpikingKernels}, else unrolled. {@code v0} [...] is the initial membrane (null: the
     * spec's {@link LifSpec#initialMembrane()}); {@code decay} is k = 1/τ as a 0-d tensor for PLIF
     * (learnable; null: the spec's constant).
     */
    public static LifResult lif(Tensor x, Tensor v0, Tensor decay, LifSpec spec, boolean returnMembrane) {
        check(x, v0, decay, spec);
        var kernels = Backends.kernels(x.device(), SpikingKernels.class);
        if (kernels.isEmpty()) return lifUnrolled(x, v0, decay, spec, returnMembrane);
        int t = x.size(0), n = (int) (x.numel() / Math.max(1, t));
        int[] state = stateShape(x);
        Tensor init = initial(x, v0, spec), k = decay == null ? null : decay.to(x.dtype());
        boolean keepMembrane = returnMembrane || k != null;                 // PLIF's decay gradient needs V[t − 1]
        Tensor spikes = Creation.uninitialized(x.dtype(), x.device(), x.shape.raw());
        Tensor h = Creation.uninitialized(x.dtype(), x.device(), x.shape.raw());
        Tensor vSeq = keepMembrane ? Creation.uninitialized(x.dtype(), x.device(), x.shape.raw()) : null;
        Tensor last = Creation.uninitialized(x.dtype(), x.device(), state);
        if (x.numel() > 0)
            kernels.get().lifForward(dense(x, t, n), dense(init, 1, n), operandOf(k), flat(spikes, t, n), flat(h, t, n),
                    vSeq == null ? null : flat(vSeq, t, n), flat(last, 1, n), spec);
        else if (v0 != null) Backends.of(x.device()).copy(init.operand(), last.operand());
        Tensor[] outputs = AutogradSupport.record(new Ops.Lif(spec, h, init.detach()), new Tensor[]{spikes, vSeq, last}, new Tensor[]{x, v0, k}, null);
        return new LifResult(outputs[0], returnMembrane ? outputs[1] : null, outputs[2]);
    }

    /**
     * The gradients of {@link #lif} with respect to (x, v0, k), entries null where not needed, from
     * the gradients of its outputs (each may be null: zeros). The fused kernel's reverse recurrence.
     */
    public static Tensor[] lifBackward(Ops.Lif op, Tensor x, Tensor gradSpikes, Tensor gradMembrane, Tensor gradLast, Tensor membrane, Tensor decay,
                                       boolean needX, boolean needV0, boolean needDecay) {
        int t = x.size(0), n = (int) (x.numel() / Math.max(1, t));
        var kernels = Backends.kernels(x.device(), SpikingKernels.class).orElseThrow(
                () -> new IllegalStateException("lifBackward: " + x.device() + " has no SpikingKernels, so no fused LIF was recorded there"));
        Tensor k = decay == null ? null : decay.detach().to(x.dtype());
        Tensor gx = Creation.uninitialized(x.dtype(), x.device(), x.shape.raw());
        Tensor gv0 = Creation.uninitialized(x.dtype(), x.device(), stateShape(x));
        Tensor gk = needDecay && k != null ? Creation.empty(x.dtype(), x.device()) : null;
        if (x.numel() > 0) {
            Tensor gs = gradSpikes == null ? Creation.empty(x.dtype(), x.device(), x.shape.raw()) : gradSpikes;
            kernels.lifBackward(dense(gs.detach(), t, n), gradMembrane == null ? null : dense(gradMembrane.detach(), t, n),
                    gradLast == null ? null : dense(gradLast.detach(), 1, n), flat(op.h(), t, n),
                    membrane == null ? null : dense(membrane.detach(), t, n), dense(op.v0(), 1, n), operandOf(k),
                    flat(gx, t, n), flat(gv0, 1, n), gk == null ? null : gk.operand(), op.spec());
        } else if (gradLast != null) {
            Backends.of(x.device()).copy(gradLast.operand(), gv0.operand());
        }
        return new Tensor[]{needX ? gx : null, needV0 ? gv0 : null, gk == null ? null : gk.to(decay.dtype())};
    }

    /**
     * The same neuron step by step from recorded tensor operations (charge, {@link #spike}, reset),
     * in the fused kernel's order of operations: what a device without the fused kernel runs, what
     * the tests compare the kernel with, and what a recorded backward pass differentiates.
     */
    public static LifResult lifUnrolled(Tensor x, Tensor v0, Tensor decay, LifSpec spec, boolean returnMembrane) {
        check(x, v0, decay, spec);
        Tensor v = initial(x, v0, spec), k = decay == null ? null : decay.to(x.dtype());
        int steps = x.size(0);
        List<Tensor> spikes = new ArrayList<>(steps), membranes = new ArrayList<>(steps);
        double vr = spec.restingValue(), vth = spec.vThreshold();
        for (int t = 0; t < steps; t++) {
            Tensor xt = x.select(0, t), prev = spec.detachTemporal() ? v.detach() : v;
            Tensor h;
            if (spec.kind() == LifSpec.Kind.IF) h = prev.add(xt);
            else if (spec.decayInput()) h = prev.add(scale(xt.sub(prev.sub(vr)), k, spec));
            else h = prev.sub(scale(prev.sub(vr), k, spec)).add(xt);
            Tensor s = spike(h.sub(vth), spec.surrogate());
            Tensor sr = spec.detachReset() ? s.detach() : s;
            v = spec.hardReset() ? h.mul(sr.rsub(1.0)).add(sr.mul(spec.vReset())) : h.sub(sr.mul(vth));
            spikes.add(s);
            if (returnMembrane) membranes.add(v);
        }
        if (steps == 0) return new LifResult(x.zerosLike(), returnMembrane ? x.zerosLike() : null, v);
        return new LifResult(Tensor.stack(spikes, 0), returnMembrane ? Tensor.stack(membranes, 0) : null, v);
    }

    private static Tensor scale(Tensor t, Tensor k, LifSpec spec) { return k == null ? t.mul(spec.decay()) : t.mul(k); }

    // ---------------------------------------------------------------------------------------------

    private static void check(Tensor x, Tensor v0, Tensor decay, LifSpec spec) {
        if (spec == null) throw new IllegalArgumentException("lif: spec is null");
        if (x.dim() < 1) throw new IllegalArgumentException("lif: expects a time-major input [T, ...], got a 0-dimensional tensor");
        if (!x.dtype().isFloatingPoint()) throw new IllegalArgumentException("lif: needs a floating-point input, got " + x.dtype());
        if (v0 != null && !java.util.Arrays.equals(v0.shape().dims(), stateShape(x)))
            throw new IllegalArgumentException("lif: the initial membrane " + v0.shape() + " must have the shape of one step of the input "
                    + java.util.Arrays.toString(stateShape(x)) + " (input " + x.shape() + ")");
        if (decay != null && decay.numel() != 1)
            throw new IllegalArgumentException("lif: the decay must be one number (a 0-d tensor), got " + decay.shape());
        if (decay != null && spec.kind() != LifSpec.Kind.LIF)
            throw new IllegalArgumentException("lif: a decay tensor is for LIF (PLIF), not " + spec.kind());
        Backends.of("lif", x, v0, decay);
    }

    private static int[] stateShape(Tensor x) { return java.util.Arrays.copyOfRange(x.shape.raw(), 1, x.dim()); }

    private static Tensor initial(Tensor x, Tensor v0, LifSpec spec) {
        return v0 == null ? Creation.full(x.dtype(), spec.initialMembrane(), x.device(), stateShape(x)) : v0.to(x.dtype());
    }

    /** t's values as a contiguous [rows, n] operand at offset 0 (a copy when t is laid out otherwise). */
    private static Operand dense(Tensor t, int rows, int n) {
        Tensor d;
        try (var _ = GradMode.disable()) {
            d = t.isContiguous() && t.offset == 0 ? t : t.clone();
        }
        return flat(d, rows, n);
    }

    private static Operand flat(Tensor t, int rows, int n) { return Operand.contiguous(t.storage, rows, n); }

    private static Operand operandOf(Tensor t) { return t == null ? null : dense(t.reshape(1), 1, 1).withLayout(new int[0], new int[0], 0); }
}
