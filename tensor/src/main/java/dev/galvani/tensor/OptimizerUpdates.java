package dev.galvani.tensor;

import dev.galvani.tensor.backend.OptimizerKernels;

/**
 * Optimizer updates in place: one call of the device's {@link OptimizerKernels} where it has them
 * and the tensors are contiguous, else the same arithmetic, in the same order, as element-wise
 * operations. They write in place (bumping the version counters), so they are refused while grad
 * mode is on for tensors that require grad, like every in-place operation.
 */
public final class OptimizerUpdates {

    private OptimizerUpdates() {}

    /**
     * One Adam/AdamW update of {@code param} and its state in place (Kingma &amp; Ba 2015, Algorithm 1;
     * decoupled weight decay: Loshchilov &amp; Hutter 2019; AMSGrad: Reddi et al. 2018). The
     * arithmetic, in this order, is {@link OptimizerKernels#adamStep}'s contract.
     * {@code maxExpAvgSq} is null without AMSGrad.
     */
    public static void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, AdamStep hp) {
        for (Tensor t : new Tensor[]{grad, expAvg, expAvgSq, maxExpAvgSq})
            if (t != null && (!t.shape.equals(param.shape) || !t.device().equals(param.device())))
                throw new IllegalArgumentException("adamStep: param " + param.shape() + " on " + param.device() + ", but a gradient or state tensor is "
                        + t.shape() + " on " + t.device());
        if (GradMode.isEnabled() && (param.requiresGrad() || expAvg.requiresGrad() || expAvgSq.requiresGrad()))
            throw new IllegalStateException("adamStep: in-place update of a tensor that requires grad while gradients are recorded; run it inside Autograd.noGrad()");
        var kernels = Backends.kernels(param.device(), OptimizerKernels.class);
        if (kernels.isPresent() && fusable(param, grad, expAvg, expAvgSq, maxExpAvgSq)) {
            if (param.numel() > 0)
                kernels.get().adamStep(param.operand(), grad.detach().operand(), expAvg.operand(), expAvgSq.operand(),
                        maxExpAvgSq == null ? null : maxExpAvgSq.operand(), hp);
            for (Tensor t : new Tensor[]{param, expAvg, expAvgSq, maxExpAvgSq}) if (t != null) t.storage.bumpVersion();
            return;
        }
        composedAdamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, hp);
    }

    /** The fused kernel's contract: contiguous tensors of one dtype (a floating one). */
    private static boolean fusable(Tensor param, Tensor... others) {
        if (!param.isContiguous() || !param.dtype().isFloatingPoint()) return false;
        for (Tensor t : others) if (t != null && (!t.isContiguous() || t.dtype() != param.dtype())) return false;
        return true;
    }

    /** The same update as element-wise operations: every device runs it. */
    static void composedAdamStep(Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax, AdamStep hp) {
        try (var _ = GradMode.disable()) {
            Tensor g = hp.maximize() ? grad.neg() : grad;                        // ascend f: follow +grad
            if (hp.weightDecay() != 0) {
                if (hp.decoupledWeightDecay()) param.mulInPlace(1 - hp.lr() * hp.weightDecay());   // theta <- theta - lr lambda theta
                else g = g.add(param.mul(hp.weightDecay()));                     // L2 penalty: g <- g + lambda theta
            }
            m.mulInPlace(hp.beta1()).addInPlace(g, 1 - hp.beta1());            // m_t <- beta1 m_{t-1} + (1 - beta1) g_t
            v.mulInPlace(hp.beta2()).addInPlace(g.square(), 1 - hp.beta2());   // v_t <- beta2 v_{t-1} + (1 - beta2) g_t^2
            if (vMax != null) {
                vMax.copyFrom(vMax.maximum(v));                                  // AMSGrad: v_t^max <- max(v_{t-1}^max, v_t)
                v = vMax;
            }
            Tensor mHat = m.div(1 - Math.pow(hp.beta1(), hp.step()));           // m^_t <- m_t / (1 - beta1^t)
            Tensor vHat = v.div(1 - Math.pow(hp.beta2(), hp.step()));           // v^_t <- v_t / (1 - beta2^t)
            param.subInPlace(mHat.div(vHat.sqrt().add(hp.eps())).mul(hp.lr())); // theta_t <- theta_{t-1} - lr m^_t / (sqrt(v^_t) + eps)
        }
    }
}
