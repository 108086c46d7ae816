package dev.galvani.tensor.testing;

import static dev.galvani.tensor.DType.BOOL;
import static dev.galvani.tensor.DType.F32;
import static dev.galvani.tensor.DType.F64;
import static dev.galvani.tensor.DType.I32;
import static dev.galvani.tensor.DType.I64;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The operation table: every tensor operation with its samples and an independent reference
 * (java.lang.Math per element, naive loops over explicit indices, or hand-worked values). The CPU
 * test runs it now; the CUDA test runs the very same rows; the autograd table adds gradients to the
 * rows marked differentiable.
 */
public final class OpTable {

    private OpTable() {}

    static final Set<DType> FLOATS = Set.of(F32, F64);
    static final Set<DType> NUMBERS = Set.of(F32, F64, I32, I64);
    static final Set<DType> ALL = Set.of(F32, F64, I32, I64, BOOL);

    /** Values where functions change behaviour: signed zeros, halves (rounding), infinities, NaN. */
    static final double[] EDGE_VALUES = {0.0, -0.0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-30, 30, -30,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};

    public static List<OpInfo> all() {
        List<OpInfo> t = new ArrayList<>();
        unaryOps(t);
        binaryOps(t);
        reductionOps(t);
        linearAlgebraOps(t);
        convolutionOps(t);
        poolingBackwardOps(t);
        activationBackwardOps(t);
        softmaxOps(t);
        normalizationOps(t);
        optimizerOps(t);
        spikingOps(t);
        spectralOps(t);
        viewOps(t);
        indexingOps(t);
        return t;
    }

    // ============================== element-wise, one input ==============================

