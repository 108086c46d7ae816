package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.AdamStep;
import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.Distribution;
import dev.galvani.tensor.backend.Pool2dSpec;
import dev.galvani.tensor.backend.ReduceOp;
import dev.galvani.tensor.backend.Storage;
import dev.galvani.tensor.backend.UnaryOp;

/**
 * The CPU backend: heap arrays, Vector API SIMD, Galvani's ForkJoin pool. This class only routes;
 * each family of kernels lives in its own class.
 */
public final class CpuBackend implements Backend {

    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    /** The backing array of a CPU tensor (float[], double[], int[], long[] or boolean[]). */
    public static Object array(Tensor t) { return ((CpuStorage) t.storage()).array(); }

    @Override public Device device() { return Device.CPU; }

    @Override public Storage allocate(DType dtype, int length) { return CpuStorage.allocate(dtype, length); }

    @Override public Storage fromHost(Object hostArray, DType dtype) { return new CpuStorage(dtype, hostArray); }

    @Override public Object toHost(Tensor t) {
        Tensor dense = Tensor.zeros(t.dtype(), t.shape().dims());
        copy(t, dense);
        return array(dense);
    }

    @Override public void copy(Tensor src, Tensor dst) { ElementwiseKernels.copy(src, dst); }

    @Override public void fill(Tensor dst, double value) { ElementwiseKernels.fill(dst, value); }

    @Override public void unary(UnaryOp op, Tensor x, Tensor out) { ElementwiseKernels.unary(op, x, out); }

    @Override public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) { ElementwiseKernels.binary(op, a, b, out); }

    @Override public void where(Tensor cond, Tensor a, Tensor b, Tensor out) { ElementwiseKernels.where(cond, a, b, out); }

    @Override public void reduce(ReduceOp op, Tensor x, int[] dims, Tensor out) { ReduceKernels.reduce(op, x, dims, out); }

    @Override public void cumsum(Tensor x, int dim, Tensor out) { ReduceKernels.cumsum(x, dim, out); }

    @Override public void matmul(Tensor a, Tensor b, Tensor out) { MatmulKernels.matmul(a, b, out); }

    @Override public void conv2d(Tensor x, Tensor w, Tensor out, Conv2dSpec spec) { ConvKernels.conv2d(x, w, out, spec); }

    @Override public void conv2dInputGrad(Tensor gradOut, Tensor w, Tensor gradIn, Conv2dSpec spec) { ConvKernels.inputGrad(gradOut, w, gradIn, spec); }

    @Override public void conv2dWeightGrad(Tensor x, Tensor gradOut, Tensor gradW, Conv2dSpec spec) { ConvKernels.weightGrad(x, gradOut, gradW, spec); }

    @Override public void maxPool2d(Tensor x, Tensor out, Tensor indices, Pool2dSpec spec) { PoolKernels.maxPool2d(x, out, indices, spec); }

    @Override public void maxPool2dBackward(Tensor gradOut, Tensor indices, Tensor gradIn, Pool2dSpec spec) { PoolKernels.maxPool2dBackward(gradOut, indices, gradIn, spec); }

    @Override public void avgPool2d(Tensor x, Tensor out, Pool2dSpec spec) { PoolKernels.avgPool2d(x, out, spec); }

    @Override public void avgPool2dBackward(Tensor gradOut, Tensor gradIn, Pool2dSpec spec) { PoolKernels.avgPool2dBackward(gradOut, gradIn, spec); }

    @Override public void batchNormForward(Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor invstd, Tensor out, boolean computeStats, double eps) {
        NormKernels.batchNormForward(x, weight, bias, mean, invstd, out, computeStats, eps);
    }

    @Override public void batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Tensor mean, Tensor invstd, Tensor gradIn,
                                            Tensor gradWeight, Tensor gradBias, boolean batchStats) {
        NormKernels.batchNormBackward(gradOut, x, weight, mean, invstd, gradIn, gradWeight, gradBias, batchStats);
    }

    @Override public void adamStep(Tensor param, Tensor grad, Tensor expAvg, Tensor expAvgSq, Tensor maxExpAvgSq, AdamStep hp) {
        OptimizerKernels.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, hp);
    }

    @Override public void indexSelect(Tensor x, int dim, Tensor index, Tensor out) { IndexKernels.indexSelect(x, dim, index, out); }

    @Override public void gather(Tensor x, int dim, Tensor index, Tensor out) { IndexKernels.gather(x, dim, index, out); }

    @Override public void scatterAdd(Tensor target, int dim, Tensor index, Tensor src) { IndexKernels.scatterAdd(target, dim, index, src); }

    @Override public void random(Distribution dist, Tensor out, long seed, long offset) { RandomKernels.fill(dist, out, seed, offset); }
}
