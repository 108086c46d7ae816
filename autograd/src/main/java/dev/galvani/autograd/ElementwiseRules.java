package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.needs;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Activations;
import dev.galvani.tensor.Node;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.UnaryOp;

/**
 * Rules for element-wise operations of one and two inputs, operations with a Java number,
 * {@code where}, casts, clones and device copies. Two-input ops are recorded after promotion and
 * broadcasting, so both inputs have the output's shape and dtype and no rule here reduces shapes
 * (the expand rule does). The switches over {@link UnaryOp} and {@link BinaryOp} are exhaustive:
 * a new op does not compile until it has a derivative here.
 *
 * <p>At points where a function has no derivative, and at NaN, the rules follow PyTorch (the
 * edge-point sweep, {@code EdgePointsTest}, replays PyTorch's record): abs and relu take 0 at 0,
 * abs 0 at NaN (sign(NaN) = 0), relu passes the gradient at NaN (it masks where the output is
 * &lt;= 0); maximum/minimum of two tensors split the gradient evenly between tied inputs and give it
 * to both when one is NaN; against a number (clampMin, clampMax, clamp) the gradient passes on the
 * bound itself, as torch.clamp's does, and not at NaN; atan2's gradient is 0 at the origin; floor,
 * ceil, round and sign have gradient 0.
 */
public final class ElementwiseRules implements DerivativeRules {

    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    @Override
    public void register(Registry r) {
        r.add(Ops.Unary.class, (op, n, g) -> of(unary(op.op(), n, g)));
        r.add(Ops.Binary.class, ElementwiseRules::binary);
        r.add(Ops.BinaryScalar.class, (op, n, g) -> of(binaryScalar(op, n, g)));
        r.add(Ops.Where.class, (op, n, g) -> {
            Tensor c = n.input(0);
            return of(null, needs(n, 1) ? Tensor.where(c, g, 0.0) : null, needs(n, 2) ? Tensor.where(c, 0.0, g) : null);
        });
        r.add(Ops.Cast.class, (op, n, g) -> of(g.to(meta(n, 0).dtype())));
        r.add(Ops.Clone.class, (op, n, g) -> of(g));
        r.add(Ops.ToDevice.class, (op, n, g) -> of(g.to(meta(n, 0).device())));
        // The fused activation backwards: ReLU's is linear in its gradient (the mask is saved, not an input);
        // GELU's second derivative is (Phi + x phi)' = phi (2 - x^2).
        r.add(Ops.ReluBackward.class, (op, n, u) -> of(Activations.reluBackward(u, op.output())));
        r.add(Ops.GeluBackward.class, (op, n, u) -> {
            Tensor g = n.input(0), x = n.input(1);
            Tensor dx = needs(n, 1) ? u.mul(g).mul(x.square().mul(-0.5).exp().mul(INV_SQRT_2PI).mul(x.square().rsub(2.0))) : null;
            return of(needs(n, 0) ? Activations.geluBackward(u, x) : null, dx);
        });
    }

    /** dx for y = op(x). */
    private static Tensor unary(UnaryOp op, Node n, Tensor g) {
        return switch (op) {
            case NEG -> g.neg();
            case ABS -> g.mul(n.input(0).sign());                                  // sign(0) = 0
            case SIGN, FLOOR, CEIL, ROUND -> meta(n, 0).zerosLike();
            case SQUARE -> g.mul(n.input(0).mul(2.0));
            case RELU -> Activations.reluBackward(g, n.output());                  // masks output <= 0 only: NaN passes, as in PyTorch
            case EXP -> g.mul(n.output());                                         // (e^x)' = e^x
            case EXPM1 -> g.mul(n.output().add(1.0));                              // (e^x - 1)' = y + 1
            case LOG -> g.div(n.input(0));
            case LOG1P -> g.div(n.input(0).add(1.0));
            case SQRT -> g.div(n.output().mul(2.0));                               // 1 / (2 sqrt x)
            case RSQRT -> {                                                        // (x^-1/2)' = -1/2 x^-3/2 = -y^3 / 2
                Tensor y = n.output();
                yield g.mul(y.mul(y).mul(y).mul(-0.5));
            }
            case RECIPROCAL -> {                                                   // (1/x)' = -1/x^2 = -y^2
                Tensor y = n.output();
                yield g.mul(y.mul(y).neg());
            }
            case SIN -> g.mul(n.input(0).cos());
            case COS -> g.mul(n.input(0).sin().neg());
            case TANH -> {                                                         // 1 - tanh^2
                Tensor y = n.output();
                yield g.mul(y.mul(y).rsub(1.0));
            }
            case SIGMOID -> {                                                      // s (1 - s)
                Tensor s = n.output();
                yield g.mul(s.mul(s.rsub(1.0)));
            }
            case SILU -> {                                                         // (x s)' = s (1 + x (1 - s))
                Tensor x = n.input(0), s = x.sigmoid();
                yield g.mul(s.mul(x.mul(s.rsub(1.0)).add(1.0)));
            }
            case SOFTPLUS -> g.mul(n.input(0).sigmoid());                          // (log(1 + e^x))' = sigmoid(x)
            case GELU -> Activations.geluBackward(g, n.input(0));                 // (x Phi(x))' = Phi(x) + x phi(x), one fused op
            case ERF -> g.mul(n.input(0).square().neg().exp().mul(TWO_OVER_SQRT_PI));   // 2/sqrt(pi) e^(-x^2)
        };
    }

