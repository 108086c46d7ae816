package dev.galvani.autograd;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Delays;
import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.backend.DelaySpec;
import dev.galvani.tensor.backend.Surrogate;
import dev.galvani.tensor.testing.Inputs;
import dev.galvani.tensor.testing.OpInfo;
import dev.galvani.tensor.testing.Sample;
import dev.galvani.tensor.testing.Tolerance;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Rows the gradient table needs beyond the tensor module's operation table, F64 only: an op the
 * F64 rows never record (cast) and cases finite differences must see (prod with zeros). Their
 * reference functions are not used (the gradient table compares gradients, and forward values with
 * the un-recorded forward), so they return the input.
 */
final class ExtraGradientRows {

    private ExtraGradientRows() {}

    static final String CAST = "cast (F64 to F32 and back)";

    /**
     * Finite-difference steps other than the table's default. The cast row's values are multiples of
     * 2^-6 below 8, so x +- 2^-10 is exact in F32 and the difference quotient is exact; 1e-6 would be
     * rounded away by F32.
     */
    static final Map<String, Double> EPS = Map.of(CAST, 0x1p-10);

    static List<OpInfo> all() {
        return List.of(
                new OpInfo(CAST, Set.of(DType.F64), true, (in, dt) -> List.of(
                        sample("cast round trip", dyadic(in, 3, 4), x -> x.to(DType.F32).mul(2.0).to(DType.F64)))),
                new OpInfo("prod with zeros", Set.of(DType.F64), true, (in, dt) -> List.of(
                        sample("one and two zeros per row", Tensor.of(new double[]{2, 0, 3, 0.5, 1.5, -2, 0, 0, 4}, 3, 3), x -> x.prod(1, false)),
                        sample("one zero, all dims", Tensor.of(new double[]{2, 0, 3, 0.5, 1.5, -2}, 2, 3), Tensor::prod),
                        sample("a single zero", Tensor.of(new double[]{0}, 1), x -> x.prod(0, true)))),
                // The spike's surrogate gradient against finite differences of the surrogate's smooth primitive P:
                // f = spike(x) − spike(x).detach() + P(x).detach() has P's values and the spike rule's gradient.
                new OpInfo("spike (surrogate against its primitive)", Set.of(DType.F64), true, (in, dt) -> {
                    List<Sample> samples = new java.util.ArrayList<>();
                    for (Surrogate.Kind kind : Surrogate.Kind.values()) {
                        Surrogate sur = new Surrogate(kind, kind.defaultAlpha());
                        samples.add(sample("spike " + sur, Tensor.of(new double[]{-1.7, -0.6, -0.23, 0.13, 0.41, 0.77, 1.4}).to(in.device()), x -> {
                            Tensor s = Spiking.spike(x, sur);
                            double[] p = x.toDoubleArray();
                            for (int i = 0; i < p.length; i++) p[i] = sur.primitive(p[i]);
                            return s.sub(s.detach()).add(Tensor.of(p).to(x.device()));
                        }));
                    }
                    return samples;
                }),
                // The fused delay ops (DCLS): positions whose centres keep 0.1 from every window edge, so no
                // finite difference crosses one (DelayFusedTest compares them with the composed forms).
                new OpInfo("delay layer (fused kernel, GEMM form, sparse taps, integer delays)", Set.of(DType.F64), true, (in, dt) -> {
                    int taps = 5, cout = 2, cin = 3;
                    DelaySpec dense = DelaySpec.of(DelaySpec.Profile.GAUSS, taps), sparse = new DelaySpec(DelaySpec.Profile.GAUSS, taps, 1.5);
                    Tensor x = in.uniform(DType.F64, -1, 1, 4, 2, cin), w = in.uniform(DType.F64, -1, 1, cout, cin, 1);
                    Tensor p = in.values(DType.F64, new double[]{-1.2, 0.3, 1.15, -0.35, 0.8, 1.7}, 1, cout, cin, 1);
                    Tensor s = in.values(DType.F64, new double[]{0.23, 0.4, -0.6, 1.1, 0.3, 0.9}, 1, cout, cin, 1);
                    Tensor d = in.longs(new long[]{0, 4, 2, 1, 3, 0}, cout, cin);
                    return List.of(
                            new Sample("kernel", List.of(w, p, s), v -> Delays.kernel(dense, v.get(0), v.get(1), v.get(2)), v -> v.get(0), DType.F64, Tolerance.DEFAULT),
                            new Sample("correlate", List.of(x, in.uniform(DType.F64, -1, 1, cout, cin, taps)), v -> Delays.correlate(v.get(0), v.get(1)),
                                    v -> v.get(0), DType.F64, Tolerance.DEFAULT),
                            new Sample("sparse taps r = 1.5", List.of(x, w, p, s), v -> Delays.sparseTaps(v.get(0), v.get(1), v.get(2), v.get(3), sparse),
                                    v -> v.get(0), DType.F64, Tolerance.DEFAULT),
                            new Sample("integer delays", List.of(x, w.reshape(cout, cin), d), v -> Delays.integerDelays(v.get(0), v.get(1), v.get(2), taps),
                                    v -> v.get(0), DType.F64, Tolerance.DEFAULT));
                }),
                // Java numbers on the left of div and pow, and with atan2.
                new OpInfo("numbers on either side", Set.of(DType.F64), true, (in, dt) -> List.of(
                        sample("rdiv(3)", in.uniform(DType.F64, 0.5, 2, 2, 3), x -> x.rdiv(3.0)),
                        sample("2^x", in.uniform(DType.F64, -2, 2, 2, 3), x -> x.rpow(2.0)),
                        sample("atan2(x, 0.7)", in.uniform(DType.F64, -2, 2, 2, 3), x -> x.atan2(0.7)))));
    }

    private static Tensor dyadic(Inputs in, int... shape) {
        return in.uniform(DType.F64, 0, 8, shape).mul(64.0).floor().div(64.0);
    }

    private static Sample sample(String name, Tensor x, UnaryOperator<Tensor> call) {
        return new Sample(name, List.of(x), v -> call.apply(v.get(0)), v -> v.get(0), DType.F64, Tolerance.DEFAULT);
    }
}
