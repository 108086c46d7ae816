package dev.galvani.autograd;

import static dev.galvani.autograd.Grads.meta;
import static dev.galvani.autograd.Grads.needs;
import static dev.galvani.autograd.Grads.of;

import dev.galvani.tensor.Node;
import dev.galvani.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * Rules for element-wise operations of one and two inputs, {@code where}, {@code cast} and
 * {@code clone}. Two-input ops are recorded after promotion and broadcasting, so both inputs have
 * the output's shape and dtype and no rule here reduces shapes (the {@code expand} rule does).
 *
 * <p>At points where a function has no derivative the rules follow PyTorch: abs and relu take 0
 * at 0; maximum/minimum split the gradient evenly between tied inputs; floor, ceil, round and sign
 * have gradient 0.
 */
public final class ElementwiseRules implements DerivativeRules {

    private static final double SQRT_2 = Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    @Override
    public Map<String, DerivativeRule> rules() {
        Map<String, DerivativeRule> r = new HashMap<>();
        unary(r);
        binary(r);
        r.put("where", (n, g) -> {
            Tensor c = n.input(0);
            return of(null, needs(n, 1) ? Tensor.where(c, g, 0.0) : null, needs(n, 2) ? Tensor.where(c, 0.0, g) : null);
        });
        r.put("cast", (n, g) -> of(g.to(meta(n, 0).dtype())));
        r.put("clone", (n, g) -> of(g));
        return r;
    }

    /** A rule of the form dx = g * f'(node), f' given by {@code derivative}. */
    private interface Local { Tensor derivative(Node n); }

    private static void put(Map<String, DerivativeRule> r, String op, Local local) {
        r.put(op, (n, g) -> of(g.mul(local.derivative(n))));
    }

    private static void unary(Map<String, DerivativeRule> r) {
        r.put("neg", (n, g) -> of(g.neg()));
        put(r, "abs", n -> n.input(0).sign());                                   // sign(0) = 0
        r.put("sign", (n, g) -> of(meta(n, 0).zerosLike()));
        put(r, "square", n -> n.input(0).mul(2.0));
        r.put("relu", (n, g) -> of(Tensor.where(n.input(0).gt(0.0), g, 0.0)));
        r.put("floor", (n, g) -> of(meta(n, 0).zerosLike()));
        r.put("ceil", (n, g) -> of(meta(n, 0).zerosLike()));
        r.put("round", (n, g) -> of(meta(n, 0).zerosLike()));
        put(r, "exp", Node::output);                                              // (e^x)' = e^x
        put(r, "expm1", n -> n.output().add(1.0));                                // (e^x - 1)' = y + 1
        r.put("log", (n, g) -> of(g.div(n.input(0))));
        r.put("log1p", (n, g) -> of(g.div(n.input(0).add(1.0))));
        r.put("sqrt", (n, g) -> of(g.div(n.output().mul(2.0))));                 // 1 / (2 sqrt x)
        put(r, "rsqrt", n -> {                                                    // (x^-1/2)' = -1/2 x^-3/2 = -y^3 / 2
            Tensor y = n.output();
            return y.mul(y).mul(y).mul(-0.5);
        });
        put(r, "reciprocal", n -> {                                               // (1/x)' = -1/x^2 = -y^2
            Tensor y = n.output();
            return y.mul(y).neg();
        });
        put(r, "sin", n -> n.input(0).cos());
        put(r, "cos", n -> n.input(0).sin().neg());
        put(r, "tanh", n -> {                                                     // 1 - tanh^2
            Tensor y = n.output();
            return y.mul(y).rsub(1.0);
        });
        put(r, "sigmoid", n -> {                                                  // s (1 - s)
            Tensor s = n.output();
            return s.mul(s.rsub(1.0));
        });
        put(r, "silu", n -> {                                                     // (x s)' = s (1 + x (1 - s))
            Tensor x = n.input(0), s = x.sigmoid();
            return s.mul(x.mul(s.rsub(1.0)).add(1.0));
        });
        put(r, "softplus", n -> n.input(0).sigmoid());                            // (log(1 + e^x))' = sigmoid(x)
        put(r, "gelu", n -> {                                                     // (x Phi(x))' = Phi(x) + x phi(x)
            Tensor x = n.input(0);
            Tensor cdf = x.div(SQRT_2).erf().add(1.0).mul(0.5);
            Tensor pdf = x.square().mul(-0.5).exp().mul(INV_SQRT_2PI);
            return cdf.add(x.mul(pdf));
        });
        put(r, "erf", n -> n.input(0).square().neg().exp().mul(TWO_OVER_SQRT_PI));   // 2/sqrt(pi) e^(-x^2)
    }

    private static void binary(Map<String, DerivativeRule> r) {
        r.put("add", (n, g) -> of(g, g));
        r.put("sub", (n, g) -> of(g, needs(n, 1) ? g.neg() : null));
        r.put("mul", (n, g) -> of(needs(n, 0) ? g.mul(n.input(1)) : null, needs(n, 1) ? g.mul(n.input(0)) : null));
        r.put("div", (n, g) -> {                                                  // d(x/y) = dx / y - x dy / y^2
            Tensor y = n.input(1);
            return of(needs(n, 0) ? g.div(y) : null, needs(n, 1) ? g.mul(n.input(0)).div(y.mul(y)).neg() : null);
        });
        r.put("pow", ElementwiseRules::pow);
        r.put("maximum", (n, g) -> extremum(n, g, true));
        r.put("minimum", (n, g) -> extremum(n, g, false));
        r.put("atan2", (n, g) -> {                                                // atan2(a, b): da = b / (a^2 + b^2), db = -a / (a^2 + b^2)
            Tensor a = n.input(0), b = n.input(1);
            Tensor scaled = g.div(a.square().add(b.square()));
            return of(needs(n, 0) ? scaled.mul(b) : null, needs(n, 1) ? scaled.mul(a).neg() : null);
        });
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

    /** maximum/minimum: the gradient goes to the larger (smaller) input; ties split it in halves. */
    private static Tensor[] extremum(Node n, Tensor g, boolean max) {
        Tensor x = n.input(0), y = n.input(1);
        Tensor tie = Tensor.where(x.eq(y), g.mul(0.5), 0.0);
        Tensor xWins = max ? x.gt(y) : x.lt(y), yWins = max ? y.gt(x) : y.lt(x);
        return of(needs(n, 0) ? Tensor.where(xWins, g, tie) : null, needs(n, 1) ? Tensor.where(yWins, g, tie) : null);
    }
}
