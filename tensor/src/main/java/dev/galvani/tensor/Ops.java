package dev.galvani.tensor;

import dev.galvani.tensor.backend.BinaryOp;
import dev.galvani.tensor.backend.Conv2dSpec;
import dev.galvani.tensor.backend.DelaySpec;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.Pool2dSpec;
import dev.galvani.tensor.backend.Surrogate;
import dev.galvani.tensor.backend.UnaryOp;

/**
 * The operations the tensor module records, one record each, with the inputs they are recorded
 * with. Broadcasting is recorded as {@link Expand} and type promotion as {@link Cast}, so that no
 * rule reduces shapes or converts types; reductions are recorded with their reduced dimensions
 * kept (size 1), the drop being a {@link View}.
 */
public final class Ops {

    private Ops() {}

    // ---- element-wise --------------------------------------------------------------------------

    /** op(x). Inputs (x). */
    public record Unary(UnaryOp op) implements Op {
        @Override public String name() { return op.opName(); }
    }

    /** op(a, b), both already promoted and broadcast to the output. Inputs (a, b). */
    public record Binary(BinaryOp op) implements Op {
        @Override public String name() { return op.opName(); }
    }

    /** op(x, scalar), or op(scalar, x) with {@code scalarFirst}; the scalar is a Java number, not an input. Inputs (x). */
    public record BinaryScalar(BinaryOp op, double scalar, boolean scalarFirst) implements Op {
        @Override public String name() { return op.opName() + "(scalar)"; }
    }

    /** cond ? a : b, all broadcast to the output. Inputs (cond, a, b). */
    public record Where() implements Op {
        @Override public String name() { return "where"; }
    }

    /** A conversion to another dtype. Inputs (x). */
    public record Cast() implements Op {
        @Override public String name() { return "cast"; }
    }

    /** A contiguous copy. Inputs (x). */
    public record Clone() implements Op {
        @Override public String name() { return "clone"; }
    }

    /** A copy to another device; the gradient goes back to the source device. Inputs (x). */
    public record ToDevice() implements Op {
        @Override public String name() { return "to"; }
    }

    // ---- views ---------------------------------------------------------------------------------

    /**
     * An op whose derivative rule reads none of its inputs' or outputs' values, only their shapes
     * (views, flips, padding, max pooling with its saved indices): a graph that holds such a node
     * still lets the memory of those tensors go ({@link TensorScope#releaseUnread}).
     */
    public interface ShapeOnly extends Op {
        /** Never: the rule reads only the input's shape. */
        @Override default boolean readsInput(int i) { return false; }

        /** Never: the rule reads no output. */
        @Override default boolean readsOutput(int i) { return false; }
    }

    /** The same elements in another shape (reshape, view, squeeze, unsqueeze, flatten). Inputs (x). */
    public record View() implements ShapeOnly {
        @Override public String name() { return "view"; }
    }

    /** Output dimension i is input dimension {@code dims[i]}. Inputs (x). */
    public record Permute(int[] dims) implements ShapeOnly {
        @Override public String name() { return "permute"; }
    }

    /** Size-1 dimensions broadcast (and leading dimensions added) without copying. Inputs (x). */
    public record Expand() implements ShapeOnly {
        @Override public String name() { return "expand"; }
    }

    /** x[start::step] along {@code dim} (narrow and slice). Inputs (x). */
    public record Slice(int dim, int start, int step) implements ShapeOnly {
        @Override public String name() { return "slice"; }
    }

    /** Index {@code index} of dimension {@code dim}, which is removed. Inputs (x). */
    public record Select(int dim, int index) implements ShapeOnly {
        @Override public String name() { return "select"; }
    }

    // ---- reductions and scans ------------------------------------------------------------------

    /** The kinds of recorded reduction. */
    public enum ReductionKind {
        /** {@code sum}. */
        SUM,
        /** {@code prod}. */
        PROD,
        /** {@code amax} (also behind {@code max()} without a dimension). */
        AMAX,
        /** {@code amin} (also behind {@code min()} without a dimension). */
        AMIN
    }

    /** A reduction over {@code dims} (sorted), kept as size-1 dimensions. Inputs (x). */
    public record Reduction(ReductionKind kind, int[] dims) implements Op {
        @Override public String name() { return kind.name().toLowerCase(); }
    }

    /** Inclusive running sum along {@code dim}. Inputs (x). */
    public record Cumsum(int dim) implements Op {
        @Override public String name() { return "cumsum"; }
    }

    // ---- linear algebra ------------------------------------------------------------------------

