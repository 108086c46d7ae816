package dev.galvani.data;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A generated stand-in for Fashion-MNIST: 28 x 28 grey-scale images of 10 procedural patterns
 * (stripes in four orientations, disk, ring, plus, cross, checkerboard, square outline), in the
 * same layout ({@code inputs} F32 [N, 1, 28, 28] in [0, 1], {@code targets} I64 [N]), so a runner
 * can train something real where the data is not installed.
 *
 * <p>Every image varies in position, size, rotation (up to 20 degrees either way, so the four
 * stripe orientations, 45 degrees apart, stay distinct), stripe frequency and phase, contrast,
 * background level and pixel noise. Contrast and background vary independently of the class, so
 * mean brightness alone says little about it (the best brightness classifier gets about 17%, see
 * {@code SyntheticImagesTest}); telling the classes apart takes local shape and orientation, which
 * is what a small CNN learns. Checked once with a NumPy CNN (3x3 convolutions of 8 and 16 channels,
 * each with ReLU and 2x2 max pooling, then a linear layer; Adam, learning rate 2e-3, batches of 64,
 * 20,000 training images): 91% test accuracy after 100 steps, 95% after 300.
 *
 * <p>All randomness comes from Galvani's Philox {@link Generator}: a seed reproduces the data set.
 */
public final class SyntheticImages {

    /** The class names, indexed by label. */
    public static final List<String> CLASSES = List.of(
            "horizontal stripes", "vertical stripes", "diagonal stripes", "anti-diagonal stripes",
            "disk", "ring", "plus", "cross", "checkerboard", "square");

    private static final int SIDE = 28;
    private static final int PARAMS = 9;  // random numbers per image, see render()
    private static final double NOISE = 0.7;  // width of the uniform pixel noise (standard deviation 0.2)

    private SyntheticImages() {}

    /**
     * {@code n} images with labels {@code i % 10} (every prefix is balanced; shuffle with a
     * {@link DataLoader}). Takes about 0.3 s per 10,000 images on one core.
     */
    public static TensorDataset generate(int n, long seed) {
        if (n < 0) throw new IllegalArgumentException("SyntheticImages: n must be non-negative, got " + n);
        Generator gen = new Generator(seed);
        double[] params = Tensor.rand(gen, DType.F64, n, PARAMS).toDoubleArray();
        // Uniform rather than normal pixel noise: a third of the cost to draw, and a CNN cannot tell.
        float[] noise = Tensor.rand(gen, n, SIDE * SIDE).toFloatArray();
        float[] pixels = new float[n * SIDE * SIDE];
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) labels[i] = i % CLASSES.size();
        // Images are independent, each written to its own slice: parallel and still deterministic.
        IntStream.range(0, n).parallel().forEach(i -> render((int) labels[i], params, i * PARAMS, noise, pixels, i * SIDE * SIDE));
        return new TensorDataset(Tensor.of(pixels, n, 1, SIDE, SIDE), Tensor.of(labels, n));
    }

    /** Draws one image of class {@code label} from the nine uniform numbers {@code p[at .. at+8]} into {@code out[base ..]}. */
    private static void render(int label, double[] p, int at, float[] noise, float[] out, int base) {
        double cx = lerp(-0.2, 0.2, p[at]), cy = lerp(-0.2, 0.2, p[at + 1]);          // centre shift
        double angle = Math.toRadians(lerp(-20, 20, p[at + 2]));                          // rotation
        double size = lerp(0.45, 0.8, p[at + 3]);                                        // shape radius
        double freq = lerp(2.5, 4.5, p[at + 4]);                                         // stripe periods per image
        double phase = 2 * Math.PI * p[at + 5], phase2 = 2 * Math.PI * p[at + 6];
        double contrast = lerp(0.2, 0.9, p[at + 7]), background = lerp(0.0, 0.35, p[at + 8]);
        double cos = Math.cos(angle), sin = Math.sin(angle);
        for (int row = 0; row < SIDE; row++) {
            for (int col = 0; col < SIDE; col++) {
                // Pixel centre in [-1, 1]^2, y pointing down, then moved and rotated into the pattern's frame.
                double x = (col + 0.5) / (SIDE / 2.0) - 1 - cx, y = (row + 0.5) / (SIDE / 2.0) - 1 - cy;
                double u = x * cos + y * sin, v = -x * sin + y * cos;
                double value = background + contrast * pattern(label, u, v, size, freq, phase, phase2)
                        + NOISE * (noise[base + row * SIDE + col] - 0.5);
                out[base + row * SIDE + col] = (float) Math.clamp(value, 0.0, 1.0);
            }
        }
    }

    /** Class {@code label}'s pattern at (u, v), in [0, 1]. */
    private static double pattern(int label, double u, double v, double size, double freq, double phase, double phase2) {
        double r = Math.sqrt(u * u + v * v), diag = (u + v) / Math.sqrt(2), anti = (u - v) / Math.sqrt(2);
        double bar = 0.14;  // half-width of lines and rings
        return switch (label) {
            case 0 -> wave(freq * v, phase);                                   // horizontal stripes
            case 1 -> wave(freq * u, phase);                                   // vertical stripes
            case 2 -> wave(freq * anti, phase);                                // stripes along the "/" diagonal
            case 3 -> wave(freq * diag, phase);                                // stripes along the "\" diagonal
            case 4 -> edge(size - r);                                          // disk
            case 5 -> edge(bar - Math.abs(r - size));                          // ring
            case 6 -> edge(Math.min(size - Math.max(Math.abs(u), Math.abs(v)), bar - Math.min(Math.abs(u), Math.abs(v))));     // plus
            case 7 -> edge(Math.min(size - Math.max(Math.abs(diag), Math.abs(anti)), bar - Math.min(Math.abs(diag), Math.abs(anti)))); // cross
            case 8 -> 0.5 + 0.5 * Math.tanh(4 * Math.cos(Math.PI * freq / 2 * u + phase) * Math.cos(Math.PI * freq / 2 * v + phase2)); // checkerboard
            case 9 -> edge(bar - Math.abs(Math.max(Math.abs(u), Math.abs(v)) - size));                                    // square outline
            default -> throw new IllegalStateException("no pattern " + label);
        };
    }

    /** A sinusoid with {@code periods} periods across [-1, 1], in [0, 1]. */
    private static double wave(double periods, double phase) { return 0.5 + 0.5 * Math.cos(Math.PI * periods + phase); }

    /** 1 inside (signed distance d > 0), 0 outside, with a one-pixel soft edge so shapes are anti-aliased. */
    private static double edge(double d) { return Math.clamp(d / (2.0 / SIDE) + 0.5, 0.0, 1.0); }

    private static double lerp(double a, double b, double t) { return a + (b - a) * t; }
}
