package dev.galvani.benchmarks.jmh;

import dev.galvani.benchmarks.CpuWorkloads;
import dev.galvani.tensor.Activations;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.SpecialFunctions;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The performance guard's pairs ({@code ./galvani perf-guard}): each key kernel of Galvani's
 * ({@code <kernel>Galvani}) and a plain scalar Java loop of the same math ({@code <kernel>Scalar}),
 * so that the guard compares a ratio measured in one run rather than an absolute time. Sizes stay in
 * L2 (2^16 F32 elements) and Galvani runs on one thread ({@code -Dgalvani.threads=1}), as the scalar
 * loop does, so the ratio is the vector code's gain per core; a Vector API kernel that C2 failed to
 * intrinsify (its vectors boxed on the heap) runs about ten times slower, far below its baseline.
 * Galvani's methods warm up longer (8 x 400 ms): Vector API code is a hundred times slower before C2
 * compiles it (the first GELU call on 2^16 floats takes about a second), and on a loaded 2-core
 * machine C2 took 3 s of warm-up to get there; the scalar loops get 5 x 300 ms, so that neither side is
 * timed before C2 has compiled it. Each Galvani call runs in a {@link TensorScope} that hands its result back to the allocator, so
 * the pair times the kernel and its dispatch, not fresh zeroed arrays and the garbage collector.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(iterations = 5, time = 300, timeUnit = TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-Dgalvani.threads=1"})
public class PerfGuardBenchmark {

    /** Elements of the element-wise pairs: 256 KiB per F32 operand, L2-resident. */
    static final int N = 1 << 16;
    /** The square SGEMM's size. */
    static final int M = 128;
    /** The LIF's steps and neurons. */
    static final int T = 8, NEURONS = 8192;

    private Tensor x, y, relu, a, b, lifX;
    private float[] xs, ys, reluS, out, as, bs, cs, lifXs, lifH, lifS;

    /** Inputs from fixed seeds, as tensors and as the arrays the scalar loops read. */
    @Setup
    public void setUp() {
        x = Tensor.randn(new Generator(1), N);
        y = Tensor.randn(new Generator(2), N);
        relu = x.relu();
        a = Tensor.randn(new Generator(3), M, M);
        b = Tensor.randn(new Generator(4), M, M);
        lifX = Tensor.randn(new Generator(5), T, NEURONS).mul(0.8).add(0.9);
        xs = x.toFloatArray();
        ys = y.toFloatArray();
        reluS = relu.toFloatArray();
        out = new float[N];
        as = a.toFloatArray();
        bs = b.toFloatArray();
        cs = new float[M * M];
        lifXs = lifX.toFloatArray();
        lifH = new float[T * NEURONS];
        lifS = new float[T * NEURONS];
    }

    // ---- add ----

    /** x + y, to the blackhole. */
    @Benchmark @Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS) public void addGalvani(Blackhole bh) {
        try (var _ = TensorScope.open()) { bh.consume(x.add(y)); }
    }

    /**
     * The same math as a plain scalar Java loop.
     * @return the written array
     */
    @Benchmark public float[] addScalar() {
        for (int i = 0; i < N; i++) out[i] = xs[i] + ys[i];
        return out;
    }

    // ---- exp ----

    /** e^x, to the blackhole. */
    @Benchmark @Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS) public void expGalvani(Blackhole bh) {
        try (var _ = TensorScope.open()) { bh.consume(x.exp()); }
    }

    /**
     * The same math as a plain scalar Java loop.
     * @return the written array
     */
    @Benchmark public float[] expScalar() {
        for (int i = 0; i < N; i++) out[i] = (float) Math.exp(xs[i]);
        return out;
    }

    // ---- erf and GELU ----

    /** erf(x), to the blackhole. */
    @Benchmark @Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS) public void erfGalvani(Blackhole bh) {
        try (var _ = TensorScope.open()) { bh.consume(x.erf()); }
    }

    /**
     * The same math as a plain scalar Java loop.
     * @return the written array
     */
    @Benchmark public float[] erfScalar() {
        for (int i = 0; i < N; i++) out[i] = (float) SpecialFunctions.erf(xs[i]);
        return out;
    }

    /** gelu(x), to the blackhole. */
    @Benchmark @Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS) public void geluGalvani(Blackhole bh) {
        try (var _ = TensorScope.open()) { bh.consume(x.gelu()); }
    }

    /**
     * The same math as a plain scalar Java loop.
     * @return the written array
     */
    @Benchmark public float[] geluScalar() {
        for (int i = 0; i < N; i++) out[i] = (float) (0.5 * xs[i] * (1 + SpecialFunctions.erf(xs[i] * 0.7071067811865476)));
        return out;
    }

    /** GELU's backward for the gradient y, to the blackhole. */
    @Benchmark @Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS) public void geluBackwardGalvani(Blackhole bh) {
        try (var _ = TensorScope.open()) { bh.consume(Activations.geluBackward(y, x)); }
    }

    /**
     * The same math as a plain scalar Java loop.
     * @return the written array
     */
    @Benchmark public float[] geluBackwardScalar() {
        for (int i = 0; i < N; i++) {
            double v = xs[i], cdf = 0.5 * (1 + SpecialFunctions.erf(v * 0.7071067811865476));
            out[i] = (float) (ys[i] * (cdf + v * Math.exp(-0.5 * v * v) * 0.3989422804014327));
        }
        return out;
    }

    // ---- ReLU backward ----

    /** y where relu(x) &gt; 0, else 0, to the blackhole. */
    @Benchmark @Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS) public void reluBackwardGalvani(Blackhole bh) {
        try (var _ = TensorScope.open()) { bh.consume(Activations.reluBackward(y, relu)); }
    }

    /**
     * The same math as a plain scalar Java loop.
     * @return the written array
     */
    @Benchmark public float[] reluBackwardScalar() {
        for (int i = 0; i < N; i++) out[i] = reluS[i] > 0 ? ys[i] : 0f;
        return out;
    }

    // ---- sum ----

    /** The sum of x, to the blackhole. */
    @Benchmark @Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS) public void sumGalvani(Blackhole bh) {
        try (var _ = TensorScope.open()) { bh.consume(x.sum()); }
    }

    /**
     * The sum as a plain scalar loop.
     * @return the sum, in double as Galvani's block sums
     */
    @Benchmark public double sumScalar() {
        double s = 0;
        for (int i = 0; i < N; i++) s += xs[i];
        return s;
    }

    // ---- SGEMM ----

    /** a b, to the blackhole. */
    @Benchmark @Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS) public void sgemmGalvani(Blackhole bh) {
        try (var _ = TensorScope.open()) { bh.consume(a.matmul(b)); }
    }

    /**
     * The product by the i-k-j triple loop.
     * @return c = a b
     */
    @Benchmark public float[] sgemmScalar() {
        java.util.Arrays.fill(cs, 0f);
        for (int i = 0; i < M; i++)
            for (int k = 0; k < M; k++) {
                float aik = as[i * M + k];
                for (int j = 0; j < M; j++) cs[i * M + j] += aik * bs[k * M + j];
            }
        return cs;
    }

    // ---- the fused LIF ----

    /** The fused LIF forward (CpuWorkloads' neuron: tau 2, hard reset to 0, threshold 1); the spikes go to the blackhole. */
    @Benchmark @Warmup(iterations = 8, time = 400, timeUnit = TimeUnit.MILLISECONDS) public void lifGalvani(Blackhole bh) {
        try (var _ = TensorScope.open()) { bh.consume(Spiking.lif(lifX, null, null, CpuWorkloads.LIF_SPEC, false).spikes()); }
    }

    /**
     * The same neuron as a plain scalar loop: h = v + (x - v) / 2, spike at h - 1 &gt;= 0, hard reset to 0.
     * @return the spikes
     */
    @Benchmark public float[] lifScalar() {
        for (int i = 0; i < NEURONS; i++) {
            float v = 0;
            for (int t = 0; t < T; t++) {
                int at = t * NEURONS + i;
                float h = v + (lifXs[at] - v) * 0.5f;
                float s = h - 1f >= 0 ? 1f : 0f;
                lifH[at] = h;
                lifS[at] = s;
                v = h * (1 - s);
            }
        }
        return lifS;
    }
}
