package dev.galvani.benchmarks.jmh;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The element-wise and pooling operations of a CNN training step, at the Fashion-MNIST quick start's
 * first-layer activation ([128, 32, 28, 28], 12.8 MB): the kernels whose fast paths depend on C2
 * compiling Vector API code well (VectorMath's passes, the constant-operator comparisons, the
 * gathers of MaxPool2x2). A regression there shows here as a several-fold slowdown, not a few percent.
 */
@State(Scope.Benchmark)
public class TrainingOpsBenchmark extends CpuBenchmark {

    /**
     * The operation timed: exp, tanh, sigmoid, log, gt (comparison with 0), relu or maxPool2d (2x2, with
     * indices).
     */
    @Param({"exp", "tanh", "sigmoid", "log", "gt", "relu", "maxPool2d"})
    public String op;

    private Tensor x;

    /** Makes the normal [128, 32, 28, 28] input from a fixed seed (its absolute value for {@code log}). */
    @Setup
    public void setUp() {
        x = Tensor.randn(new Generator(11), 128, 32, 28, 28);
        if (op.equals("log")) x = x.abs();
    }

    /**
     * One call of {@link #op} on the input.
     * @return the result, handed to the blackhole
     */
    @Benchmark
    public Object run() {
        return switch (op) {
            case "exp" -> x.exp();
            case "tanh" -> x.tanh();
            case "sigmoid" -> x.sigmoid();
            case "log" -> x.log();
            case "gt" -> x.gt(0.0);
            case "relu" -> x.relu();
            case "maxPool2d" -> Pooling.maxPool2dWithIndices(x, 2);
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
    }
}
