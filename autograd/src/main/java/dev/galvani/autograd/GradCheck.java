package dev.galvani.autograd;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.Storage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Checks the analytic gradients of a function against central finite differences in F64.
 *
 * <p>The scalar checked is {@code L = sum(f(inputs) * R)} for a fixed random {@code R} of the
 * output's shape, so that every output element matters and errors cannot cancel. Each element of
 * each input that requires grad is set to {@code x + eps} and {@code x - eps} in place (through a
 * 0-d view, with recording off) and restored to its exact value afterwards; the numeric derivative
 * is {@code sum((f(x+) - f(x-)) * R) / (x+ - x-)}, differencing the outputs before weighting them
 * so that large outputs do not drown the difference. It passes when, for every element,
 * {@code |analytic - numeric| <= atol + rtol * |numeric|}.
 *
 * <p>Inputs may be any view, including broadcast ones whose elements share memory: the check
 * perturbs each distinct memory location once and compares with the sum of the analytic gradients
 * of all elements stored there (the same holds for two inputs viewing one storage, which should be
 * leaves or views made without recording, so that neither's gradient already contains the other's).
 *
 * <pre>{@code
 * GradCheck.of(in -> in.get(0).mul(in.get(1)).sin(), List.of(x, y)).run().orThrow();
 * }</pre>
 */
public final class GradCheck {

    private final java.util.function.Function<List<Tensor>, Tensor> f;
    private final List<Tensor> inputs;
    private double eps = 1e-6, atol = 1e-5, rtol = 1e-3;
    private long seed = 0x5eed;
    private int maxElements = Integer.MAX_VALUE;

    private GradCheck(java.util.function.Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        this.f = f;
        this.inputs = Collections.unmodifiableList(new ArrayList<>(inputs));     // nulls allowed (an absent bias)
    }

    /** A check of {@code f} at {@code inputs}; the inputs to perturb are those that require grad (they must be F64). */
    public static GradCheck of(java.util.function.Function<List<Tensor>, Tensor> f, List<Tensor> inputs) { return new GradCheck(f, inputs); }

    /**
     * A check of a function of one input {@code x} (F64, requiring grad):
     * {@code GradCheck.of(Tensor::tanh, x).run().orThrow()}.
     */
    public static GradCheck of(UnaryOperator<Tensor> f, Tensor x) { return new GradCheck(in -> f.apply(in.get(0)), List.of(x)); }

    /** Runs a check with the default settings. */
    public static Result check(java.util.function.Function<List<Tensor>, Tensor> f, List<Tensor> inputs) { return of(f, inputs).run(); }

    /** The half-width of the finite difference (default 1e-6). */
    public GradCheck eps(double eps) {
        if (!(eps > 0)) throw new IllegalArgumentException("GradCheck: eps must be positive, got " + eps);
        this.eps = eps;
        return this;
    }

    /** Absolute and relative tolerances (default 1e-5 and 1e-3, PyTorch's gradcheck defaults). */
    public GradCheck tolerance(double atol, double rtol) {
        this.atol = atol;
        this.rtol = rtol;
        return this;
    }

    /** Seeds the random weights R and the choice of elements when not all are checked. */
    public GradCheck seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Checks at most this many memory locations per input, chosen at random (all by default); large inputs stay fast. */
    public GradCheck maxElements(int n) {
        if (n < 1) throw new IllegalArgumentException("GradCheck: maxElements must be at least 1, got " + n);
        this.maxElements = n;
        return this;
    }

    /**
     * Runs the check: the analytic gradient of {@code sum(f(inputs) * R)} against central differences for
     * each checked element of each input that requires grad (those must be F64); the inputs are restored
     * afterwards.
     */
    public Result run() {
        List<Integer> checked = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (t == null || !t.requiresGrad()) continue;
            if (t.dtype() != DType.F64)
                throw new IllegalArgumentException("GradCheck: input " + i + " is " + t.dtype() + "; finite differences need F64 inputs (x.to(DType.F64), then requiresGrad(true))");
            checked.add(i);
        }
        if (checked.isEmpty()) throw new IllegalArgumentException("GradCheck: no input requires grad, so there is nothing to check");