    /** [B, M, K] x [B, K, N]. Inputs (a, b). */
    public record Matmul() implements Op {
        @Override public String name() { return "matmul"; }
    }

    // ---- indexing and joining ------------------------------------------------------------------

    /** Inputs (x, index as a 1-D I64). */
    public record IndexSelect(int dim) implements Op {
        @Override public String name() { return "indexSelect"; }
    }

    /** Inputs (x, index I64 of the output's shape). */
    public record Gather(int dim) implements Op {
        @Override public String name() { return "gather"; }
    }

    /** A copy of x with src added at index. Inputs (x, index, src). */
    public record ScatterAdd(int dim) implements Op {
        @Override public String name() { return "scatterAdd"; }
    }

    /** Inputs (the concatenated tensors, in order). */
    public record Cat(int dim) implements Op {
        @Override public String name() { return "cat"; }
    }

    /** Inputs (x). */
    public record Flip(int[] dims) implements ShapeOnly {
        @Override public String name() { return "flip"; }
    }

    /** Constant padding, PyTorch's order of {@code pads} (negative entries crop). Inputs (x). */
    public record PadConstant(int[] pads) implements ShapeOnly {
        @Override public String name() { return "padConstant"; }
    }

    // ---- convolution and pooling ---------------------------------------------------------------

    /** Inputs (x [N, C, H, W], w [O, C / groups, kH, kW], and the bias [O] when there is one). */
    public record Conv2d(Conv2dSpec spec) implements Op {
        @Override public String name() { return "conv2d"; }
    }

    /**
     * The adjoint of the convolution with {@code spec}: y = A(w)^T x, recorded by convTranspose2d
     * and by the input gradient of conv2d (when a backward pass itself is recorded). Inputs (x, w).
     */
    public record ConvTranspose2d(Conv2dSpec spec) implements Op {
        @Override public String name() { return "convTranspose2d"; }
    }

    /** The weight gradient of the convolution with {@code spec}, bilinear in its inputs. Inputs (x, gradOut). */
    public record Conv2dWeightGrad(Conv2dSpec spec) implements Op {
        @Override public String name() { return "conv2dWeightGrad"; }
    }

    /** Values of max pooling; {@code indices} holds each maximum's flat h * W + w position. Inputs (x). */
    public record MaxPool2d(Pool2dSpec spec, Tensor indices) implements ShapeOnly {
        @Override public String name() { return "maxPool2d"; }

        /** The rule scatters the gradient to the saved {@code indices}. */
        @Override public java.util.List<Tensor> savedForBackward() { return java.util.Arrays.asList(indices); }
    }

    /** The gradient of max pooling (linear in gradOut). Inputs (gradOut). */
    public record MaxPool2dBackward(Pool2dSpec spec, Tensor indices) implements Op {
        @Override public String name() { return "maxPool2dBackward"; }
        @Override public java.util.List<Tensor> savedForBackward() { return java.util.Arrays.asList(indices); }
    }

    /** Inputs (x). */
    public record AvgPool2d(Pool2dSpec spec) implements Op {
        @Override public String name() { return "avgPool2d"; }
    }

    /** The gradient of average pooling (linear in gradOut). Inputs (gradOut). */
    public record AvgPool2dBackward(Pool2dSpec spec) implements Op {
        @Override public String name() { return "avgPool2dBackward"; }
    }

    // ---- activation gradients ------------------------------------------------------------------

    /**
     * ReLU's backward as one op (linear in the gradient): zero where {@code output} (ReLU's output,
     * saved, not an input) is {@code <=} 0. Inputs (grad).
     */
    public record ReluBackward(Tensor output) implements Op {
        @Override public String name() { return "reluBackward"; }
        @Override public java.util.List<Tensor> savedForBackward() { return java.util.Arrays.asList(output); }
    }

    /** GELU's backward as one op: grad (Φ(x) + x φ(x)). Inputs (grad, x). */
    public record GeluBackward() implements Op {
        @Override public String name() { return "geluBackward"; }
    }

    // ---- softmax -------------------------------------------------------------------------------

    /** Softmax ({@code log} false) or log-softmax ({@code log} true) along {@code dim}, as one op. Inputs (x). */
    public record Softmax(int dim, boolean log) implements Op {
        @Override public String name() { return log ? "logSoftmax" : "softmax"; }
    }

    /**
     * The backward pass of {@link Softmax} as one op: {@code y (g - sum(g y))}, or {@code g - exp(y) sum(g)}
     * for log-softmax, sums along {@code dim}. Inputs (grad, y), y the forward output.
     */
    public record SoftmaxBackward(int dim, boolean log) implements Op {
        @Override public String name() { return log ? "logSoftmaxBackward" : "softmaxBackward"; }
    }

