package dev.galvani.tensor;

import dev.galvani.tensor.backend.ActivationKernels;

/**
 * The backward passes of element-wise activations as operations of their own: what the derivative
 * rules of {@code relu} and {@code gelu} call. Each is one call of the device's
 * {@link ActivationKernels} (one pass, no mask or intermediate tensors), or on a device without that
 * family the composed form of the same math. Both are recorded ({@link Ops.ReluBackward},
 * {@link Ops.GeluBackward}) so that a backward pass can itself be differentiated.
 */
public final class Activations {

    private Activations() {}

    /**
     * ReLU's input gradient from its output gradient and its output: {@code grad} where
     * {@code output > 0} (or NaN), else 0, as {@code torch.ops.aten.threshold_backward(grad, output, 0)}.
     * @param grad the gradient of ReLU's output
     * @param output ReLU's output (its input works as well: they are positive at the same places)
     * @return the gradient of ReLU's input, grad's shape and dtype
     */
    public static Tensor reluBackward(Tensor grad, Tensor output) {
        check("reluBackward", grad, output);
        var kernels = Backends.kernels(grad.device(), ActivationKernels.class);
        if (kernels.isEmpty()) return Tensor.where(output.le(0.0), 0.0, grad);
        Tensor y = output.detach(), out = Creation.uninitialized(grad.dtype(), grad.device(), grad.shape.raw());
        if (out.numel() > 0) kernels.get().reluBackward(grad.operand(), y.operand(), out.operand());
        return Tape.record(new Ops.ReluBackward(y), out, grad);
    }

    /**
     * GELU's (exact, erf form) input gradient: {@code grad * (Φ(x) + x φ(x))}, Φ and φ the standard
     * normal's CDF and density, as PyTorch's {@code gelu_backward(grad, x)}.
     * @param grad the gradient of GELU's output
     * @param x GELU's input
     * @return the gradient of GELU's input, grad's shape and dtype
     */
    public static Tensor geluBackward(Tensor grad, Tensor x) {
        check("geluBackward", grad, x);
        var kernels = Backends.kernels(grad.device(), ActivationKernels.class);
        if (kernels.isEmpty()) return composedGeluBackward(grad, x);
        Tensor out = Creation.uninitialized(grad.dtype(), grad.device(), grad.shape.raw());
        if (out.numel() > 0) kernels.get().geluBackward(grad.operand(), x.operand(), out.operand());
        return Tape.record(new Ops.GeluBackward(), out, grad, x);
    }

    private static final double INV_SQRT_2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    /** grad (Φ(x) + x φ(x)) from element-wise operations: Φ = (1 + erf(x / sqrt 2)) / 2, φ = e^(-x^2/2) / sqrt(2 pi). */
    static Tensor composedGeluBackward(Tensor grad, Tensor x) {
        Tensor cdf = x.mul(INV_SQRT_2).erf().add(1.0).mul(0.5);
        Tensor pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
        return grad.mul(cdf.add(x.mul(pdf)));
    }

    private static void check(String op, Tensor grad, Tensor saved) {
        Backends.of(op, grad, saved);
        if (!grad.dtype().isFloatingPoint() || grad.dtype() != saved.dtype())
            throw new IllegalArgumentException(op + ": needs two floating-point tensors of one dtype, got " + grad.dtype() + " and " + saved.dtype());
        if (!grad.shape().equals(saved.shape()))
            throw new IllegalArgumentException(op + ": the gradient " + grad.shape() + " and the saved tensor " + saved.shape() + " must have one shape");
    }
}