    private static void unaryOps(List<OpInfo> t) {
        t.add(unary("neg", Tensor::neg, x -> -x, -10, 10, NUMBERS, false));
        t.add(unary("abs", Tensor::abs, Math::abs, -10, 10, NUMBERS, false));
        t.add(unary("sign", Tensor::sign, x -> x > 0 ? 1 : x < 0 ? -1 : 0 /* 0 and NaN: torch.sign(nan) is 0 */, -10, 10, NUMBERS, false));
        t.add(unary("square", Tensor::square, x -> x * x, -10, 10, NUMBERS, false));
        t.add(unary("relu", Tensor::relu, x -> Double.isNaN(x) ? x : x > 0 ? x : 0, -10, 10, NUMBERS, false));
        t.add(unary("floor", Tensor::floor, Math::floor, -10, 10, NUMBERS, false));
        t.add(unary("ceil", Tensor::ceil, Math::ceil, -10, 10, NUMBERS, false));
        t.add(unary("round", Tensor::round, OpTable::roundHalfEven, -10, 10, NUMBERS, false));
        t.add(unary("exp", Tensor::exp, Math::exp, -10, 10, NUMBERS, true));
        t.add(unary("expm1", Tensor::expm1, Math::expm1, -10, 10, NUMBERS, true));
        t.add(unary("log", Tensor::log, Math::log, 0.01, 100, NUMBERS, true));
        t.add(unary("log1p", Tensor::log1p, Math::log1p, -0.99, 100, NUMBERS, true));
        t.add(unary("sqrt", Tensor::sqrt, Math::sqrt, 0, 100, NUMBERS, true));
        t.add(unary("rsqrt", Tensor::rsqrt, x -> 1 / Math.sqrt(x), 0.01, 100, NUMBERS, true));
        t.add(unary("reciprocal", Tensor::reciprocal, x -> 1 / x, 0.1, 10, NUMBERS, true));
        t.add(unary("sin", Tensor::sin, Math::sin, -10, 10, NUMBERS, true));
        t.add(unary("cos", Tensor::cos, Math::cos, -10, 10, NUMBERS, true));
        t.add(unary("tanh", Tensor::tanh, Math::tanh, -10, 10, NUMBERS, true));
        t.add(unary("sigmoid", Tensor::sigmoid, x -> 1 / (1 + Math.exp(-x)), -20, 20, NUMBERS, true));
        t.add(unary("silu", Tensor::silu, x -> x / (1 + Math.exp(-x)), -20, 20, NUMBERS, true));
        t.add(unary("softplus", Tensor::softplus, x -> x > 30 ? x : Math.log(1 + Math.exp(x)), -20, 20, NUMBERS, true));
        t.add(unary("erf", Tensor::erf, Reference::erf, -4, 4, NUMBERS, true));
        t.add(unary("gelu", Tensor::gelu, x -> 0.5 * x * (1 + Reference.erf(x / Math.sqrt(2))), -6, 6, NUMBERS, true));
        t.add(unary("clamp", x -> x.clamp(-2, 3), x -> Double.isNaN(x) ? x : Math.min(3, Math.max(-2, x)), -10, 10, FLOATS, false));
        t.add(unary("clampMin", x -> x.clampMin(-2), x -> Double.isNaN(x) ? x : Math.max(-2, x), -10, 10, FLOATS, false));
        t.add(unary("clampMax", x -> x.clampMax(3), x -> Double.isNaN(x) ? x : Math.min(3, x), -10, 10, FLOATS, false));
        t.add(new OpInfo("logicalNot", ALL, false, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (Tensor x : shapes(in, dt, -2, 2))
                s.add(sample("logicalNot", x, Tensor::logicalNot, a -> a.map(v -> v == 0 ? 1 : 0), BOOL));
            return s;
        }));
    }

    /** Round half to even, spelled out. */
    static double roundHalfEven(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) return x;
        double f = Math.floor(x), diff = x - f;
        double r = diff < 0.5 ? f : diff > 0.5 ? f + 1 : (f % 2 == 0 ? f : f + 1);
        return r == 0 ? Math.copySign(0.0, x) : r;
    }

    private static OpInfo unary(String name, UnaryOperator<Tensor> call, DoubleUnaryOperator ref, double lo, double hi,
                                Set<DType> dtypes, boolean floatOnly) {
        return new OpInfo(name, dtypes, true, (in, dt) -> {
            DType out = floatOnly && !dt.isFloatingPoint() ? F32 : dt;
            Tolerance tol = floatOnly ? Tolerance.LOOSE : Tolerance.DEFAULT;
            List<Sample> s = new ArrayList<>();
            for (Tensor x : shapes(in, dt, lo, hi)) s.add(sample(name, x, call, a -> a.map(ref), out, tol));
            if (dt.isFloatingPoint()) s.add(sample(name + " edge values", in.values(dt, EDGE_VALUES, EDGE_VALUES.length), call, a -> a.map(ref), out, tol));
            // A long row exercises the vector loop and its scalar tail together.
            s.add(sample(name + " [1003]", in.uniform(dt, lo, hi, 1003), call, a -> a.map(ref), out, tol));
            return s;
        });
    }

    // ============================== element-wise, two inputs ==============================

    /** Pairs of shapes covering NumPy broadcasting: equal, trailing, both sides, rank mismatch, scalars, empty. */
    static final int[][][] BROADCAST_PAIRS = {
            {{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{2, 1, 4}, {3, 1}}, {{}, {3, 4}}, {{3, 4}, {}},
            {{}, {}}, {{0, 4}, {4}}, {{5}, {1}}, {{1}, {0}}, {{2, 3, 1, 5}, {3, 4, 1}}};

    private static void binaryOps(List<OpInfo> t) {
        t.add(binary("add", Tensor::add, Double::sum, -10, 10, -10, 10, NUMBERS, null));
        t.add(binary("sub", Tensor::sub, (a, b) -> a - b, -10, 10, -10, 10, NUMBERS, null));
        t.add(binary("mul", Tensor::mul, (a, b) -> a * b, -10, 10, -10, 10, NUMBERS, null));
        t.add(binary("div", Tensor::div, (a, b) -> a / b, -10, 10, 0.5, 10, NUMBERS, F32));
        t.add(binary("pow", Tensor::pow, Math::pow, 0.1, 3, -2, 2, FLOATS, null));
        t.add(binary("pow (integers)", Tensor::pow, Math::pow, -5, 5, 0, 5, Set.of(I32, I64), null));
        t.add(binary("maximum", Tensor::maximum, Math::max, -10, 10, -10, 10, NUMBERS, null));
        t.add(binary("minimum", Tensor::minimum, Math::min, -10, 10, -10, 10, NUMBERS, null));
        t.add(binary("atan2", Tensor::atan2, Math::atan2, -10, 10, -10, 10, FLOATS, null));
        t.add(comparison("eq", Tensor::eq, (a, b) -> a == b ? 1 : 0));
        t.add(comparison("ne", Tensor::ne, (a, b) -> a != b ? 1 : 0));
        t.add(comparison("lt", Tensor::lt, (a, b) -> a < b ? 1 : 0));
        t.add(comparison("le", Tensor::le, (a, b) -> a <= b ? 1 : 0));
        t.add(comparison("gt", Tensor::gt, (a, b) -> a > b ? 1 : 0));
        t.add(comparison("ge", Tensor::ge, (a, b) -> a >= b ? 1 : 0));
        t.add(comparison("logicalAnd", Tensor::logicalAnd, (a, b) -> a != 0 && b != 0 ? 1 : 0));
        t.add(comparison("logicalOr", Tensor::logicalOr, (a, b) -> a != 0 || b != 0 ? 1 : 0));
        t.add(new OpInfo("add(scalar)", NUMBERS, true, (in, dt) -> List.of(
                sample("add(2.5)", in.uniform(dt, -5, 5, 3, 4), x -> x.add(2.5), a -> a.map(v -> v + 2.5), dt.isFloatingPoint() ? dt : F32),
                sample("add(3L)", in.uniform(dt, -5, 5, 3, 4), x -> x.add(3L), a -> a.map(v -> v + 3), dt),
                sample("mul(-1.5)", in.uniform(dt, -5, 5, 7), x -> x.mul(-1.5), a -> a.map(v -> v * -1.5), dt.isFloatingPoint() ? dt : F32),
                sample("sub(2L)", in.uniform(dt, -5, 5, 7), x -> x.sub(2L), a -> a.map(v -> v - 2), dt),
                sample("div(4L)", in.uniform(dt, -5, 5, 7), x -> x.div(4L), a -> a.map(v -> v / 4), dt.isFloatingPoint() ? dt : F32),
                sample("rsub(1.0)", in.uniform(dt, -5, 5, 7), x -> x.rsub(1.0), a -> a.map(v -> 1 - v), dt.isFloatingPoint() ? dt : F32),
                sample("pow(2.0)", in.uniform(dt, -5, 5, 7), x -> x.pow(2.0), a -> a.map(v -> v * v), dt.isFloatingPoint() ? dt : F32),
                sample("pow(0.5)", in.uniform(dt, 0, 5, 7), x -> x.pow(0.5), a -> a.map(Math::sqrt), dt.isFloatingPoint() ? dt : F32, Tolerance.LOOSE))));
        t.add(new OpInfo("rsub", NUMBERS, true, (in, dt) -> List.of(
                sample("rsub(1.5)", in.uniform(dt, -5, 5, 3, 4), x -> x.rsub(1.5), a -> a.map(v -> 1.5 - v), dt.isFloatingPoint() ? dt : F32))));
        t.add(new OpInfo("rdiv", NUMBERS, true, (in, dt) -> List.of(
                sample("rdiv(3)", in.uniform(dt, 1, 5, 3, 4), x -> x.rdiv(3.0), a -> a.map(v -> 3 / v), dt.isFloatingPoint() ? dt : F32))));
        t.add(new OpInfo("rpow", FLOATS, true, (in, dt) -> List.of(
                sample("rpow(2)", in.uniform(dt, -3, 3, 3, 4), x -> x.rpow(2.0), a -> a.map(v -> Math.pow(2, v)), dt, Tolerance.LOOSE),
                sample("rpow(0)", in.uniform(dt, 0.1, 3, 7), x -> x.rpow(0.0), a -> a.map(v -> Math.pow(0, v)), dt))));
        t.add(new OpInfo("atan2(scalar)", FLOATS, true, (in, dt) -> List.of(
                sample("atan2(0.7)", in.uniform(dt, -3, 3, 3, 4), x -> x.atan2(0.7), a -> a.map(v -> Math.atan2(v, 0.7)), dt, Tolerance.LOOSE))));
        t.add(new OpInfo("where", ALL, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (int[][] p : new int[][][]{{{3, 4}, {3, 4}, {3, 4}}, {{3, 1}, {1, 4}, {4}}, {{}, {2, 3}, {}}, {{0, 2}, {2}, {1}}}) {
                Tensor c = in.uniform(BOOL, 0, 1, p[0]), a = in.uniform(dt, -5, 5, p[1]), b = in.uniform(dt, -5, 5, p[2]);
                s.add(new Sample("where " + Arrays.deepToString(p), List.of(c, a, b), x -> Tensor.where(x.get(0), x.get(1), x.get(2)),
                        r -> NdArray.build(NdArray.broadcastShape(NdArray.broadcastShape(r.get(0).shape, r.get(1).shape), r.get(2).shape),
                                i -> r.get(0).getBroadcast(i) != 0 ? r.get(1).getBroadcast(i) : r.get(2).getBroadcast(i)), dt, Tolerance.DEFAULT));
            }
            return s;
        }));
        t.add(new OpInfo("maskedFill", NUMBERS, true, (in, dt) -> {
            Tensor x = in.uniform(dt, -5, 5, 3, 4), m = in.uniform(BOOL, 0, 1, 4);
            return List.of(new Sample("maskedFill [3,4] mask [4]", List.of(x, m), v -> v.get(0).maskedFill(v.get(1), 7),
                    r -> NdArray.build(r.get(0).shape, i -> r.get(1).getBroadcast(i) != 0 ? 7 : r.get(0).get(i)), dt, Tolerance.DEFAULT));
        }));
    }

    private static OpInfo binary(String name, BinaryOperator call, DoubleBinaryOperator ref, double loA, double hiA, double loB, double hiB,
                                 Set<DType> dtypes, DType integerResult) {
        return new OpInfo(name, dtypes, true, (in, dt) -> {
            DType out = integerResult != null && !dt.isFloatingPoint() ? integerResult : dt;
            DoubleBinaryOperator r = dt.isFloatingPoint() || integerResult != null ? ref : (a, b) -> (double) (long) ref.applyAsDouble(a, b);
            return binarySamples(name, in, dt, loA, hiA, loB, hiB, call, r, out);
        });
    }

    private static OpInfo comparison(String name, BinaryOperator call, DoubleBinaryOperator ref) {
        return new OpInfo(name, ALL, false, (in, dt) -> {
            List<Sample> s = binarySamples(name, in, dt, -3, 3, -3, 3, call, ref, BOOL);
            if (dt.isFloatingPoint()) {
                Tensor a = in.values(dt, EDGE_VALUES, EDGE_VALUES.length);
                Tensor b = in.values(dt, reversed(EDGE_VALUES), EDGE_VALUES.length);
                s.add(new Sample(name + " edge values", List.of(a, b), v -> call.apply(v.get(0), v.get(1)),
                        v -> NdArray.zip(v.get(0), v.get(1), ref), BOOL, Tolerance.DEFAULT));
            }
            return s;
        });
    }

    private static List<Sample> binarySamples(String name, Inputs in, DType dt, double loA, double hiA, double loB, double hiB,
                                              BinaryOperator call, DoubleBinaryOperator ref, DType out) {
        List<Sample> s = new ArrayList<>();
        Tolerance tol = name.equals("pow") || name.equals("atan2") ? Tolerance.LOOSE : Tolerance.DEFAULT;
        for (int[][] p : BROADCAST_PAIRS) {
            Tensor a = in.uniform(dt, loA, hiA, p[0]), b = in.uniform(dt, loB, hiB, p[1]);
            s.add(new Sample(name + " " + Arrays.toString(p[0]) + " with " + Arrays.toString(p[1]), List.of(a, b),
                    v -> call.apply(v.get(0), v.get(1)), v -> NdArray.zip(v.get(0), v.get(1), ref), out, tol));
        }
        Tensor a = in.uniform(dt, loA, hiA, 2, 3, 5), b = in.uniform(dt, loB, hiB, 2, 3, 5);
        for (Inputs.Layout la : in.layouts(a))
            for (Inputs.Layout lb : in.layouts(b))
                s.add(new Sample(name + " " + la.name() + " with " + lb.name(), List.of(la.tensor(), lb.tensor()),
                        v -> call.apply(v.get(0), v.get(1)), v -> NdArray.zip(v.get(0), v.get(1), ref), out, tol));
        // Broadcast by expand (zero strides) and a long row with a scalar (vector loop + tail).
        Tensor row = in.uniform(dt, loB, hiB, 1, 5);
        s.add(new Sample(name + " expanded", List.of(a, row.expand(3, 5)), v -> call.apply(v.get(0), v.get(1)),
                v -> NdArray.zip(v.get(0), v.get(1), ref), out, tol));
        Tensor longRow = in.uniform(dt, loA, hiA, 2, 1003), scalar = in.uniform(dt, loB, hiB);
        s.add(new Sample(name + " [2, 1003] with scalar", List.of(longRow, scalar), v -> call.apply(v.get(0), v.get(1)),
                v -> NdArray.zip(v.get(0), v.get(1), ref), out, tol));
        Tensor scalarA = in.uniform(dt, loA, hiA), longRowB = in.uniform(dt, loB, hiB, 2, 1003);
        s.add(new Sample(name + " scalar with [2, 1003]", List.of(scalarA, longRowB), v -> call.apply(v.get(0), v.get(1)),
                v -> NdArray.zip(v.get(0), v.get(1), ref), out, tol));
        return s;
    }

    private static double[] reversed(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = v[v.length - 1 - i];
        return r;
    }

    @FunctionalInterface
    interface BinaryOperator { Tensor apply(Tensor a, Tensor b); }

    // ============================== reductions ==============================

    /** (dims, keepDim) cases over a [2, 3, 4] input; null dims means all. */
    static final Object[][] REDUCTION_DIMS = {{null, false}, {new int[]{0}, false}, {new int[]{-1}, true}, {new int[]{1}, false},
            {new int[]{0, 2}, false}, {new int[]{0, 2}, true}, {new int[]{0, 1, 2}, false}};

    private static void reductionOps(List<OpInfo> t) {
        t.add(reduction("sum", (x, d, k) -> d == null ? x.sum() : x.sum(d, k), OpTable::sumOf, NUMBERS, true, false));
        t.add(reduction("mean", (x, d, k) -> d == null ? x.mean() : x.mean(d, k), v -> sumOf(v) / v.length, FLOATS, false, true));
        t.add(reduction("prod", (x, d, k) -> d == null ? x.prod() : x.prod(d, k), v -> {
            double p = 1;
            for (double x : v) p *= x;
            return p;
        }, NUMBERS, true, false));
        t.add(reduction("amax", (x, d, k) -> d == null ? x.amax() : x.amax(d, k), v -> Arrays.stream(v).max().orElseThrow(), NUMBERS, false, false));
        t.add(reduction("amin", (x, d, k) -> d == null ? x.amin() : x.amin(d, k), v -> Arrays.stream(v).min().orElseThrow(), NUMBERS, false, false));
        t.add(reduction("var", (x, d, k) -> d == null ? x.var(true) : x.var(d, true, k), v -> variance(v, 1), FLOATS, false, true));
        t.add(reduction("var (biased)", (x, d, k) -> d == null ? x.var(false) : x.var(d, false, k), v -> variance(v, 0), FLOATS, false, true));
        t.add(reduction("std", (x, d, k) -> d == null ? x.std(true) : x.std(d, true, k), v -> Math.sqrt(variance(v, 1)), FLOATS, false, true));
        t.add(reduction("logsumexp", (x, d, k) -> x.logsumexp(d == null ? java.util.stream.IntStream.range(0, x.dim()).toArray() : d, k), v -> {
            double s = 0;
            for (double x : v) s += Math.exp(x);
            return Math.log(s);
        }, FLOATS, false, true));
        t.add(reduction("norm(1)", (x, d, k) -> d == null ? x.norm(1) : x.norm(1, d, k), v -> Arrays.stream(v).map(Math::abs).sum(), FLOATS, false, true));
        t.add(reduction("norm(2)", (x, d, k) -> d == null ? x.norm(2) : x.norm(2, d, k), v -> Math.sqrt(Arrays.stream(v).map(a -> a * a).sum()), FLOATS, false, true));
        t.add(reduction("norm(inf)", (x, d, k) -> d == null ? x.norm(Double.POSITIVE_INFINITY) : x.norm(Double.POSITIVE_INFINITY, d, k),
                v -> Arrays.stream(v).map(Math::abs).max().orElseThrow(), FLOATS, false, true));
        t.add(reduction("norm(3)", (x, d, k) -> d == null ? x.norm(3) : x.norm(3, d, k),
                v -> Math.cbrt(Arrays.stream(v).map(a -> Math.abs(a * a * a)).sum()), FLOATS, false, true));
        t.add(reduction("all", (x, d, k) -> d == null ? x.all() : x.all(d, k), v -> Arrays.stream(v).allMatch(a -> a != 0) ? 1 : 0, ALL, false, false));
        t.add(reduction("any", (x, d, k) -> d == null ? x.any() : x.any(d, k), v -> Arrays.stream(v).anyMatch(a -> a != 0) ? 1 : 0, ALL, false, false));
        t.add(argReduction("argmax", true));
        t.add(argReduction("argmin", false));
        t.add(new OpInfo("cumsum", NUMBERS, true, (in, dt) -> {
            DType out = dt.isFloatingPoint() ? dt : I64;
            List<Sample> s = new ArrayList<>();
            Tensor x = in.uniform(dt, -5, 5, 2, 3, 4);
            for (int dim : new int[]{0, 1, -1})
                for (Inputs.Layout l : in.layouts(x))
                    s.add(sample("cumsum dim " + dim + " " + l.name(), l.tensor(), v -> v.cumsum(dim), a -> cumsumRef(a, dim), out));
            s.add(sample("cumsum [1003]", in.uniform(dt, -5, 5, 1003), v -> v.cumsum(0), a -> cumsumRef(a, 0), out, Tolerance.LOOSE));
            s.add(sample("cumsum [0, 3]", in.uniform(dt, -5, 5, 0, 3), v -> v.cumsum(0), a -> cumsumRef(a, 0), out));
            return s;
        }));
    }

    static double sumOf(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s;
    }

    static double variance(double[] v, int correction) {
        double m = sumOf(v) / v.length, s = 0;
        for (double x : v) s += (x - m) * (x - m);
        return s / (v.length - correction);
    }

    static NdArray cumsumRef(NdArray a, int dim) {
        int d = dim < 0 ? dim + a.rank() : dim;
        return NdArray.build(a.shape, i -> {
            double s = 0;
            int[] j = i.clone();
            for (int k = 0; k <= i[d]; k++) {
                j[d] = k;
                s += a.get(j);
            }
            return s;
        });
    }

    @FunctionalInterface
    interface ReductionCall { Tensor apply(Tensor x, int[] dims, boolean keepDim); }

    private static OpInfo reduction(String name, ReductionCall call, NdArray.Reducer ref, Set<DType> dtypes, boolean widensIntegers, boolean floatOnly) {
        return new OpInfo(name, dtypes, !name.equals("all") && !name.equals("any"), (in, dt) -> {
            DType out = name.equals("all") || name.equals("any") ? BOOL : widensIntegers && !dt.isFloatingPoint() ? I64 : dt;
            Tolerance tol = floatOnly || widensIntegers ? Tolerance.LOOSE : Tolerance.DEFAULT;
            double lo = name.equals("prod") ? 0.5 : dt == BOOL ? 0 : -5, hi = name.equals("prod") ? 2 : dt == BOOL ? 1 : 5;
            List<Sample> s = new ArrayList<>();
            Tensor x = in.uniform(dt, lo, hi, 2, 3, 4);
            for (Object[] c : REDUCTION_DIMS) {
                int[] dims = (int[]) c[0];
                boolean keep = (Boolean) c[1];
                for (Inputs.Layout l : in.layouts(x))
                    s.add(sample(name + " dims " + Arrays.toString(dims) + (keep ? " keepDim " : " ") + l.name(), l.tensor(),
                            v -> call.apply(v, dims, keep), a -> a.reduce(dims, keep, ref), out, tol));
            }
            s.add(sample(name + " of a scalar", in.uniform(dt, lo, hi), v -> call.apply(v, null, false), a -> a.reduce(null, false, ref), out, tol));
            // Long rows: the vector path, its tail, and the multi-threaded split of one big reduction.
            s.add(sample(name + " [3, 1003] dim 1", in.uniform(dt, lo, hi, 3, 1003), v -> call.apply(v, new int[]{1}, false),
                    a -> a.reduce(new int[]{1}, false, ref), out, tol));
            if (!name.equals("prod"))
                s.add(sample(name + " [300000]", in.uniform(dt, lo, hi, 300_000), v -> call.apply(v, null, false), a -> a.reduce(null, false, ref), out,
                        new Tolerance(1e-4, 1e-4, 1e-10, 1e-9)));
            if (name.equals("sum") || name.equals("prod") || name.equals("all") || name.equals("any"))
                s.add(sample(name + " over an empty dim", in.uniform(dt, lo, hi, 0, 3), v -> call.apply(v, new int[]{0}, false),
                        a -> a.reduce(new int[]{0}, false, ref), out, tol));
            return s;
        });
    }

    private static OpInfo argReduction(String name, boolean max) {
        return new OpInfo(name, NUMBERS, false, (in, dt) -> {
            NdArray.Reducer ref = v -> {
                int best = 0;
                for (int i = 1; i < v.length; i++) if (max ? v[i] > v[best] : v[i] < v[best]) best = i;
                return best;
            };
            List<Sample> s = new ArrayList<>();
            // Integers in a small range make ties: the first occurrence must win.
            Tensor x = in.uniform(dt, -3, 3, 2, 3, 4);
            s.add(sample(name + " all", x, v -> max ? v.argmax() : v.argmin(), a -> a.reduce(null, false, ref), I64));
            for (int dim : new int[]{0, 1, -1})
                for (boolean keep : new boolean[]{false, true})
                    for (Inputs.Layout l : in.layouts(x))
                        s.add(sample(name + " dim " + dim + (keep ? " keepDim " : " ") + l.name(), l.tensor(),
                                v -> max ? v.argmax(dim, keep) : v.argmin(dim, keep), a -> a.reduce(new int[]{dim}, keep, ref), I64));
            s.add(sample(name + " [200000]", in.uniform(dt, -1000, 1000, 200_000), v -> max ? v.argmax() : v.argmin(), a -> a.reduce(null, false, ref), I64));
            return s;
        });
    }

    // ============================== linear algebra ==============================

    private static void linearAlgebraOps(List<OpInfo> t) {
        t.add(new OpInfo("matmul", NUMBERS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            int[][][] cases = {{{5}, {5}}, {{3, 5}, {5}}, {{5}, {5, 4}}, {{3, 5}, {5, 4}}, {{2, 3, 5}, {5, 4}}, {{5}, {2, 5, 4}},
                    {{2, 1, 3, 5}, {4, 5, 2}}, {{1, 1}, {1, 1}}, {{0, 5}, {5, 4}}, {{3, 0}, {0, 4}}, {{17, 33}, {33, 65}}, {{2, 70, 40}, {2, 40, 50}}};
            for (int[][] c : cases) {
                Tensor a = in.uniform(dt, -3, 3, c[0]), b = in.uniform(dt, -3, 3, c[1]);
                s.add(new Sample("matmul " + Arrays.toString(c[0]) + " x " + Arrays.toString(c[1]), List.of(a, b), v -> v.get(0).matmul(v.get(1)),
                        v -> Reference.matmul(v.get(0), v.get(1)), dt, Tolerance.LOOSE));
            }
            Tensor a = in.uniform(dt, -3, 3, 2, 30, 20), b = in.uniform(dt, -3, 3, 2, 20, 25);
            for (Inputs.Layout la : in.layouts(a))
                for (Inputs.Layout lb : in.layouts(b))
                    s.add(new Sample("matmul " + la.name() + " x " + lb.name(), List.of(la.tensor(), lb.tensor()), v -> v.get(0).matmul(v.get(1)),
                            v -> Reference.matmul(v.get(0), v.get(1)), dt, Tolerance.LOOSE));
            Tensor at = in.uniform(dt, -3, 3, 20, 30), bt = in.uniform(dt, -3, 3, 25, 20);
            s.add(new Sample("matmul transposed operands", List.of(at, bt), v -> v.get(0).T().matmul(v.get(1).T()),
                    v -> Reference.matmul(Reference.transpose(v.get(0)), Reference.transpose(v.get(1))), dt, Tolerance.LOOSE));
            return s;
        }));
        t.add(new OpInfo("bmm", FLOATS, true, (in, dt) -> List.of(pair("bmm", in.uniform(dt, -3, 3, 3, 4, 5), in.uniform(dt, -3, 3, 3, 5, 2),
                Tensor::bmm, Reference::matmul, dt))));
        t.add(new OpInfo("mm", FLOATS, true, (in, dt) -> List.of(pair("mm", in.uniform(dt, -3, 3, 4, 5), in.uniform(dt, -3, 3, 5, 2),
                Tensor::mm, Reference::matmul, dt))));
        t.add(new OpInfo("dot", NUMBERS, true, (in, dt) -> List.of(pair("dot", in.uniform(dt, -3, 3, 7), in.uniform(dt, -3, 3, 7),
                Tensor::dot, Reference::matmul, dt))));
        t.add(new OpInfo("outer", NUMBERS, true, (in, dt) -> List.of(pair("outer", in.uniform(dt, -3, 3, 4), in.uniform(dt, -3, 3, 3),
                Tensor::outer, (a, b) -> NdArray.build(new int[]{a.shape[0], b.shape[0]}, i -> a.get(i[0]) * b.get(i[1])), dt))));
        t.add(new OpInfo("einsum", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            Object[][] cases = {{"ij,jk->ik", new int[]{3, 4}, new int[]{4, 5}}, {"bij,bjk->bik", new int[]{2, 3, 4}, new int[]{2, 4, 5}},
                    {"ij,kj->ik", new int[]{3, 4}, new int[]{5, 4}}, {"i,j->ij", new int[]{3}, new int[]{4}}, {"ij,ij->", new int[]{3, 4}, new int[]{3, 4}},
                    {"bhqd,bhkd->bhqk", new int[]{2, 2, 3, 4}, new int[]{2, 2, 5, 4}}, {"ijk,jl->li", new int[]{2, 3, 4}, new int[]{3, 5}},
                    {"ij,jk", new int[]{3, 4}, new int[]{4, 5}}};
            for (Object[] c : cases) {
                String eq = (String) c[0];
                s.add(pair("einsum " + eq, in.uniform(dt, -2, 2, (int[]) c[1]), in.uniform(dt, -2, 2, (int[]) c[2]),
                        (a, b) -> Tensor.einsum(eq, a, b), (a, b) -> Reference.einsum(eq, a, b), dt));
            }
            return s;
        }));
    }

    private static Sample pair(String name, Tensor a, Tensor b, BinaryOperator call, BiFunction<NdArray, NdArray, NdArray> ref, DType out) {
        return new Sample(name, List.of(a, b), v -> call.apply(v.get(0), v.get(1)), v -> ref.apply(v.get(0), v.get(1)), out, Tolerance.LOOSE);
    }

    // ============================== convolution and pooling ==============================

    private static void convolutionOps(List<OpInfo> t) {
        // (stride, padding, dilation, groups) over x [2, 4, 7, 6] and a 3x3 (or 2x2) kernel
        int[][] geometries = {{1, 0, 1, 1}, {1, 1, 1, 1}, {2, 1, 1, 1}, {1, 2, 2, 1}, {2, 0, 1, 2}, {1, 1, 1, 4}, {3, 2, 2, 2}};
        t.add(new OpInfo("conv2d", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (int[] g : geometries) {
                int k = g[0] == 3 ? 2 : 3;
                Tensor x = in.uniform(dt, -2, 2, 2, 4, 7, 6), w = in.uniform(dt, -1, 1, 6 - 6 % g[3] == 6 ? 6 : 4, 4 / g[3], k, k), b = in.uniform(dt, -1, 1, w.size(0));
                s.add(new Sample("conv2d stride " + g[0] + " padding " + g[1] + " dilation " + g[2] + " groups " + g[3], List.of(x, w, b),
                        v -> dev.galvani.tensor.Convolution.conv2d(v.get(0), v.get(1), v.get(2), g[0], g[1], g[2], g[3]),
                        v -> Reference.conv2d(v.get(0), v.get(1), v.get(2), g[0], g[1], g[2], g[3]), dt, Tolerance.LOOSE));
            }
            Tensor x = in.uniform(dt, -2, 2, 1, 3, 5, 5), w = in.uniform(dt, -1, 1, 2, 3, 3, 3);
            for (Inputs.Layout l : in.layouts(x))
                s.add(new Sample("conv2d no bias " + l.name(), List.of(l.tensor(), w), v -> dev.galvani.tensor.Convolution.conv2d(v.get(0), v.get(1)),
                        v -> Reference.conv2d(v.get(0), v.get(1), null, 1, 0, 1, 1), dt, Tolerance.LOOSE));
            return s;
        }));
        // The gradients are operations too (recorded, so that a backward pass can be differentiated again).
        t.add(new OpInfo("conv2dWeightGrad", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (int[] g : geometries) {
                int k = g[0] == 3 ? 2 : 3, o = 6 - 6 % g[3] == 6 ? 6 : 4;
                int[] ws = {o, 4 / g[3], k, k};
                Tensor x = in.uniform(dt, -2, 2, 2, 4, 7, 6);
                int oh = (7 + 2 * g[1] - g[2] * (k - 1) - 1) / g[0] + 1, ow = (6 + 2 * g[1] - g[2] * (k - 1) - 1) / g[0] + 1;
                Tensor gy = in.uniform(dt, -1, 1, 2, o, oh, ow);
                s.add(new Sample("conv2dWeightGrad " + Arrays.toString(g), List.of(x, gy),
                        v -> dev.galvani.tensor.Convolution.conv2dWeightGrad(v.get(0), v.get(1), ws, g[0], g[0], g[1], g[1], g[2], g[2], g[3]),
                        v -> Reference.conv2dWeightGrad(v.get(0), v.get(1), ws, g[0], g[1], g[2], g[3]), dt, Tolerance.LOOSE));
            }
            return s;
        }));
        t.add(new OpInfo("conv1d", FLOATS, true, (in, dt) -> {
            Tensor x = in.uniform(dt, -2, 2, 2, 4, 9), w = in.uniform(dt, -1, 1, 6, 2, 3), b = in.uniform(dt, -1, 1, 6);
            return List.of(new Sample("conv1d stride 2 padding 1 dilation 2 groups 2", List.of(x, w, b),
                    v -> dev.galvani.tensor.Convolution.conv1d(v.get(0), v.get(1), v.get(2), 2, 1, 2, 2),
                    v -> Reference.conv1d(v.get(0), v.get(1), v.get(2), 2, 1, 2, 2), dt, Tolerance.LOOSE));
        }));
        t.add(new OpInfo("convTranspose2d", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            // (stride, padding, outputPadding, dilation, groups)
            for (int[] g : new int[][]{{1, 0, 0, 1, 1}, {2, 1, 1, 1, 1}, {2, 0, 0, 2, 2}, {3, 1, 2, 1, 1}}) {
                Tensor x = in.uniform(dt, -2, 2, 2, 4, 4, 3), w = in.uniform(dt, -1, 1, 4, 6 / g[4], 3, 3), b = in.uniform(dt, -1, 1, 6);
                s.add(new Sample("convTranspose2d " + Arrays.toString(g), List.of(x, w, b),
                        v -> dev.galvani.tensor.Convolution.convTranspose2d(v.get(0), v.get(1), v.get(2), g[0], g[1], g[2], g[3], g[4]),
                        v -> Reference.convTranspose2d(v.get(0), v.get(1), v.get(2), g[0], g[1], g[2], g[3], g[4]), dt, Tolerance.LOOSE));
            }
            return s;
        }));
        t.add(new OpInfo("maxPool2d", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            // (kernel, stride, padding, dilation, ceil)
            for (int[] g : new int[][]{{2, 2, 0, 1, 0}, {3, 2, 1, 1, 0}, {3, 2, 1, 1, 1}, {2, 1, 0, 2, 0}, {3, 3, 1, 1, 1}}) {
                Tensor x = in.uniform(dt, -5, 5, 2, 3, 7, 8);
                s.add(sample("maxPool2d " + Arrays.toString(g), x,
                        v -> dev.galvani.tensor.Pooling.maxPool2d(v, g[0], g[0], g[1], g[1], g[2], g[2], g[3], g[3], g[4] == 1),
                        a -> Reference.maxPool2d(a, g[0], g[1], g[2], g[3], g[4] == 1), dt));
            }
            return s;
        }));
        t.add(new OpInfo("avgPool2d", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            // (kernel, stride, padding, ceil, countIncludePad)
            for (int[] g : new int[][]{{2, 2, 0, 0, 1}, {3, 2, 1, 0, 1}, {3, 2, 1, 0, 0}, {3, 2, 1, 1, 1}, {3, 2, 1, 1, 0}, {2, 1, 1, 0, 0}}) {
                Tensor x = in.uniform(dt, -5, 5, 2, 3, 7, 8);
                s.add(sample("avgPool2d " + Arrays.toString(g), x,
                        v -> dev.galvani.tensor.Pooling.avgPool2d(v, g[0], g[0], g[1], g[1], g[2], g[2], g[3] == 1, g[4] == 1),
                        a -> Reference.avgPool2d(a, g[0], g[1], g[2], g[3] == 1, g[4] == 1), dt));
            }
            return s;
        }));
        t.add(new OpInfo("maxPool1d", FLOATS, true, (in, dt) -> List.of(sample("maxPool1d kernel 3 stride 2 padding 1", in.uniform(dt, -5, 5, 2, 3, 9),
                v -> dev.galvani.tensor.Pooling.maxPool1d(v, 3, 2, 1, 1, false),
                a -> Reference.maxPool1d(a, 3, 2, 1), dt))));
        t.add(new OpInfo("avgPool1d", FLOATS, true, (in, dt) -> List.of(sample("avgPool1d kernel 3 stride 2 padding 1", in.uniform(dt, -5, 5, 2, 3, 9),
                v -> dev.galvani.tensor.Pooling.avgPool1d(v, 3, 2, 1, false, true),
                a -> Reference.avgPool1d(a, 3, 2, 1), dt))));
    }

    /** The pooling gradients as operations of their own: linear in the output gradient. */
    private static void poolingBackwardOps(List<OpInfo> t) {
        t.add(new OpInfo("maxPool2dBackward", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (int[] g : new int[][]{{2, 2, 0, 1}, {3, 2, 1, 1}, {2, 1, 0, 2}}) {
                Tensor x = in.uniform(dt, -5, 5, 2, 3, 7, 8);
                var spec = new dev.galvani.tensor.backend.Pool2dSpec(g[0], g[0], g[1], g[1], g[2], g[2], g[3], g[3], false, true);
                Tensor indices = dev.galvani.tensor.Pooling.maxPool2dWithIndices(x, spec).indices();
                Tensor gy = in.uniform(dt, -1, 1, indices.shape().dims());
                NdArray xs = NdArray.of(x);
                s.add(new Sample("maxPool2dBackward " + Arrays.toString(g), List.of(gy),
                        v -> dev.galvani.tensor.Pooling.maxPool2dBackward(v.get(0), indices, x.shape().dims(), spec),
                        v -> Reference.maxPool2dBackward(xs, v.get(0), g[0], g[1], g[2], g[3]), dt, Tolerance.LOOSE));
            }
            return s;
        }));
        t.add(new OpInfo("avgPool2dBackward", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            int[] inShape = {2, 3, 7, 8};
            // (kernel, stride, padding, countIncludePad)
            for (int[] g : new int[][]{{2, 2, 0, 1}, {3, 2, 1, 1}, {3, 2, 1, 0}}) {
                var spec = new dev.galvani.tensor.backend.Pool2dSpec(g[0], g[0], g[1], g[1], g[2], g[2], 1, 1, false, g[3] == 1);
                Tensor gy = in.uniform(dt, -1, 1, 2, 3, spec.outH(7), spec.outW(8));
                s.add(new Sample("avgPool2dBackward " + Arrays.toString(g), List.of(gy),
                        v -> dev.galvani.tensor.Pooling.avgPool2dBackward(v.get(0), inShape, spec),
                        v -> Reference.avgPool2dBackward(inShape, v.get(0), g[0], g[1], g[2], g[3] == 1), dt, Tolerance.LOOSE));
            }
            return s;
        }));
    }

    /**
     * The fused activation gradients (reluBackward, geluBackward) against their formulas per element:
     * g where y > 0 else 0; g (Φ(x) + x φ(x)) with Φ from the Simpson-rule erf of {@link Reference#erf}.
     * Shapes: a small block, a long row (vector loop and tail) and a transposed (strided) gradient.
     */
    private static void activationBackwardOps(List<OpInfo> t) {
        t.add(new OpInfo("reluBackward", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (int[] shape : new int[][]{{3, 4}, {1003}, {7, 5}}) {
                Tensor g = shape.length == 2 && shape[0] == 7 ? in.uniform(dt, -1, 1, 5, 7).t() : in.uniform(dt, -1, 1, shape);
                Tensor y = in.uniform(dt, -2, 2, shape).relu();          // half of it exactly 0, as a ReLU output
                NdArray ys = NdArray.of(y);
                s.add(new Sample("reluBackward " + g.shape() + (g.isContiguous() ? "" : " (non-contiguous)"), List.of(g),
                        v -> dev.galvani.tensor.Activations.reluBackward(v.get(0), y),
                        v -> NdArray.zip(v.get(0), ys, (gi, yi) -> yi > 0 ? gi : 0), dt, Tolerance.DEFAULT));
            }
            return s;
        }));
        t.add(new OpInfo("geluBackward", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (int[] shape : new int[][]{{3, 4}, {1003}, {7, 5}}) {
                Tensor g = shape.length == 2 && shape[0] == 7 ? in.uniform(dt, -1, 1, 5, 7).t() : in.uniform(dt, -1, 1, shape);
                Tensor x = in.uniform(dt, -6, 6, shape);
                s.add(new Sample("geluBackward " + g.shape() + (g.isContiguous() ? "" : " (non-contiguous)"), List.of(g, x),
                        v -> dev.galvani.tensor.Activations.geluBackward(v.get(0), v.get(1)),
                        v -> NdArray.zip(v.get(0), v.get(1), (gi, xi) -> gi * (0.5 * (1 + Reference.erf(xi / Math.sqrt(2)))
                                + xi * Math.exp(-xi * xi / 2) / Math.sqrt(2 * Math.PI))), dt, Tolerance.LOOSE));
            }
            return s;
        }));
    }

    /**
     * Softmax and log-softmax along every dimension of a 3-D input in each layout, a long row (vector
     * loop and masked tail), rows of one element and rows near 1000 (exp would overflow without the
     * shift); their backward passes with independent (g, y), g also strided. References: per-row
     * loops in double ({@link #softmaxRef}, {@link #softmaxBackwardRef}).
     */
    private static void softmaxOps(List<OpInfo> t) {
        for (boolean log : new boolean[]{false, true}) {
            String name = log ? "logSoftmax" : "softmax";
            t.add(new OpInfo(name, FLOATS, true, (in, dt) -> {
                List<Sample> s = new ArrayList<>();
                Tensor x = in.uniform(dt, -5, 5, 2, 3, 5);
                for (int dim : new int[]{0, 1, -1})
                    for (Inputs.Layout l : in.layouts(x))
                        s.add(sample(name + " dim " + dim + " " + l.name(), l.tensor(), v -> softmaxOp(v, dim, log), a -> softmaxRef(a, dim, log), dt));
                s.add(sample(name + " long row", in.uniform(dt, -5, 5, 2, 1003), v -> softmaxOp(v, 1, log), a -> softmaxRef(a, 1, log), dt, Tolerance.LOOSE));
                s.add(sample(name + " n = 1", in.uniform(dt, -5, 5, 4, 1), v -> softmaxOp(v, 1, log), a -> softmaxRef(a, 1, log), dt));
                s.add(sample(name + " near 1000", in.uniform(dt, 995, 1005, 3, 37), v -> softmaxOp(v, -1, log), a -> softmaxRef(a, -1, log), dt, Tolerance.LOOSE));
                return s;
            }));
            String back = name + "Backward";
            t.add(new OpInfo(back, FLOATS, true, (in, dt) -> {
                List<Sample> s = new ArrayList<>();
                for (int[] shape : new int[][]{{2, 3, 5}, {2, 1003}, {5, 7}})
                    for (int dim = 0; dim < shape.length; dim++) {
                        int d = dim;
                        boolean strided = shape[0] == 5;
                        Tensor g = strided ? in.uniform(dt, -1, 1, shape[1], shape[0]).t() : in.uniform(dt, -1, 1, shape);
                        Tensor y = log ? in.uniform(dt, -4, 0, shape) : in.uniform(dt, 0, 1, shape);
                        s.add(new Sample(back + " dim " + d + " " + g.shape() + (strided ? " (non-contiguous)" : ""), List.of(g, y),
                                v -> log ? dev.galvani.tensor.Softmax.logSoftmaxBackward(v.get(0), v.get(1), d)
                                        : dev.galvani.tensor.Softmax.softmaxBackward(v.get(0), v.get(1), d),
                                v -> softmaxBackwardRef(v.get(0), v.get(1), d, log), dt, Tolerance.LOOSE));
                    }
                return s;
            }));
        }
    }

    private static Tensor softmaxOp(Tensor x, int dim, boolean log) {
        return log ? dev.galvani.tensor.Softmax.logSoftmax(x, dim) : dev.galvani.tensor.Softmax.softmax(x, dim);
    }

    /** The values of index i's row along dim d. */
    private static double[] rowOf(NdArray a, int[] i, int d) {
        double[] r = new double[a.shape[d]];
        int[] j = i.clone();
        for (int k = 0; k < r.length; k++) {
            j[d] = k;
            r[k] = a.get(j);
        }
        return r;
    }

    /** exp(x - m) / sum(exp(x - m)), or (x - m) - log(sum), per row along dim, in double. */
    public static NdArray softmaxRef(NdArray a, int dim, boolean log) {
        int d = dim < 0 ? dim + a.rank() : dim;
        return NdArray.build(a.shape, i -> {
            double[] row = rowOf(a, i, d);
            double m = Double.NEGATIVE_INFINITY, sum = 0;
            for (double v : row) m = Math.max(m, v);
            for (double v : row) sum += Math.exp(v - m);
            double x = a.get(i);
            return log ? x - m - Math.log(sum) : Math.exp(x - m) / sum;
        });
    }

    /** y (g - sum(g y)), or g - exp(y) sum(g), per row along dim, in double. */
    public static NdArray softmaxBackwardRef(NdArray g, NdArray y, int dim, boolean log) {
        int d = dim < 0 ? dim + g.rank() : dim;
        return NdArray.build(g.shape, i -> {
            double[] gr = rowOf(g, i, d), yr = rowOf(y, i, d);
            double s = 0;
            for (int k = 0; k < gr.length; k++) s += log ? gr[k] : gr[k] * yr[k];
            return log ? g.get(i) - Math.exp(y.get(i)) * s : y.get(i) * (g.get(i) - s);
        });
    }

    // ============================== normalisation ==============================

    private static void normalizationOps(List<OpInfo> t) {
        t.add(new OpInfo("batchNorm", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (int[] shape : new int[][]{{4, 3, 5, 2}, {6, 3}, {2, 3, 7}}) {
                Tensor x = in.uniform(dt, -3, 3, shape), w = in.uniform(dt, 0.5, 1.5, 3), b = in.uniform(dt, -1, 1, 3);
                Tensor rm = in.uniform(dt, -0.5, 0.5, 3), rv = in.uniform(dt, 0.5, 2, 3);
                for (Inputs.Layout l : in.layouts(x)) {
                    s.add(new Sample("batchNorm batch statistics " + Arrays.toString(shape) + " " + l.name(), List.of(l.tensor(), w, b),
                            v -> dev.galvani.tensor.Normalization.batchNorm(v.get(0), v.get(1), v.get(2), null, null, true, 1e-5).output(),
                            v -> Reference.batchNorm(v.get(0), v.get(1), v.get(2), null, null, 1e-5), dt, Tolerance.LOOSE));
                }
                // Running statistics are constants (buffers), not inputs: no gradient flows into them, as in PyTorch.
                s.add(new Sample("batchNorm running statistics " + Arrays.toString(shape), List.of(x, w, b),
                        v -> dev.galvani.tensor.Normalization.batchNorm(v.get(0), v.get(1), v.get(2), rm, rv, false, 1e-5).output(),
                        v -> Reference.batchNorm(v.get(0), v.get(1), v.get(2), NdArray.of(rm), NdArray.of(rv), 1e-5), dt, Tolerance.LOOSE));
                s.add(new Sample("batchNorm without affine " + Arrays.toString(shape), List.of(x),
                        v -> dev.galvani.tensor.Normalization.batchNorm(v.get(0), null, null, null, null, true, 1e-5).output(),
                        v -> Reference.batchNorm(v.get(0), null, null, null, null, 1e-5), dt, Tolerance.LOOSE));
            }
            return s;
        }));
    }

    // ============================== fused optimizer updates ==============================

    /**
     * Adam / AdamW in place: the fused kernel where a device has it, the composed form where it does
     * not (the checking device's core-only device runs that), both against a naive loop over
     * Kingma &amp; Ba's Algorithm 1 with PyTorch's options. Two steps, so the bias corrections and the
     * state carried between steps are both checked; the result is (param, exp_avg, exp_avg_sq) joined.
     */
    private static void optimizerOps(List<OpInfo> t) {
        t.add(new OpInfo("adamStep", FLOATS, false, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            // (weight decay, decoupled, amsgrad, maximize)
            Object[][] options = {{0.0, false, false, false}, {0.1, false, false, false}, {0.1, true, false, false}, {0.0, false, true, false},
                    {0.05, true, true, true}};
            for (Object[] o : options) {
                double wd = (Double) o[0];
                boolean decoupled = (Boolean) o[1], ams = (Boolean) o[2], max = (Boolean) o[3];
                Tensor p = in.uniform(dt, -1, 1, 3, 5), g1 = in.uniform(dt, -1, 1, 3, 5), g2 = in.uniform(dt, -1, 1, 3, 5);
                s.add(new Sample("adamStep weightDecay " + wd + (decoupled ? " decoupled" : "") + (ams ? " amsgrad" : "") + (max ? " maximize" : ""),
                        List.of(p, g1, g2), v -> {
                            Tensor param = v.get(0).clone(), m = param.zerosLike(), sq = param.zerosLike(), vmax = ams ? param.zerosLike() : null;
                            for (int step = 1; step <= 2; step++)
                                dev.galvani.tensor.OptimizerUpdates.adamStep(param, v.get(step), m, sq, vmax,
                                        new dev.galvani.tensor.AdamStep(0.01, 0.9, 0.999, 1e-8, wd, decoupled, ams, max, step));
                            return Tensor.cat(0, param.reshape(-1), m.reshape(-1), sq.reshape(-1));
                        }, v -> Reference.adam(v.get(0), List.of(v.get(1), v.get(2)), 0.01, 0.9, 0.999, 1e-8, wd, decoupled, ams, max),
                        dt, Tolerance.LOOSE));
            }
            return s;
        }));
    }

    // ============================== spiking ==============================

    /**
     * The spike function and the multi-step neurons: forward values against the definitions (their
     * surrogate gradients are not derivatives of the forward pass; autograd's LIF tests check them).
     * Fused where the device has the spiking kernels, unrolled elsewhere (check:1).
     */
    private static void spikingOps(List<OpInfo> t) {
        t.add(new OpInfo("spike", FLOATS, false, (in, dt) -> List.of(
                sample("spike", in.values(dt, new double[]{-1, -1e-7, 0, 1e-7, 2, -0.0}, 6),
                        x -> dev.galvani.tensor.Spiking.spike(x, dev.galvani.tensor.backend.Surrogate.atan()), a -> a.map(v -> v >= 0 ? 1 : 0), dt))));
        t.add(new OpInfo("lif", FLOATS, false, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            var sur = dev.galvani.tensor.backend.Surrogate.sigmoid();
            for (var spec : new dev.galvani.tensor.backend.LifSpec[]{
                    new dev.galvani.tensor.backend.LifSpec(dev.galvani.tensor.backend.LifSpec.Kind.LIF, 0.5, true, 1, 0, false, false, sur),
                    new dev.galvani.tensor.backend.LifSpec(dev.galvani.tensor.backend.LifSpec.Kind.LIF, 0.25, false, 0.8, Double.NaN, false, false, sur),
                    new dev.galvani.tensor.backend.LifSpec(dev.galvani.tensor.backend.LifSpec.Kind.IF, 1, true, 1, -0.5, true, false, sur)})
                for (int[] shape : new int[][]{{5, 3, 7}, {1, 40}, {6, 2100}}) {
                    Tensor x = in.uniform(dt, -1, 3, shape);
                    String name = "lif " + spec.kind() + (spec.hardReset() ? " hard" : " soft") + " " + Arrays.toString(shape);
                    s.add(new Sample(name + " spikes", List.of(x), v -> dev.galvani.tensor.Spiking.lif(v.get(0), null, null, spec, true).spikes(),
                            v -> Reference.lif(v.get(0), spec, spec.decay(), null)[0], dt, Tolerance.LOOSE));
                    s.add(new Sample(name + " membrane", List.of(x), v -> dev.galvani.tensor.Spiking.lif(v.get(0), null, null, spec, true).membrane(),
                            v -> Reference.lif(v.get(0), spec, spec.decay(), null)[1], dt, Tolerance.LOOSE));
                }
            Tensor x = in.uniform(dt, -1, 3, 4, 6, 5), v0 = in.uniform(dt, -0.5, 0.5, 6, 5);
            var plif = new dev.galvani.tensor.backend.LifSpec(dev.galvani.tensor.backend.LifSpec.Kind.LIF, 0.5, true, 1, 0, false, false, sur);
            s.add(new Sample("lif with a decay tensor and an initial membrane, non-contiguous input", List.of(x.transpose(1, 2).contiguous().transpose(1, 2), v0),
                    v -> dev.galvani.tensor.Spiking.lif(v.get(0), v.get(1), Tensor.scalar(dt, 0.375).to(v.get(0).device()), plif, false).last(),
                    v -> Reference.lif(v.get(0), plif, 0.375, v.get(1))[2], dt, Tolerance.LOOSE));
            return s;
        }));
    }

    // ============================== views ==============================

    // ============================== Fourier transforms ==============================

    /** FFT outputs grow like √n times the inputs: absolute slack for float rounding in the sums. */
    static final Tolerance SPECTRAL = new Tolerance(1e-5, 2e-5, 1e-11, 1e-12);

    /** One 1-D case: shape, n (FFT.DEFAULT for the input's length), dim, norm, and whether to transpose the input first. */
    private record Fft1(int[] shape, int n, int dim, String norm, boolean transposed) {
        String label() {
            return Arrays.toString(shape) + (transposed ? " transposed" : "") + " n " + (n == dev.galvani.tensor.FFT.DEFAULT ? "default" : n)
                    + " dim " + dim + " " + (norm == null ? "backward" : norm);
        }

        Tensor input(Inputs in, DType dt) {
            Tensor x = in.uniform(dt, -1, 1, shape);
            return transposed ? x.transpose(0, x.dim() - 1) : x;
        }
    }

    private static final Fft1[] FFT_CASES = {
            new Fft1(new int[]{3, 8}, dev.galvani.tensor.FFT.DEFAULT, -1, null, false),
            new Fft1(new int[]{5, 6}, 4, 0, "ortho", false),
            new Fft1(new int[]{2, 7, 3}, 9, 1, "forward", false),
            new Fft1(new int[]{4, 5}, dev.galvani.tensor.FFT.DEFAULT, 1, null, true),
            new Fft1(new int[]{2, 11}, dev.galvani.tensor.FFT.DEFAULT, -1, "ortho", false),
            new Fft1(new int[]{37}, dev.galvani.tensor.FFT.DEFAULT, 0, null, false),        // Bluestein
            new Fft1(new int[]{2, 1}, dev.galvani.tensor.FFT.DEFAULT, -1, null, false)};

    private static double fftScale(String norm, int n, boolean inverse) {
        String m = norm == null ? "backward" : norm;
        return m.equals("ortho") ? 1 / Math.sqrt(n) : m.equals("backward") == inverse ? 1.0 / n : 1;
    }

    private static int size(Fft1 c, int d) { int[] s = c.shape(); return c.transposed() ? s[s.length - 1 - d] : s[d]; }

    private static int axis(int dim, int rank) { return dim < 0 ? dim + rank : dim; }

    /**
     * fft, ifft, rfft, irfft along one dimension and their 2-D and n-D forms, against the naive DFT
     * ({@link Dft}); complex results are compared in PyTorch's real view [..., 2].
     */
    private static void spectralOps(List<OpInfo> t) {
        for (boolean inverse : new boolean[]{false, true})
            t.add(new OpInfo(inverse ? "ifft" : "fft", FLOATS, true, (in, dt) -> {
                List<Sample> s = new ArrayList<>();
                for (Fft1 c : FFT_CASES) {
                    Tensor re = c.input(in, dt), im = c.input(in, dt);
                    int d = axis(c.dim(), c.shape().length), n = c.n() == dev.galvani.tensor.FFT.DEFAULT ? size(c, d) : c.n();
                    double scale = fftScale(c.norm(), n, inverse);
                    s.add(new Sample((inverse ? "ifft " : "fft ") + c.label(), List.of(re, im), v -> {
                        var z = dev.galvani.tensor.ComplexTensor.of(v.get(0), v.get(1));
                        return (inverse ? dev.galvani.tensor.FFT.ifft(z, c.n(), c.dim(), c.norm()) : dev.galvani.tensor.FFT.fft(z, c.n(), c.dim(), c.norm())).viewAsReal();
                    }, v -> Dft.dft(v.get(0), v.get(1), d, n, inverse, scale).asReal(), dt, SPECTRAL));
                }
                Tensor x = in.uniform(dt, -1, 1, 3, 6);
                s.add(new Sample((inverse ? "ifft" : "fft") + " of a real tensor", List.of(x), v -> (inverse ? dev.galvani.tensor.FFT.ifft(v.get(0), -1, -1, null)
                        : dev.galvani.tensor.FFT.fft(v.get(0), -1, -1, null)).viewAsReal(),
                        v -> Dft.dft(v.get(0), Dft.zeros(v.get(0)), 1, 6, inverse, inverse ? 1 / 6.0 : 1).asReal(), dt, SPECTRAL));
                return s;
            }));
        t.add(new OpInfo("rfft", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (Fft1 c : FFT_CASES) {
                Tensor x = c.input(in, dt);
                int d = axis(c.dim(), c.shape().length), n = c.n() == dev.galvani.tensor.FFT.DEFAULT ? size(c, d) : c.n();
                s.add(new Sample("rfft " + c.label(), List.of(x), v -> dev.galvani.tensor.FFT.rfft(v.get(0), c.n(), c.dim(), c.norm()).viewAsReal(),
                        v -> Dft.rdft(v.get(0), d, n, fftScale(c.norm(), n, false)).asReal(), dt, SPECTRAL));
            }
            return s;
        }));
        // irfft: n default (2 (m - 1)), odd and even n, bins cut and zero-padded; the imaginary parts of
        // bin 0 and (even n) bin n/2 are ignored, and their gradient is zero (operators reference §1.5).
        t.add(new OpInfo("irfft", FLOATS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            int[][] cases = {{3, 5, -1, -1}, {2, 5, 7, -1}, {2, 5, 8, 1}, {4, 3, 5, 0}, {2, 4, 12, -1}, {2, 6, 3, -1}, {3, 1, 1, -1}, {2, 19, 37, 1}};
            String[] norms = {null, "ortho", "forward", null, "ortho", null, null, "forward"};
            for (int i = 0; i < cases.length; i++) {
                int[] c = cases[i];
                String norm = norms[i];
                Tensor re = in.uniform(dt, -1, 1, c[0], c[1]), im = in.uniform(dt, -1, 1, c[0], c[1]);
                int d = axis(c[3], 2), n = c[2] == -1 ? 2 * (re.size(d) - 1) : c[2];
                boolean transposed = i == 3;
                Tensor r = transposed ? in.uniform(dt, -1, 1, c[1], c[0]).transpose(0, 1) : re;
                s.add(new Sample("irfft " + Arrays.toString(new int[]{c[0], c[1]}) + (transposed ? " transposed" : "") + " n " + n + " dim " + c[3] + " "
                        + (norm == null ? "backward" : norm), List.of(r, im),
                        v -> dev.galvani.tensor.FFT.irfft(dev.galvani.tensor.ComplexTensor.of(v.get(0), v.get(1)), c[2], c[3], norm),
                        v -> Dft.irdft(v.get(0), v.get(1), d, n, fftScale(norm, n, true)), dt, SPECTRAL));
            }
            return s;
        }));
        multiDimensional(t);
        t.add(new OpInfo("viewAsComplex", FLOATS, true, (in, dt) -> List.of(
                new Sample("viewAsComplex, z² + conj(z), viewAsReal", List.of(in.uniform(dt, -2, 2, 3, 4, 2)), v -> {
                    var z = v.get(0).viewAsComplex();
                    return z.mul(z).add(z.conj()).viewAsReal();
                }, v -> {
                    NdArray a = v.get(0);
                    return NdArray.build(a.shape, i -> {
                        int[] r = i.clone(), m = i.clone();
                        r[2] = 0;
                        m[2] = 1;
                        double x = a.get(r), y = a.get(m);
                        return i[2] == 0 ? x * x - y * y + x : 2 * x * y - y;
                    });
                }, dt, Tolerance.DEFAULT))));
    }

    /** fft2, ifft2, rfft2, irfft2, fftn, ifftn, rfftn, irfftn: 1-D references applied along each dimension in turn. */
    private static void multiDimensional(List<OpInfo> t) {
        record Nd(int[] shape, int[] s, int[] dim, String norm) {
            String label() { return Arrays.toString(shape) + " s " + Arrays.toString(s) + " dim " + Arrays.toString(dim) + " " + (norm == null ? "backward" : norm); }

            /** The dimensions and sizes as PyTorch resolves them for an input of this shape. */
            int[][] resolved(int[] inShape, boolean lastIsReal, boolean inverseReal) {
                int rank = inShape.length;
                int[] ds;
                if (dim != null) {
                    ds = dim.clone();
                    for (int i = 0; i < ds.length; i++) ds[i] = axis(ds[i], rank);
                } else {
                    int k = s == null ? rank : s.length;
                    ds = new int[k];
                    for (int i = 0; i < k; i++) ds[i] = rank - k + i;
                }
                int[] ns = new int[ds.length];
                for (int i = 0; i < ds.length; i++) {
                    boolean last = i == ds.length - 1;
                    ns[i] = s != null && s[i] != -1 ? s[i] : last && inverseReal ? 2 * (inShape[ds[i]] - 1) : inShape[ds[i]];
                }
                return new int[][]{ds, ns};
            }
        }
        Nd[] complexCases = {new Nd(new int[]{2, 4, 6}, null, null, null), new Nd(new int[]{3, 4, 5}, new int[]{2, 7}, new int[]{0, 2}, "ortho"),
                new Nd(new int[]{2, 3, 5}, new int[]{4, 4}, null, "forward"), new Nd(new int[]{3, 5}, null, new int[]{-1, 0}, null)};
        for (boolean inverse : new boolean[]{false, true})
            for (boolean two : new boolean[]{true, false})
                t.add(new OpInfo((inverse ? "ifft" : "fft") + (two ? "2" : "n"), FLOATS, true, (in, dt) -> {
                    List<Sample> s = new ArrayList<>();
                    for (Nd c : complexCases) {
                        Tensor re = in.uniform(dt, -1, 1, c.shape()), im = in.uniform(dt, -1, 1, c.shape());
                        int[] dimArg = c.dim();
                        Nd eff = two && dimArg == null ? new Nd(c.shape(), c.s(), new int[]{-2, -1}, c.norm()) : c;
                        int[][] r = eff.resolved(c.shape(), false, false);
                        s.add(new Sample((inverse ? "i" : "") + (two ? "fft2 " : "fftn ") + eff.label(), List.of(re, im), v -> {
                            var z = dev.galvani.tensor.ComplexTensor.of(v.get(0), v.get(1));
                            var y = two ? (inverse ? dev.galvani.tensor.FFT.ifft2(z, c.s(), dimArg, c.norm()) : dev.galvani.tensor.FFT.fft2(z, c.s(), dimArg, c.norm()))
                                    : (inverse ? dev.galvani.tensor.FFT.ifftn(z, c.s(), c.dim(), c.norm()) : dev.galvani.tensor.FFT.fftn(z, c.s(), c.dim(), c.norm()));
                            return y.viewAsReal();
                        }, v -> {
                            Dft.Complex z = new Dft.Complex(v.get(0), v.get(1));
                            for (int i = 0; i < r[0].length; i++)
                                z = Dft.dft(z.re(), z.im(), r[0][i], r[1][i], inverse, fftScale(c.norm(), r[1][i], inverse));
                            return z.asReal();
                        }, dt, SPECTRAL));
                    }
                    return s;
                }));
        Nd[] realCases = {new Nd(new int[]{2, 4, 6}, null, null, null), new Nd(new int[]{3, 4, 5}, new int[]{2, 7}, new int[]{0, 2}, "ortho"),
                new Nd(new int[]{2, 3, 5}, new int[]{4, 5}, null, "forward"), new Nd(new int[]{3, 5}, null, new int[]{-1, 0}, null)};
        for (boolean two : new boolean[]{true, false}) {
            t.add(new OpInfo(two ? "rfft2" : "rfftn", FLOATS, true, (in, dt) -> {
                List<Sample> s = new ArrayList<>();
                for (Nd c : realCases) {
                    Tensor x = in.uniform(dt, -1, 1, c.shape());
                    Nd eff = two && c.dim() == null ? new Nd(c.shape(), c.s(), new int[]{-2, -1}, c.norm()) : c;
                    int[][] r = eff.resolved(c.shape(), true, false);
                    int k = r[0].length;
                    s.add(new Sample((two ? "rfft2 " : "rfftn ") + eff.label(), List.of(x),
                            v -> (two ? dev.galvani.tensor.FFT.rfft2(v.get(0), c.s(), c.dim(), c.norm()) : dev.galvani.tensor.FFT.rfftn(v.get(0), c.s(), c.dim(), c.norm())).viewAsReal(),
                            v -> {
                                Dft.Complex z = Dft.rdft(v.get(0), r[0][k - 1], r[1][k - 1], fftScale(c.norm(), r[1][k - 1], false));
                                for (int i = 0; i < k - 1; i++) z = Dft.dft(z.re(), z.im(), r[0][i], r[1][i], false, fftScale(c.norm(), r[1][i], false));
                                return z.asReal();
                            }, dt, SPECTRAL));
                }
                return s;
            }));
            t.add(new OpInfo(two ? "irfft2" : "irfftn", FLOATS, true, (in, dt) -> {
                List<Sample> s = new ArrayList<>();
                for (Nd c : realCases) {
                    Tensor re = in.uniform(dt, -1, 1, c.shape()), im = in.uniform(dt, -1, 1, c.shape());
                    Nd eff = two && c.dim() == null ? new Nd(c.shape(), c.s(), new int[]{-2, -1}, c.norm()) : c;
                    int[][] r = eff.resolved(c.shape(), false, true);
                    int k = r[0].length;
                    s.add(new Sample((two ? "irfft2 " : "irfftn ") + eff.label(), List.of(re, im), v -> {
                        var z = dev.galvani.tensor.ComplexTensor.of(v.get(0), v.get(1));
                        return two ? dev.galvani.tensor.FFT.irfft2(z, c.s(), c.dim(), c.norm()) : dev.galvani.tensor.FFT.irfftn(z, c.s(), c.dim(), c.norm());
                    }, v -> {
                        Dft.Complex z = new Dft.Complex(v.get(0), v.get(1));
                        for (int i = 0; i < k - 1; i++) z = Dft.dft(z.re(), z.im(), r[0][i], r[1][i], true, fftScale(c.norm(), r[1][i], true));
                        return Dft.irdft(z.re(), z.im(), r[0][k - 1], r[1][k - 1], fftScale(c.norm(), r[1][k - 1], true));
                    }, dt, SPECTRAL));
                }
                return s;
            }));
        }
    }

    private static void viewOps(List<OpInfo> t) {
        t.add(view("reshape", x -> x.reshape(4, -1), a -> Reference.reshape(a, 4, 6)));
        t.add(view("view", x -> x.contiguous().view(6, 4), a -> Reference.reshape(a, 6, 4)));
        t.add(view("flatten", Tensor::flatten, a -> Reference.reshape(a, 24)));
        t.add(view("flatten(1, 2)", x -> x.flatten(1, 2), a -> Reference.reshape(a, 2, 12)));
        t.add(view("unflatten", x -> x.unflatten(2, 2, -1), a -> Reference.reshape(a, 2, 3, 2, 2)));
        t.add(view("permute", x -> x.permute(2, 0, 1), a -> NdArray.build(new int[]{4, 2, 3}, i -> a.get(i[1], i[2], i[0]))));
        t.add(view("transpose", x -> x.transpose(0, 2), a -> NdArray.build(new int[]{4, 3, 2}, i -> a.get(i[2], i[1], i[0]))));
        t.add(view("T", x -> x.select(0, 1).T(), a -> NdArray.build(new int[]{4, 3}, i -> a.get(1, i[1], i[0]))));
        t.add(view("unsqueeze", x -> x.unsqueeze(1), a -> Reference.reshape(a, 2, 1, 3, 4)));
        t.add(view("squeeze", x -> x.unsqueeze(0).unsqueeze(-1).squeeze(), a -> a));
        t.add(view("squeeze(dim)", x -> x.unsqueeze(1).squeeze(1), a -> a));
        t.add(view("expand", x -> x.select(1, 0).unsqueeze(1).expand(2, 5, 4), a -> NdArray.build(new int[]{2, 5, 4}, i -> a.get(i[0], 0, i[2]))));
        t.add(view("expand (new leading dim)", x -> x.expand(3, -1, -1, -1), a -> NdArray.build(new int[]{3, 2, 3, 4}, i -> a.get(i[1], i[2], i[3]))));
        t.add(view("expandAs", x -> x.select(2, 1).unsqueeze(2).expandAs(Tensor.zeros(2, 3, 5)), a -> NdArray.build(new int[]{2, 3, 5}, i -> a.get(i[0], i[1], 1))));
        t.add(view("narrow", x -> x.narrow(2, 1, 2), a -> NdArray.build(new int[]{2, 3, 2}, i -> a.get(i[0], i[1], i[2] + 1))));
        t.add(view("slice with step", x -> x.slice(2, 0, 4, 3), a -> NdArray.build(new int[]{2, 3, 2}, i -> a.get(i[0], i[1], 3 * i[2]))));
        t.add(view("slice negative bounds", x -> x.slice(1, -2, 100), a -> NdArray.build(new int[]{2, 2, 4}, i -> a.get(i[0], i[1] + 1, i[2]))));
        t.add(view("select", x -> x.select(1, -1), a -> NdArray.build(new int[]{2, 4}, i -> a.get(i[0], 2, i[1]))));
        t.add(view("contiguous", Tensor::contiguous, a -> a));
        t.add(view("clone", Tensor::clone, a -> a));
    }

    private static OpInfo view(String name, UnaryOperator<Tensor> call, Function<NdArray, NdArray> ref) {
        return new OpInfo(name, ALL, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (Inputs.Layout l : in.layouts(in.uniform(dt, -5, 5, 2, 3, 4)))
                s.add(sample(name + " " + l.name(), l.tensor(), call, ref, dt));
            return s;
        });
    }

    // ============================== indexing, joining, rearranging ==============================

    private static void indexingOps(List<OpInfo> t) {
        t.add(new OpInfo("indexSelect", ALL, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            Tensor x = in.uniform(dt, -5, 5, 3, 4, 5);
            for (int dim : new int[]{0, 1, -1}) {
                int size = x.size(dim);
                Tensor idx = in.indices(size, 6);
                for (Inputs.Layout l : in.layouts(x))
                    s.add(new Sample("indexSelect dim " + dim + " " + l.name(), List.of(l.tensor(), idx), v -> v.get(0).indexSelect(dim, v.get(1)),
                            v -> Reference.indexSelect(v.get(0), dim, v.get(1)), dt, Tolerance.DEFAULT));
            }
            return s;
        }));
        t.add(new OpInfo("gather", ALL, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            Tensor x = in.uniform(dt, -5, 5, 3, 4, 5);
            for (int dim : new int[]{0, 1, 2}) {
                int[] ishape = {2, 3, 4};
                ishape[dim] = 6;
                Tensor idx = in.indices(x.size(dim), ishape);
                for (Inputs.Layout l : in.layouts(x))
                    s.add(new Sample("gather dim " + dim + " " + l.name(), List.of(l.tensor(), idx), v -> v.get(0).gather(dim, v.get(1)),
                            v -> NdArray.build(v.get(1).shape, i -> {
                                int[] j = i.clone();
                                j[dim] = (int) v.get(1).get(i);
                                return v.get(0).get(j);
                            }), dt, Tolerance.DEFAULT));
            }
            return s;
        }));
        t.add(new OpInfo("takeAlongDim", NUMBERS, true, (in, dt) -> {
            Tensor x = in.uniform(dt, -5, 5, 3, 4), idx = in.indices(4, 1, 2);
            return List.of(new Sample("takeAlongDim broadcast", List.of(x, idx), v -> v.get(0).takeAlongDim(v.get(1), 1),
                    v -> NdArray.build(new int[]{3, 2}, i -> v.get(0).get(i[0], (int) v.get(1).get(0, i[1]))), dt, Tolerance.DEFAULT));
        }));
        t.add(new OpInfo("scatterAdd", NUMBERS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            Tensor x = in.uniform(dt, -5, 5, 3, 4);
            for (int dim : new int[]{0, 1}) {
                int[] ishape = {3, 4};
                ishape[dim] = 7;       // more sources than slots: collisions must accumulate
                Tensor idx = in.indices(x.size(dim), ishape), src = in.uniform(dt, -5, 5, ishape);
                s.add(new Sample("scatterAdd dim " + dim, List.of(x, idx, src), v -> v.get(0).scatterAdd(dim, v.get(1), v.get(2)),
                        v -> Reference.scatterAdd(v.get(0), dim, v.get(1), v.get(2)), dt, Tolerance.DEFAULT));
            }
            return s;
        }));
        t.add(new OpInfo("oneHot", Set.of(I32, I64), false, (in, dt) -> {
            Tensor x = in.uniform(dt, 0, 5, 2, 3);
            return List.of(sample("oneHot(5)", x, v -> v.oneHot(5), a -> NdArray.build(new int[]{2, 3, 5}, i -> a.get(i[0], i[1]) == i[2] ? 1 : 0), I64),
                    sample("oneHot(-1)", in.longs(new long[]{2, 0}, 2), v -> v.oneHot(-1), a -> new NdArray(new int[]{2, 3}, new double[]{0, 0, 1, 1, 0, 0}), I64));
        }));
        t.add(new OpInfo("cat", ALL, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (int dim : new int[]{0, 1, -1}) {
                int[] sa = {2, 3, 4}, sb = {2, 3, 4};
                sb[dim < 0 ? 2 : dim] = 1;
                Tensor a = in.uniform(dt, -5, 5, sa), b = in.uniform(dt, -5, 5, sb);
                for (Inputs.Layout l : in.layouts(a))
                    s.add(new Sample("cat dim " + dim + " " + l.name(), List.of(l.tensor(), b), v -> Tensor.cat(dim, v.get(0), v.get(1)),
                            v -> Reference.cat(v.get(0), v.get(1), dim < 0 ? dim + 3 : dim), dt, Tolerance.DEFAULT));
            }
            Tensor e = in.uniform(dt, -5, 5, 0, 4), f = in.uniform(dt, -5, 5, 2, 4);
            s.add(new Sample("cat with an empty tensor", List.of(e, f), v -> Tensor.cat(0, v.get(0), v.get(1)), v -> Reference.cat(v.get(0), v.get(1), 0), dt, Tolerance.DEFAULT));
            return s;
        }));
        t.add(new OpInfo("stack", ALL, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            Tensor a = in.uniform(dt, -5, 5, 3, 4), b = in.uniform(dt, -5, 5, 3, 4);
            for (int dim : new int[]{0, 1, 2, -1})
                s.add(new Sample("stack dim " + dim, List.of(a, b), v -> Tensor.stack(dim, v.get(0), v.get(1)),
                        v -> Reference.cat(Reference.unsqueeze(v.get(0), dim < 0 ? dim + 3 : dim), Reference.unsqueeze(v.get(1), dim < 0 ? dim + 3 : dim), dim < 0 ? dim + 3 : dim),
                        dt, Tolerance.DEFAULT));
            return s;
        }));
        t.add(new OpInfo("repeat", ALL, true, (in, dt) -> {
            Tensor x = in.uniform(dt, -5, 5, 2, 3);
            return List.of(sample("repeat(2, 1, 3)", x, v -> v.repeat(2, 1, 3), a -> NdArray.build(new int[]{2, 2, 9}, i -> a.get(i[1], i[2] % 3)), dt),
                    sample("repeat(2, 2)", x, v -> v.repeat(2, 2), a -> NdArray.build(new int[]{4, 6}, i -> a.get(i[0] % 2, i[1] % 3)), dt));
        }));
        t.add(new OpInfo("tile", ALL, true, (in, dt) -> {
            Tensor x = in.uniform(dt, -5, 5, 2, 3);
            return List.of(sample("tile(2)", x, v -> v.tile(2), a -> NdArray.build(new int[]{2, 6}, i -> a.get(i[0], i[1] % 3)), dt));
        }));
        t.add(new OpInfo("flip", ALL, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            for (Inputs.Layout l : in.layouts(in.uniform(dt, -5, 5, 2, 3, 4))) {
                s.add(sample("flip(0, 2) " + l.name(), l.tensor(), v -> v.flip(0, 2), a -> NdArray.build(a.shape, i -> a.get(1 - i[0], i[1], 3 - i[2])), dt));
                s.add(sample("flip(1) " + l.name(), l.tensor(), v -> v.flip(1), a -> NdArray.build(a.shape, i -> a.get(i[0], 2 - i[1], i[2])), dt));
            }
            return s;
        }));
        t.add(new OpInfo("roll", ALL, true, (in, dt) -> {
            Tensor x = in.uniform(dt, -5, 5, 3, 5);
            return List.of(sample("roll(2, 1)", x, v -> v.roll(2, 1), a -> NdArray.build(a.shape, i -> a.get(i[0], Math.floorMod(i[1] - 2, 5))), dt),
                    sample("roll(-1, 0)", x, v -> v.roll(-1, 0), a -> NdArray.build(a.shape, i -> a.get(Math.floorMod(i[0] + 1, 3), i[1])), dt),
                    sample("roll both", x, v -> v.roll(new int[]{1, 7}, new int[]{0, 1}),
                            a -> NdArray.build(a.shape, i -> a.get(Math.floorMod(i[0] - 1, 3), Math.floorMod(i[1] - 7, 5))), dt));
        }));
        for (int k : new int[]{0, 1, -1}) {
            t.add(new OpInfo("tril(" + k + ")", ALL, true, (in, dt) -> List.of(sample("tril(" + k + ")", in.uniform(dt, -5, 5, 2, 3, 4), v -> v.tril(k),
                    a -> NdArray.build(a.shape, i -> i[2] - i[1] <= k ? a.get(i) : 0), dt))));
            t.add(new OpInfo("triu(" + k + ")", ALL, true, (in, dt) -> List.of(sample("triu(" + k + ")", in.uniform(dt, -5, 5, 4, 3), v -> v.triu(k),
                    a -> NdArray.build(a.shape, i -> i[1] - i[0] >= k ? a.get(i) : 0), dt))));
        }
        t.add(new OpInfo("pad", NUMBERS, true, (in, dt) -> {
            List<Sample> s = new ArrayList<>();
            Tensor x = in.uniform(dt, -5, 5, 2, 3, 4);
            s.add(sample("pad constant (1, 2)", x, v -> v.pad(dev.galvani.tensor.PadMode.CONSTANT, 7, 1, 2),
                    a -> NdArray.build(new int[]{2, 3, 7}, i -> i[2] >= 1 && i[2] < 5 ? a.get(i[0], i[1], i[2] - 1) : 7), dt));
            s.add(sample("pad constant crop (-1, 1, 2, 0)", x, v -> v.pad(-1, 1, 2, 0),
                    a -> NdArray.build(new int[]{2, 5, 4}, i -> i[1] >= 2 && i[2] < 3 ? a.get(i[0], i[1] - 2, i[2] + 1) : 0), dt));
            for (var mode : new dev.galvani.tensor.PadMode[]{dev.galvani.tensor.PadMode.REFLECT, dev.galvani.tensor.PadMode.REPLICATE, dev.galvani.tensor.PadMode.CIRCULAR})
                for (Inputs.Layout l : in.layouts(x))
                    s.add(sample("pad " + mode + " (2, 1, 1, 2) " + l.name(), l.tensor(), v -> v.pad(mode, 0, 2, 1, 1, 2),
                            a -> NdArray.build(new int[]{2, 6, 7}, i -> a.get(i[0], Reference.padSource(mode, i[1] - 1, 3), Reference.padSource(mode, i[2] - 2, 4))), dt));
            return s;
        }));
    }

    // ============================== helpers ==============================

    /** A sample of one input in several shapes (scalar, vector, matrix, 3-D, empty) and layouts. */
    private static List<Tensor> shapes(Inputs in, DType dt, double lo, double hi) {
        List<Tensor> r = new ArrayList<>();
        r.add(in.uniform(dt, lo, hi));
        r.add(in.uniform(dt, lo, hi, 7));
        r.add(in.uniform(dt, lo, hi, 0, 3));
        for (Inputs.Layout l : in.layouts(in.uniform(dt, lo, hi, 3, 4))) r.add(l.tensor());
        for (Inputs.Layout l : in.layouts(in.uniform(dt, lo, hi, 2, 3, 5))) r.add(l.tensor());
        r.add(in.uniform(dt, lo, hi, 1, 4).expand(3, 4));
        return r;
    }

    static Sample sample(String name, Tensor x, UnaryOperator<Tensor> call, Function<NdArray, NdArray> ref, DType out) {
        return sample(name, x, call, ref, out, Tolerance.DEFAULT);
    }

    static Sample sample(String name, Tensor x, UnaryOperator<Tensor> call, Function<NdArray, NdArray> ref, DType out, Tolerance tol) {
        String layout = x.isContiguous() ? "" : " (non-contiguous)";
        return new Sample(name + " " + x.shape() + layout, List.of(x), v -> call.apply(v.get(0)), v -> ref.apply(v.get(0)), out, tol);
    }
}