        Tensor out;
        try (var _ = GradMode.enable()) {
            out = f.apply(inputs);
        }
        if (!out.requiresGrad())
            throw new IllegalStateException("GradCheck: the output " + out.shape() + " does not require grad: no operation from an input that requires grad to the output was recorded");
        SplittableRandom random = new SplittableRandom(seed);
        double[] r = new double[(int) out.numel()];
        for (int k = 0; k < r.length; k++) r[k] = random.nextDouble(-1, 1);
        Tensor weights = Tensor.of(r).reshape(out.shape().dims()).to(out.dtype()).to(out.device());   // Tensor.of(r) with no shape is 1-D
        List<Tensor> wrt = checked.stream().map(inputs::get).toList();
        List<Tensor> grads = Autograd.grad(List.of(out), wrt, List.of(weights), false, true);
        double[][] analytic = new double[inputs.size()][];
        for (int k = 0; k < wrt.size(); k++) {
            Tensor g = grads.get(k);
            analytic[checked.get(k)] = g == null ? new double[(int) wrt.get(k).numel()] : g.toDoubleArray();
        }

        Worst worst = new Worst();
        int count = 0;
        for (Location loc : locations(checked, random)) {
            double a = 0;
            for (int[] e : loc.elements) a += analytic[e[0]][e[1]];
            double n = numeric(loc, r);
            worst.offer(loc, a, n, Math.abs(a - n) / (atol + rtol * Math.abs(n)));
            count++;
        }
        return worst.result(count, atol, rtol);
    }

    /** {@code sum((f(x + eps) - f(x - eps)) * R) / (x+ - x-)} at one memory location, restored afterwards. */
    private double numeric(Location loc, double[] r) {
        try (var _ = GradMode.disable()) {
            Tensor cell = loc.view();
            double x = cell.itemDouble(), up = x + eps, down = x - eps;
            try {
                cell.fill(up);
                double[] plus = f.apply(inputs).toDoubleArray();
                cell.fill(down);
                double[] minus = f.apply(inputs).toDoubleArray();
                double s = 0;
                for (int k = 0; k < r.length; k++) s += (plus[k] - minus[k]) * r[k];
                return s / (up - down);
            } finally {
                cell.fill(x);
            }
        }
    }

    /**
     * The memory locations to perturb: every distinct location of the inputs, at most
     * {@code maxElements} per input (chosen at random), each with all the elements stored there.
     * Elements are grouped by sorting (storage offset, element number) per storage, so a location
     * belongs to the first input that reaches it.
     */
    private List<Location> locations(List<Integer> checked, SplittableRandom random) {
        Map<Storage, List<Integer>> byStorage = new LinkedHashMap<>();
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i : checked)
            if (seen.add(inputs.get(i)))      // the same tensor twice: its gradient already covers both uses
                byStorage.computeIfAbsent(inputs.get(i).storage(), k -> new ArrayList<>()).add(i);
        List<Location> chosen = new ArrayList<>();
        for (List<Integer> group : byStorage.values()) {
            int n = 0;
            for (int i : group) n += (int) inputs.get(i).numel();
            int[] memberInput = new int[n], memberFlat = new int[n];
            long[] keys = new long[n];
            int m = 0;
            for (int i : group) {
                Tensor t = inputs.get(i);
                int[] shape = t.shape().dims(), strides = t.strides(), index = new int[shape.length];
                for (int flat = 0; flat < t.numel(); flat++, m++) {
                    long offset = t.offset();
                    for (int d = 0; d < shape.length; d++) offset += (long) index[d] * strides[d];
                    memberInput[m] = i;
                    memberFlat[m] = flat;
                    keys[m] = offset << 32 | m;
                    for (int d = shape.length - 1; d >= 0 && ++index[d] == shape[d]; d--) index[d] = 0;
                }
            }
            Arrays.sort(keys);
            // Runs of equal offset are locations; the run's first member (lowest m) owns it.
            Map<Integer, List<int[]>> runsByOwner = new LinkedHashMap<>();   // owner input -> [start, end) in keys
            for (int start = 0; start < n; ) {
                int end = start + 1;
                while (end < n && keys[end] >>> 32 == keys[start] >>> 32) end++;
                runsByOwner.computeIfAbsent(memberInput[(int) keys[start]], k -> new ArrayList<>()).add(new int[]{start, end});
                start = end;
            }
            for (Map.Entry<Integer, List<int[]>> e : runsByOwner.entrySet()) {
                for (int[] run : sample(e.getValue(), random)) {
                    int first = (int) keys[run[0]];
                    Location loc = new Location(e.getKey(), unravel(memberFlat[first], inputs.get(e.getKey()).shape().dims()));
                    for (int k = run[0]; k < run[1]; k++) loc.elements.add(new int[]{memberInput[(int) keys[k]], memberFlat[(int) keys[k]]});
                    chosen.add(loc);
                }
            }
        }
        return chosen;
    }

    /** At most {@code maxElements} of the list, chosen at random (partial Fisher-Yates), in their original order. */
    private <T> List<T> sample(List<T> list, SplittableRandom random) {
        if (list.size() <= maxElements) return list;
        int[] order = new int[list.size()];
        for (int k = 0; k < order.length; k++) order[k] = k;
        for (int k = 0; k < maxElements; k++) {
            int j = k + random.nextInt(order.length - k);
            int tmp = order[k];
            order[k] = order[j];
            order[j] = tmp;
        }
        int[] pick = Arrays.copyOf(order, maxElements);
        Arrays.sort(pick);
        List<T> result = new ArrayList<>(maxElements);
        for (int k : pick) result.add(list.get(k));
        return result;
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = flat % shape[d];
            flat /= shape[d];
        }
        return index;
    }

    /** One memory location: the first element that reaches it (input, multi-index), and all elements stored there (input, flat index). */
    private final class Location {
        final int input;
        final int[] index;
        final List<int[]> elements = new ArrayList<>(1);

        Location(int input, int[] index) {
            this.input = input;
            this.index = index;
        }

        /** A 0-d view of this location (made with recording off, so it is not part of any graph). */
        Tensor view() {
            Tensor v = inputs.get(input);
            for (int i : index) v = v.select(0, i);
            return v;
        }
    }

    /** The element with the largest error relative to its tolerance (NaN counts as infinitely bad). */
    private static final class Worst {
        private double ratio = -1, analytic, numeric;
        private Location at;

        void offer(Location loc, double a, double n, double ratio) {
            if (Double.isNaN(ratio)) ratio = Double.POSITIVE_INFINITY;
            if (at == null || ratio > this.ratio) {
                this.ratio = ratio;
                this.analytic = a;
                this.numeric = n;
                this.at = loc;
            }
        }

        Result result(int count, double atol, double rtol) {
            boolean failed = ratio > 1;
            if (at == null) return new Result(true, 0, -1, new int[0], Double.NaN, Double.NaN, 0,
                    "gradient check passed: no elements to perturb");
            String where = "input " + at.input + " at index " + Arrays.toString(at.index);
            String msg = (failed ? "gradient check FAILED" : "gradient check passed") + " (" + count + " elements): worst is " + where
                    + ": analytic " + analytic + ", numeric " + numeric + ", |difference| " + Math.abs(analytic - numeric)
                    + (failed ? " > " : " <= ") + "atol " + atol + " + rtol " + rtol + " * |numeric|";
            return new Result(!failed, count, at.input, at.index, analytic, numeric, ratio, msg);
        }
    }

    /**
     * The outcome: whether every element passed, how many memory locations were checked, and the
     * worst one (largest error relative to its tolerance) with its input, index and both values.
     */
    public record Result(boolean passed, int elementsChecked, int input, int[] index, double analytic, double numeric, double errorRatio, String message) {

        /** Throws an AssertionError with the report when the check failed; returns this result otherwise. */
        public Result orThrow() {
            if (!passed) throw new AssertionError(message);
            return this;
        }

        @Override public String toString() { return message; }
    }
}
