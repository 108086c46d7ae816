package dev.galvani.autograd;

import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Node;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Finds points where a recorded graph is not differentiable, so that the gradient table can skip
 * samples whose finite differences would straddle a kink or jump. Rule: a sample is skipped when
 * some node's input lies within {@code delta} of a point where that node's op has no derivative:
 * <ul>
 *   <li>abs, relu, sign: x = 0; floor, ceil: x an integer; round: x a half-integer;</li>
 *   <li>maximum, minimum: x = y; amax, amin: a tie for the extremum of a reduced group;</li>
 *   <li>sqrt, rsqrt, log, reciprocal, pow (base): x = 0; log1p: x = -1; atan2: (0, 0).</li>
 * </ul>
 * With delta a few times eps, both x - eps and x + eps lie on the same side of every kink.
 */
final class Kinks {

    private Kinks() {}

    /** The op of the first node sitting on a kink, or null. */
    static String find(Tensor out, double delta) {
        try (var _ = GradMode.disable()) {
            for (Node n : nodes(out)) if (atKink(n, delta)) return n.name();
        }
        return null;
    }

    /** Every node reachable from {@code out}. */
    static Set<Node> nodes(Tensor out) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> todo = new ArrayDeque<>();
        if (out.gradFn() != null) todo.push(out.gradFn());
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n)) continue;
            for (Tensor t : n.inputs()) if (t != null && t.gradFn() != null) todo.push(t.gradFn());
        }
        return seen;
    }

    private static boolean atKink(Node n, double delta) {
        List<Tensor> in = n.inputs();
        Tensor x = in.isEmpty() ? null : in.get(0);
        return switch (n.op()) {
            case Ops.Unary u -> switch (u.op()) {
                case ABS, RELU, SIGN, SQRT, RSQRT, LOG, RECIPROCAL -> near(x, delta);
                case LOG1P -> near(x.add(1.0), delta);
                case FLOOR, CEIL -> near(x.sub(x.round()), delta);
                case ROUND -> near(x.sub(x.floor()).sub(0.5), delta);
                default -> false;
            };
            case Ops.Binary b -> switch (b.op()) {
                case POW -> near(x, delta);
                case MAXIMUM, MINIMUM -> near(x.sub(in.get(1)), delta);
                case ATAN2 -> x.abs().maximum(in.get(1).abs()).lt(delta).any().itemBool();
                default -> false;
            };
            case Ops.BinaryScalar b -> switch (b.op()) {
                case POW -> near(x, delta);
                case DIV -> b.scalarFirst() && near(x, delta);
                case MAXIMUM, MINIMUM -> near(x.sub(b.scalar()), delta);
                case ATAN2 -> x.abs().maximum(Math.abs(b.scalar())).lt(delta).any().itemBool();
                default -> false;
            };
            case Ops.Reduction r when r.kind() == Ops.ReductionKind.AMAX -> tie(x, n.output(), r.dims(), delta, true);
            case Ops.Reduction r when r.kind() == Ops.ReductionKind.AMIN -> tie(x, n.output(), r.dims(), delta, false);
            default -> false;
        };
    }

    private static boolean near(Tensor d, double delta) { return d.numel() > 0 && d.abs().lt(delta).any().itemBool(); }

    /** Whether some reduced group has two elements within delta of its extremum. */
    private static boolean tie(Tensor x, Tensor extremum, int[] dims, double delta, boolean max) {
        if (x.numel() == 0) return false;
        Tensor close = max ? x.ge(extremum.sub(delta)) : x.le(extremum.add(delta));
        return close.to(dev.galvani.tensor.DType.I64).sum(dims, true).gt(1L).any().itemBool();
    }
}
