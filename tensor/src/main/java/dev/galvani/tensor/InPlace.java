package dev.galvani.tensor;

import dev.galvani.tensor.backend.BinaryOp;

/**
 * In-place writes. They bump the storage version (so autograd notices a tensor it saved was
 * changed) and are refused on leaves that require grad while grad mode is on, and on tensors
 * produced by recorded operations, as in PyTorch.
 */
final class InPlace {

    private InPlace() {}

    private static void check(String op, Tensor t) {
        if (!GradMode.isEnabled()) return;
        if (t.requiresGrad && t.isLeaf())
            throw new IllegalStateException(op + ": a leaf tensor that requires grad cannot be changed in place while gradients are recorded; "
                    + "do it inside Autograd.noGrad() (or GradMode.disable())");
        if (t.gradFn != null)
            throw new IllegalStateException(op + ": the tensor was produced by " + t.gradFn.name() + " and is part of a recorded graph; use the out-of-place operation");
    }

    static Tensor copyFrom(Tensor t, Tensor src) {
        check("copyFrom", t);
        Backends.of("copyFrom", t, src);
        Tensor s = src.expand(Shape.broadcast("copyFrom", t.shape, src.shape).equals(t.shape) ? t.shape.raw() : fail(t, src));
        if (t.numel() > 0) Backends.of(t.device()).copy(s.operand(), t.operand());
        t.storage.bumpVersion();
        return t;
    }

    private static int[] fail(Tensor t, Tensor src) {
        throw new IllegalArgumentException("copyFrom: source of shape " + src.shape() + " cannot be broadcast to the destination's shape " + t.shape());
    }

    static Tensor apply(BinaryOp op, Tensor t, Tensor other) {
        String name = op.opName() + "InPlace";
        check(name, t);
        Tensor result;
        try (var _ = GradMode.disable()) {
            result = Elementwise.binary(op, t, other);
        }
        return store(name, t, result);
    }

    /** t = op(t, v) for a Java number: one kernel writing t itself when t is contiguous and the result keeps its dtype. */
    static Tensor applyScalar(BinaryOp op, Tensor t, double v) {
        String name = op.opName() + "InPlace";
        check(name, t);
        if (t.dtype().isFloatingPoint() && !op.boolResult() && t.isContiguous()) {     // a kernel's output is contiguous
            Number value = t.dtype() == DType.F32 ? (double) (float) v : v;
            if (t.numel() > 0) Backends.of(t.device()).binaryScalar(op, t.operand(), value, false, t.operand());
            t.storage.bumpVersion();
            return t;
        }
        Tensor result;
        try (var _ = GradMode.disable()) {
            result = Elementwise.binaryScalar(op, t, v, false);
        }
        return store(name, t, result);
    }

    private static Tensor store(String name, Tensor t, Tensor result) {
        if (!result.shape.equals(t.shape))
            throw new IllegalArgumentException(name + ": the result shape " + result.shape() + " differs from the tensor's shape " + t.shape());
        if (result.dtype() != t.dtype() && !(t.dtype().isFloatingPoint() || !result.dtype().isFloatingPoint()))
            throw new IllegalArgumentException(name + ": the result type " + result.dtype() + " cannot be stored in a " + t.dtype() + " tensor");
        if (t.numel() > 0) Backends.of(t.device()).copy(result.operand(), t.operand());
        t.storage.bumpVersion();
        return t;
    }

    static Tensor fill(Tensor t, double value) {
        check("fill", t);
        if (t.numel() > 0) Backends.of(t.device()).fill(t.operand(), value);
        t.storage.bumpVersion();
        return t;
    }
}