    private static Tensor[] binary(Ops.Binary op, Node n, Tensor g) {
        return switch (op.op()) {
            case ADD -> of(g, g);
            case SUB -> of(g, needs(n, 1) ? g.neg() : null);
            case MUL -> of(needs(n, 0) ? g.mul(n.input(1)) : null, needs(n, 1) ? g.mul(n.input(0)) : null);
            case DIV -> {                                                          // d(x/y) = dx / y - x dy / y^2
                Tensor y = n.input(1);
                yield of(needs(n, 0) ? g.div(y) : null, needs(n, 1) ? g.mul(n.input(0)).div(y.mul(y)).neg() : null);
            }
            case POW -> pow(n, g);
            case MAXIMUM -> extremum(n, g, true);
            case MINIMUM -> extremum(n, g, false);
            case ATAN2 -> {                                                        // atan2(a, b): da = b / (a^2 + b^2), db = -a / (a^2 + b^2)
                Tensor a = n.input(0), b = n.input(1);
                Tensor r2 = a.square().add(b.square());
                Tensor scaled = Tensor.where(r2.eq(0.0), 0.0, g.div(r2));          // 0 at the origin, as in PyTorch
                yield of(needs(n, 0) ? scaled.mul(b) : null, needs(n, 1) ? scaled.mul(a).neg() : null);
            }
            case EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR -> throw notDifferentiable(op.op());
        };
    }

    /**
     * z = x^y: dz/dx = y x^(y-1), dz/dy = z log x. As in PyTorch, dz/dx is 0 where y = 0 (not
     * 0 * x^-1, which is NaN at x = 0) and dz/dy is 0 where x = 0 and y >= 0 (z is 0 or 1 there).
     */
    private static Tensor[] pow(Node n, Tensor g) {
        Tensor x = n.input(0), y = n.input(1);
        Tensor dx = null, dy = null;
        if (needs(n, 0)) dx = Tensor.where(y.eq(0.0), 0.0, g.mul(y).mul(x.pow(y.sub(1.0))));
        if (needs(n, 1)) dy = Tensor.where(x.eq(0.0).logicalAnd(y.ge(0.0)), 0.0, g.mul(n.output()).mul(x.log()));
        return of(dx, dy);
    }

    /**
     * maximum/minimum: the gradient goes to the larger (smaller) input; ties split it in halves.
     * As PyTorch's rule it is written as "zero where the input loses", so a NaN, which neither wins
     * nor loses, passes the gradient to both inputs.
     */
    private static Tensor[] extremum(Node n, Tensor g, boolean max) {
        Tensor x = n.input(0), y = n.input(1);
        Tensor tie = x.eq(y), half = g.mul(0.5);
        Tensor xLoses = max ? x.lt(y) : x.gt(y), yLoses = max ? y.lt(x) : y.gt(x);
        return of(needs(n, 0) ? Tensor.where(tie, half, Tensor.where(xLoses, 0.0, g)) : null,
                needs(n, 1) ? Tensor.where(tie, half, Tensor.where(yLoses, 0.0, g)) : null);
    }

    /** dx for y = op(x, s) or op(s, x), s a Java number (the rules above with one side constant). */
    private static Tensor binaryScalar(Ops.BinaryScalar op, Node n, Tensor g) {
        double s = op.scalar();
        boolean first = op.scalarFirst();
        return switch (op.op()) {
            case ADD -> g;
            case SUB -> first ? g.neg() : g;
            case MUL -> g.mul(s);
            case DIV -> first ? g.mul(-s).div(n.input(0).square()) : g.div(s);              // d(s/x) = -s / x^2
            case POW -> {
                Tensor x = n.input(0);
                if (first) {                                                                   // d(s^x) = s^x log s; 0 where s = 0 and x >= 0
                    Tensor d = g.mul(n.output()).mul(Math.log(s));
                    yield s == 0 ? Tensor.where(x.ge(0.0), 0.0, d) : d;
                }
                yield s == 0 ? meta(n, 0).zerosLike() : g.mul(x.pow(s - 1)).mul(s);          // d(x^s) = s x^(s-1); 0 for s = 0
            }
            case MAXIMUM, MINIMUM -> {                                                       // clampMin / clampMax: torch.clamp's rule,
                Tensor x = n.input(0);                                                       // the bound itself passes; NaN does not
                yield Tensor.where(op.op() == BinaryOp.MAXIMUM ? x.ge(s) : x.le(s), g, 0.0);
            }
            case ATAN2 -> {                                                                  // atan2(x, s) or atan2(s, x)
                Tensor x = n.input(0);
                Tensor r2 = x.square().add(s * s);
                Tensor scaled = Tensor.where(r2.eq(0.0), 0.0, g.div(r2));
                yield first ? scaled.mul(-s) : scaled.mul(s);
            }
            case EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR -> throw notDifferentiable(op.op());
        };
    }

    private static IllegalStateException notDifferentiable(BinaryOp op) {
        return new IllegalStateException(op.opName() + " has a BOOL result and is never recorded");
    }
}
