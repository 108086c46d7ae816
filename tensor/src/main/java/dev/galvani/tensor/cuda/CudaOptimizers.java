package dev.galvani.tensor.cuda;

import dev.galvani.tensor.AdamStep;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.OptimizerKernels;

/**
 * {@link OptimizerKernels} on one CUDA device (optim.cu): the Adam/AdamW step in one pass, one thread
 * per element, in the CPU's order of operations and precision, so the parameters and state equal
 * the CPU's bit for bit.
 */
final class CudaOptimizers implements OptimizerKernels {

    private final CudaBackend backend;

    CudaOptimizers(CudaBackend backend) { this.backend = backend; }

    @Override public void adamStep(Operand param, Operand grad, Operand expAvg, Operand expAvgSq, Operand maxExpAvgSq, AdamStep hp) {
        long n = param.numel();
        if (n == 0) return;
        DType dt = param.dtype();
        if (dt != DType.F32 && dt != DType.F64) throw new UnsupportedOperationException("adamStep on " + backend.device() + " needs F32 or F64, got " + dt);
        // The bias corrections as AdamKernels forms them: in double, with Math.pow.
        double bc1 = 1 - Math.pow(hp.beta1(), hp.step()), bc2 = 1 - Math.pow(hp.beta2(), hp.step());
        backend.launchFamily(KernelArgs.of(CudaBackend.named(Kernels.ADAM_STEP, dt)).ptr(backend.address(param)).ptr(backend.address(grad))
                .ptr(backend.address(expAvg)).ptr(backend.address(expAvgSq)).ptr(maxExpAvgSq == null ? 0 : backend.address(maxExpAvgSq)).i64(n)
                .f64(hp.lr()).f64(hp.beta1()).f64(hp.beta2()).f64(hp.eps()).f64(hp.weightDecay()).f64(bc1).f64(bc2)
                .i32(hp.decoupledWeightDecay() ? 1 : 0).i32(hp.maximize() ? 1 : 0), LaunchGeometry.gridStride(n, backend.context().multiprocessors));
    }
}
