package dev.galvani.data;

import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Batch transforms for image data: functions from {@link Batch} to {@link Batch} that change the
 * {@code inputs} tensor [B, C, H, W] and leave the other tensors alone. Give them to
 * {@link DataLoader.Builder#transform}, which runs them on its loading thread.
 *
 * <p>They work on whole batches, one tensor operation for all examples where the operation allows,
 * rather than example by example. Random transforms draw from the {@link Generator} they are given,
 * so a seeded run reproduces its augmentations.
 */
public final class Transforms {

    private Transforms() {}

    /** {@code (x - mean) / std} on the inputs, for data whose pixels share one mean and deviation. */
    public static UnaryOperator<Batch> normalize(double mean, double std) {
        if (!(std > 0)) throw new IllegalArgumentException("normalize: std must be positive, got " + std);
        return b -> b.with(Batch.INPUTS, b.inputs().sub(mean).div(std));
    }

    /** Per-channel {@code (x[:, c] - mean[c]) / std[c]} on inputs [B, C, ...] (RGB images, for instance). */
    public static UnaryOperator<Batch> normalize(double[] mean, double[] std) {
        if (mean.length != std.length)
            throw new IllegalArgumentException("normalize: " + mean.length + " means but " + std.length + " deviations");
        float[] m = new float[mean.length], s = new float[std.length];
        for (int c = 0; c < m.length; c++) {
            if (!(std[c] > 0)) throw new IllegalArgumentException("normalize: std[" + c + "] must be positive, got " + std[c]);
            m[c] = (float) mean[c];
            s[c] = (float) std[c];
        }
        return b -> {
            Tensor x = b.inputs();
            if (x.dim() < 2 || x.size(1) != m.length)
                throw new IllegalArgumentException("normalize: inputs " + x.shape() + " do not have " + m.length + " channels in dimension 1");
            int[] shape = new int[x.dim()];
            Arrays.fill(shape, 1);
            shape[1] = m.length;  // [1, C, 1, 1]: broadcasts over examples and pixels
            return b.with(Batch.INPUTS, x.sub(Tensor.of(m, shape).to(x.dtype())).div(Tensor.of(s, shape).to(x.dtype())));
        };
    }

    /** Mirrors each example left-right with probability 1/2. */
    public static UnaryOperator<Batch> randomHorizontalFlip(Generator gen) { return randomHorizontalFlip(gen, 0.5); }

    /** Mirrors each example left-right (along the last dimension) with probability {@code p}, independently. */
    public static UnaryOperator<Batch> randomHorizontalFlip(Generator gen, double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("randomHorizontalFlip: p must be in [0, 1], got " + p);
        return b -> {
            Tensor x = b.inputs();
            requireImages("randomHorizontalFlip", x);
            int[] maskShape = new int[x.dim()];
            Arrays.fill(maskShape, 1);
            maskShape[0] = x.size(0);
            // One coin per example, broadcast over its pixels; one where() picks flipped or not.
            Tensor flip = Tensor.bernoulli(gen, p, x.size(0)).gt(0.5).reshape(maskShape);
            return b.with(Batch.INPUTS, Tensor.where(flip, x.flip(x.dim() - 1), x));
        };
    }

    /**
     * Pads each image with {@code padding} zeros on every side and cuts out a window of the original
     * size at a random offset, independently per example: shifts of up to {@code padding} pixels
     * (the usual CIFAR augmentation, used with padding 4; 2 suits 28 x 28 images).
     */
    public static UnaryOperator<Batch> randomCrop(Generator gen, int padding) {
        if (padding < 0) throw new IllegalArgumentException("randomCrop: padding must be non-negative, got " + padding);
        return b -> {
            Tensor x = b.inputs();
            requireImages("randomCrop", x);
            if (padding == 0) return b;
            int n = x.size(0), h = x.size(-2), w = x.size(-1), rows = x.dim() - 2, cols = x.dim() - 1;
            Tensor padded = x.pad(padding, padding, padding, padding);
            long[] offsets = Tensor.randint(gen, 0, 2L * padding + 1, n, 2).toLongArray();
            // A different window per example: views of the padded batch, copied once by stack().
            List<Tensor> crops = new ArrayList<>(n);
            for (int i = 0; i < n; i++)
                crops.add(padded.select(0, i).narrow(rows - 1, (int) offsets[2 * i], h).narrow(cols - 1, (int) offsets[2 * i + 1], w));
            return b.with(Batch.INPUTS, Tensor.stack(crops, 0));
        };
    }

    /** The transforms applied in order. */
    @SafeVarargs
    public static UnaryOperator<Batch> compose(UnaryOperator<Batch>... transforms) {
        List<UnaryOperator<Batch>> list = new ArrayList<>(transforms.length);
        for (UnaryOperator<Batch> t : transforms) list.add(t);  // copied element by element: the array never escapes
        return b -> {
            for (UnaryOperator<Batch> t : list) b = t.apply(b);
            return b;
        };
    }

    private static void requireImages(String op, Tensor x) {
        if (x.dim() < 3)
            throw new IllegalArgumentException(op + ": inputs must be images [B, (C,) H, W], got " + x.shape());
    }
}
