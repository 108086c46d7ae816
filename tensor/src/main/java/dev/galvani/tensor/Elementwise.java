package dev.galvani.tensor;

import dev.galvani.tensor.backend.Backend;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.UnaryOp;

/**
 * Element-wise operations: type promotion, broadcasting and output allocation in one place, then
 * one call to the backend. A Java number in an expression goes to the kernel as a value
 * ({@link Backend#binaryScalar}): no tensor is made for it.
 */
final class Elementwise {

    private Elementwise() {}

    static Tensor unary(UnaryOp op, Tensor x) {
        if (op.floatOnly()) x = x.to(x.dtype().toFloating());
        else if (x.dtype() == DType.BOOL)
            throw new IllegalArgumentException(op.opName() + ": not defined for BOOL tensors; convert first, e.g. x.to(DType.I64)");
        Tensor out = Creation.uninitialized(x.dtype(), x.device(), x.shape.raw());
        if (out.numel() > 0) Backends.of(x.device()).unary(op, x.operand(), out.operand());
        return Tape.record(new Ops.Unary(op), out, x);
    }

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        Backend backend = Backends.of(op.opName(), a, b);
        Shape shape = Shape.broadcast(op.opName(), a.shape, b.shape);
        DType type = computeType(op, Promotion.resultType(a, b));
        Tensor out = Creation.uninitialized(op.boolResult() ? DType.BOOL : type, a.device(), shape.raw());
        Tensor x = a.to(type).expand(shape.raw()), y = b.to(type).expand(shape.raw());
        if (out.numel() > 0) backend.binary(op, x.operand(), y.operand(), out.operand());
        return op.boolResult() ? out : Tape.record(new Ops.Binary(op), out, x, y);
    }

    /** op(x, v), or op(v, x) with {@code scalarFirst}; {@code v} is a Java double. */
    static Tensor binaryScalar(BinaryOp op, Tensor x, double v, boolean scalarFirst) {
        return scalar(op, x, DType.F64, v, 0, scalarFirst);
    }

    /** op(x, v), or op(v, x), for a Java integer: integer tensors stay integral. */
    static Tensor binaryScalar(BinaryOp op, Tensor x, long v, boolean scalarFirst) {
        return scalar(op, x, DType.I64, v, v, scalarFirst);
    }

    private static Tensor scalar(BinaryOp op, Tensor x, DType kind, double v, long lv, boolean scalarFirst) {
        DType type = computeType(op, Promotion.resultType(kind, x));
        Tensor in = x.to(type);
        // The number in the compute type, as PyTorch casts a wrapped number: a float rounded to F32, an integer kept exact.
        Number value = switch (type) {
            case F32 -> (double) (float) (kind.isFloatingPoint() ? v : (double) lv);
            case F64 -> kind.isFloatingPoint() ? v : (double) lv;
            default -> lv;
        };
        Tensor out = Creation.uninitialized(op.boolResult() ? DType.BOOL : type, x.device(), x.shape.raw());
        if (out.numel() > 0) Backends.of(x.device()).binaryScalar(op, in.operand(), value, scalarFirst, out.operand());
        return op.boolResult() ? out : Tape.record(new Ops.BinaryScalar(op, value.doubleValue(), scalarFirst), out, in);
    }

    /** The dtype an op computes in, given the promoted type of its operands. */
    private static DType computeType(BinaryOp op, DType promoted) {
        DType type = promoted;
        switch (op) {
            case DIV, ATAN2 -> type = type.toFloating();
            case LOGICAL_AND, LOGICAL_OR -> type = DType.BOOL;
            case SUB -> { if (type == DType.BOOL) throw new IllegalArgumentException("sub: not defined for BOOL tensors; use logicalXor-style logic or convert with to(DType.I64)"); }
            default -> { }
        }
        if (op == BinaryOp.POW && type == DType.BOOL) type = DType.I64;
        return type;
    }

    static Tensor where(Tensor cond, Tensor a, Tensor b) { return where(cond, a, b, Promotion.resultType(a, b)); }

    /** where computing in {@code type} (a Java number's promotion decided it). */
    private static Tensor where(Tensor cond, Tensor a, Tensor b, DType type) {
        if (cond.dtype() != DType.BOOL)
            throw new IllegalArgumentException("where: the condition must be a BOOL tensor, got " + cond.dtype() + "; compare first, e.g. x.gt(0)");
        Backend backend = Backends.of("where", cond, a, b);
        Shape shape = Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
        Tensor out = Creation.uninitialized(type, a.device(), shape.raw());
        Tensor c = cond.expand(shape.raw()), x = a.to(type).expand(shape.raw()), y = b.to(type).expand(shape.raw());
        if (out.numel() > 0) backend.where(c.operand(), x.operand(), y.operand(), out.operand());
        return Tape.record(new Ops.Where(), out, c, x, y);
    }

    /** where(cond, a, v): v becomes a 0-d tensor made on a's device by a fill (never a host copy). */
    static Tensor where(Tensor cond, Tensor a, double v) {
        DType type = Promotion.resultType(DType.F64, a);
        return where(cond, a, Creation.full(type, v, a.device()), type);
    }

    static Tensor where(Tensor cond, double v, Tensor b) {
        DType type = Promotion.resultType(DType.F64, b);
        return where(cond, Creation.full(type, v, b.device()), b, type);
    }

    static Tensor where(Tensor cond, Tensor a, long v) {
        DType type = Promotion.resultType(DType.I64, a);
        return where(cond, a, Creation.full(type, v, a.device()), type);
    }

    static Tensor where(Tensor cond, long v, Tensor b) {
        DType type = Promotion.resultType(DType.I64, b);
        return where(cond, Creation.full(type, v, b.device()), b, type);
    }

    static Tensor logicalNot(Tensor x) { return x.eq(0L); }

    static Tensor clamp(Tensor x, double min, double max) {
        if (min > max) throw new IllegalArgumentException("clamp: min " + min + " is greater than max " + max);
        return x.maximum(min).minimum(max);
    }

    static Tensor powScalar(Tensor x, double exponent) {
        if (exponent == 2 && x.dtype().isFloatingPoint()) return x.square();     // exact and cheaper
        if (exponent == 1 && x.dtype().isFloatingPoint()) return x.clone();
        return binaryScalar(BinaryOp.POW, x, exponent, false);
    }

    static Tensor cast(Tensor x, DType dtype) {
        Tensor out = Creation.uninitialized(dtype, x.device(), x.shape.raw());
        if (out.numel() > 0) Backends.of(x.device()).copy(x.operand(), out.operand());
        return Tape.record(dtype == x.dtype() ? new Ops.Clone() : new Ops.Cast(), out, x);
    }

    static Tensor copyOf(Tensor x) { return cast(x, x.dtype()); }
}
