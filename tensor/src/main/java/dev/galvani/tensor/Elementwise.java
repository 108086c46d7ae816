package dev.galvani.tensor;

import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.UnaryOp;

/**
 * Element-wise operations: type promotion, broadcasting and output allocation in one place, then
 * one call to the backend.
 */
final class Elementwise {

    private Elementwise() {}

    static Tensor unary(UnaryOp op, Tensor x) {
        if (op.floatOnly()) x = x.to(x.dtype().toFloating());
        else if (x.dtype() == DType.BOOL)
            throw new IllegalArgumentException(op.opName() + ": not defined for BOOL tensors; convert first, e.g. x.to(DType.I64)");
        Tensor out = Creation.emptyLike(x, x.dtype());
        if (out.numel() > 0) Backends.of(x.device()).unary(op, x, out);
        return Tape.record(op.opName(), out, x);
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Backend backend = Backends.of(op.opName(), a, b);
        Shape shape = Shape.broadcast(op.opName(), a.shape, b.shape);
        DType type = Promotion.resultType(a, b);
        switch (op) {
            case DIV, ATAN2 -> type = type.toFloating();
            case LOGICAL_AND, LOGICAL_OR -> type = DType.BOOL;
            case SUB -> { if (type == DType.BOOL) throw new IllegalArgumentException("sub: not defined for BOOL tensors; use logicalXor-style logic or convert with to(DType.I64)"); }
            default -> { }
        }
        if (op == BinaryOp.POW && type == DType.BOOL) type = DType.I64;
        Tensor out = Creation.empty(op.boolResult() ? DType.BOOL : type, a.device(), shape.raw());
        Tensor x = a.to(type).expand(shape.raw()), y = b.to(type).expand(shape.raw());
        if (out.numel() > 0) backend.binary(op, x, y, out);
        return op.boolResult() ? out : Tape.record(op.opName(), out, new Tensor[]{x, y});
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        if (cond.dtype() != DType.BOOL)
            throw new IllegalArgumentException("where: the condition must be a BOOL tensor, got " + cond.dtype() + "; compare first, e.g. x.gt(0)");
        Backend backend = Backends.of("where", cond, a, b);
        Shape shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
        DType type = Promotion.resultType(a, b);
        Tensor out = Creation.empty(type, a.device(), shape.raw());
        Tensor c = cond.expand(shape.raw()), x = a.to(type).expand(shape.raw()), y = b.to(type).expand(shape.raw());
        if (out.numel() > 0) backend.where(c, x, y, out);
        return Tape.record("where", out, new Tensor[]{c, x, y});
    }

    static Tensor logicalNot(Tensor x) { return x.eq(scalarFor(x, 0L)); }

    static Tensor clamp(Tensor x, double min, double max) {
        if (min > max) throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        return x.maximum(scalarFor(x, min)).minimum(scalarFor(x, max));
    }

    static Tensor powScalar(Tensor x, double exponent) {
        if (exponent == 2 && x.dtype().isFloatingPoint()) return x.square();     // exact and cheaper
        if (exponent == 1 && x.dtype().isFloatingPoint()) return x.clone();
        return x.pow(scalarFor(x, exponent));
    }

    static Tensor cast(Tensor x, DType dtype) {
        Tensor out = Creation.emptyLike(x, dtype);
        if (out.numel() > 0) Backends.of(x.device()).copy(x, out);
        return Tape.record(dtype == x.dtype() ? "clone" : "cast", out, x);
    }

    static Tensor copyOf(Tensor x) { return cast(x, x.dtype()); }

    /** A Java floating-point number in an expression with {@code like}: F64 storage, promoted as PyTorch's Python float. */
    static Tensor scalarFor(Tensor like, double v) { return wrapped(DType.F64, v, like.device()); }

    /** A Java integer in an expression with {@code like}: promoted as PyTorch's Python int. */
    static Tensor scalarFor(Tensor like, long v) {
        Tensor t = Creation.wrap(new long[]{v}, DType.I64, Device.CPU).to(like.device());
        return new Tensor(t.storage, Shape.SCALAR, new int[0], 0, true);
    }

    private static Tensor wrapped(DType dtype, double v, Device device) {
        Tensor t = Creation.full(dtype, v, device);
        return new Tensor(t.storage, Shape.SCALAR, new int[0], 0, true);
    }
}