    // ---- normalisation -------------------------------------------------------------------------

    /**
     * Fused batch normalisation; {@code mean} and {@code invstd} [C] are the statistics it used
     * (saved, not inputs). Inputs (x, weight, bias), weight and bias possibly null.
     */
    public record BatchNorm(Tensor mean, Tensor invstd, boolean batchStats, double eps) implements Op {
        @Override public String name() { return "batchNorm"; }
        @Override public java.util.List<Tensor> savedForBackward() { return java.util.Arrays.asList(mean, invstd); }
    }

    // ---- spiking -------------------------------------------------------------------------------

    /** Θ(x) forward, the surrogate's derivative backward. Inputs (x). */
    public record Spike(Surrogate surrogate) implements Op {
        @Override public String name() { return "spike"; }
    }

    /**
     * The fused multi-step LIF: outputs (spikes [T, ...], the membrane sequence V[t] or null, the last
     * membrane V[T−1]); inputs (x [T, ...], v0 [...], k as a 0-d tensor or null). {@code h} is the
     * pre-reset membrane the backward recurrence needs, {@code v0} the initial membrane actually used.
     */
    public record Lif(LifSpec spec, Tensor h, Tensor v0) implements Op {
        @Override public String name() { return spec.kind() == LifSpec.Kind.IF ? "multiStepIF" : "multiStepLIF"; }

        /**
         * Its rule reads the membrane sequence (output 1, PLIF's post-reset V) and never the spikes
         * (output 0) nor the last membrane (output 2): the kernel's reverse recurrence works from
         * {@code h}, and a recorded backward recomputes the neuron from the inputs (x, v0, k), which
         * are therefore all read.
         */
        @Override public boolean readsOutput(int i) { return i == 1; }
        @Override public java.util.List<Tensor> savedForBackward() { return java.util.Arrays.asList(h, v0); }
    }

    // ---- learnable delays (DCLS) ----------------------------------------------------------------

    /**
     * The dense delay kernel [Cout, Cin, D] built by the device's {@code DelayKernels}. Inputs
     * (weight [Cout, Cin, 1], positions [1, Cout, Cin, 1], σ [1, Cout, Cin, 1] or null).
     */
    public record DelayKernel(DelaySpec spec) implements Op {
        @Override public String name() { return "delayKernel"; }
    }

    /** The causal correlation of x [T, B, Cin] with a delay kernel (the GEMM form). Inputs (x, kernel [Cout, Cin, D]). */
    public record DelayCorrelate(DelaySpec spec) implements Op {
        @Override public String name() { return "delayCorrelate"; }
    }

    /** The delay layer with each synapse's taps truncated to its window. Inputs (x, weight, positions, σ or null), shapes as {@link DelayKernel}'s. */
    public record DelaySparseTaps(DelaySpec spec) implements Op {
        @Override public String name() { return "delaySparseTaps"; }
    }

    /** The delay layer with integer delays {@code delays} (I32 [Cout, Cin], not differentiable). Inputs (x, weight [Cout, Cin]). */
    public record DelayIntegerDelays(DelaySpec spec, Tensor delays) implements Op {
        @Override public String name() { return "delayIntegerDelays"; }
        @Override public java.util.List<Tensor> savedForBackward() { return java.util.Arrays.asList(delays); }
    }

    // ---- spectral ------------------------------------------------------------------------------

    /**
     * The complex DFT along {@code dim}, unnormalised, times {@code scale}: exp(−2πi jk/n) forward,
     * exp(+2πi jk/n) with {@code inverse}. Inputs (re, im); outputs (re, im).
     */
    public record Fft(int dim, boolean inverse, double scale) implements Op {
        @Override public String name() { return inverse ? "ifft" : "fft"; }
    }

    /** Bins 0 to n/2 of the forward DFT of a real input along {@code dim}, times {@code scale}. Inputs (x); outputs (re, im). */
    public record Rfft(int dim, double scale) implements Op {
        @Override public String name() { return "rfft"; }
    }

    /**
     * The real signal of length {@code n} whose spectrum has bins 0 to n/2 given along {@code dim}
     * (unnormalised inverse DFT, times {@code scale}; the imaginary parts of bin 0 and, for even n,
     * bin n/2 are ignored). Inputs (re, im).
     */
    public record Irfft(int dim, int n, double scale) implements Op {
        @Override public String name() { return "irfft"; }
    }
}
