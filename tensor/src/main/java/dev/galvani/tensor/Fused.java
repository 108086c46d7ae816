package dev.galvani.tensor;

import dev.galvani.tensor.backend.AdamStep;

/**
 * Fused updates used by the optimizers: one backend call in place of a chain of element-wise
 * operations. They write in place (bumping the version counters), so they are refused while grad
 * mode is on for tensors that require grad, like every in-place operation.
 */
public final class Fused {

    private Fused() {}

    /** True when the fused Adam step applies: contiguous tensors of one shape, dtype and device. */
    public static boolean adamApplies(Tensor param, Tensor grad, Tensor... state) {
        if (!param.isContiguous() || !grad.isContiguous() || grad.dtype() != param.dtype() || !grad.shape.equals(param.shape)
                || !grad.device().equals(param.device()) || !param.dtype().isFloatingPoint())
            return false;
        for (Tensor s : state)
            if (s != null && (!s.isContiguous() || s.dtype() != param.dtype() || !s.shape.equals(param.shape) || !s.device().equals(param.device())))
                return false;
        return true;
    }

    /** One Adam/AdamW update of {@code param} and its state in place; see {@code Backend.adamStep} for the arithmetic. */
    public static void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, AdamStep hp) {
        if (!adamApplies(param, grad, expAvg, expAvgSq, maxExpAvgSq))
            throw new IllegalArgumentException("adamStep: param " + param.shape() + ", grad and state must be contiguous with one shape, dtype and device");
        if (GradMode.isEnabled() && (param.requiresGrad() || expAvg.requiresGrad() || expAvgSq.requiresGrad()))
            throw new IllegalStateException("adamStep: in-place update of a tensor that requires grad while gradients are recorded; run it inside Autograd.noGrad()");
        if (param.numel() > 0) Backends.of(param.device()).adamStep(param, grad.detach(), expAvg, expAvgSq, maxExpAvgSq, hp);
        param.storage.bumpVersion();
        expAvg.storage.bumpVersion();
        expAvgSq.storage.bumpVersion();
        if (maxExpAvgSq != null) maxExpAvgSq.storage.bumpVersion();
    }
}
