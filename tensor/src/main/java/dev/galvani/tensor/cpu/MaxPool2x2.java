package dev.galvani.tensor.cpu;

import dev.galvani.tensor.backend.Pool2dSpec;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * F32 max pooling with a 2 x 2 window and stride 2 (no padding, no dilation) over unit-stride planes:
 * the pooling of nearly every CNN, vectorised over the outputs of a plane.
 *
 * <p>The generic loop compares element by element, and on real activations whether the next element
 * is larger is a coin toss: mispredicted branches made it cost about 20 ns per output. Here the
 * outputs of a plane are taken 16 at a time, in row-major order across output rows (feature maps of
 * 28 x 28 have rows of 14 outputs, fewer than a vector): each of a window's four candidates is
 * gathered through a map of its positions in the plane, made once per call. The candidates are
 * compared in PyTorch's scan order (top left, top right, bottom left, bottom right) with its rule
 * "take v when v > best or v is NaN", so values and indices equal the generic loop's, ties and NaNs
 * included; the index is the taken candidate's map entry, h * W + w.
 */
final class MaxPool2x2 {

    private static final VectorSpecies<Float> F = Simd.F;
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Per-thread row of a plane's argmax positions as ints, widened to the long indices after the plane. */
    private static final ThreadLocal<int[]> POSITIONS = ThreadLocal.withInitial(() -> new int[0]);
    private static final int L = F.length();

    /** Whether the fast path computes this pooling: 2 x 2 window, stride 2, no padding or dilation, unit-stride planes. */
    static boolean applies(Pool2dSpec s, int[] xs, int h, int w, int[] os, int[] is, int oh, int ow) {
        return s.kernelH() == 2 && s.kernelW() == 2 && s.strideH() == 2 && s.strideW() == 2 && s.padH() == 0 && s.padW() == 0
                && s.dilationH() == 1 && s.dilationW() == 1 && 2 * oh <= h && 2 * ow <= w
                && xs[3] == 1 && xs[2] == w && os[3] == 1 && os[2] == ow && is[3] == 1 && is[2] == ow;
    }

    /** The four candidates' positions in the plane for every output, in scan order. */
    private final int[][] candidates;
    private final int outputs;

    MaxPool2x2(int w, int oh, int ow) {
        outputs = oh * ow;
        // Rounded up to whole vectors, the extra entries 0 (a valid position): the last gathers read them, unmasked.
        candidates = new int[4][Math.ceilDiv(outputs, L) * L];
        for (int i = 0, q = 0; i < oh; i++)
            for (int j = 0; j < ow; j++, q++) {
                int topLeft = 2 * i * w + 2 * j;
                candidates[0][q] = topLeft;
                candidates[1][q] = topLeft + 1;
                candidates[2][q] = topLeft + w;
                candidates[3][q] = topLeft + w + 1;
            }
    }

    /** One plane: out[q] = the max over output q's window, idx[q] its position in the plane. */
    void plane(float[] x, int xb, float[] out, int ob, long[] idx, int ib) {
        int[] positions = POSITIONS.get();
        if (positions.length < candidates[0].length) POSITIONS.set(positions = new int[candidates[0].length]);
        int[] c0 = candidates[0], c1 = candidates[1], c2 = candidates[2], c3 = candidates[3];
        for (int q = 0; q < outputs; q += L) {
            // No masks on the gathers: the maps are padded with position 0, which every plane has.
            // The three comparisons are written out, not looped over: vectors carried around a loop
            // meet at phis, which C2 does not scalar-replace, and every lane went through a boxed vector.
            FloatVector v0 = FloatVector.fromArray(F, x, xb, c0, q), v1 = FloatVector.fromArray(F, x, xb, c1, q);
            VectorMask<Float> t1 = v1.compare(VectorOperators.GT, v0).or(v1.compare(VectorOperators.NE, v1));
            FloatVector best = v0.blend(v1, t1);
            IntVector at = IntVector.fromArray(I, c0, q).blend(IntVector.fromArray(I, c1, q), t1.cast(I));
            FloatVector v2 = FloatVector.fromArray(F, x, xb, c2, q);
            VectorMask<Float> t2 = v2.compare(VectorOperators.GT, best).or(v2.compare(VectorOperators.NE, v2));
            best = best.blend(v2, t2);
            at = at.blend(IntVector.fromArray(I, c2, q), t2.cast(I));
            FloatVector v3 = FloatVector.fromArray(F, x, xb, c3, q);
            VectorMask<Float> t3 = v3.compare(VectorOperators.GT, best).or(v3.compare(VectorOperators.NE, v3));
            best = best.blend(v3, t3);
            at = at.blend(IntVector.fromArray(I, c3, q), t3.cast(I));
            if (q + L <= outputs) best.intoArray(out, ob + q);
            else best.intoArray(out, ob + q, F.indexInRange(q, outputs));
            at.intoArray(positions, q);
        }
        // Widened in a plain loop, which C2 vectorises (masked long-vector stores, tried first, showed up in profiles).
        for (int q = 0; q < outputs; q++) idx[ib + q] = positions[q];
    }
}
