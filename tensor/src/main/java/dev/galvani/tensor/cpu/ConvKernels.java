package dev.galvani.tensor.cpu;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.backend.Operand;
import dev.galvani.tensor.backend.Conv2dSpec;
import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) and its two gradients, F32
 * and F64, by im2col / col2im and {@link Gemm}.
 *
 * <p>Images are processed in chunks of B consecutive images, one GEMM per chunk and group. With
 * {@code ckk = C/groups * kH * kW}, {@code P = outH * outW} and the chunk's columns side by side
 * ({@code cols[ckk, B·P]}, image b in columns [b·P, (b+1)·P)):
 * <pre>
 *   forward      tmp[Og, B·P]   = W[Og, ckk]   · cols[ckk, B·P]      cols = im2col(x), out = tmp per image
 *   input grad   cols[ckk, B·P] = W^T[ckk, Og] · gOut[Og, B·P]       gradIn += col2im(cols) per image
 *   weight grad  gradW[Og, ckk] += gOut[Og, B·P] · cols^T[B·P, ckk]
 * </pre>
 * One image of a small feature map is a narrow GEMM (14 x 14 with 32 to 64 channels: 64 x 196 x 288),
 * whose ragged last panel and per-call packing of W cost more than the arithmetic lets them. A chunk
 * takes as many images as make it about {@link #CHUNK_COLS} pixels wide, within {@link #CHUNK_LIMIT}
 * elements of buffers so that im2col's output is still in L2 when Gemm packs it. The images of
 * [N, O, P] are not one strided [O, B·P] matrix, so gradOut is gathered into {@code tmp} and the
 * forward's result scattered out of it: copies a ckk-th the size of the GEMM's work.
 *
 * <p>Images at least that wide are chunks of one, without the copies: their GEMMs read gradOut and
 * write out in place, and output rows are processed in bands whose columns fit the same budget. A 1x1
 * kernel with stride 1 and no padding then needs no im2col at all: the image is the [C, P] matrix.
 * Transposed operands are only strides for Gemm, except that the input gradient transposes W once,
 * because Gemm packs a row-major A faster. The weight gradient computes its transpose instead when
 * that fits Gemm's register tile better (see weightGrad). (Writing im2col straight into Gemm's packed
 * panel layout, to skip one pass, measured slower: its writes scatter over the whole buffer, while
 * im2col rows stream and Gemm's packing stays inside L1. Packing from x inside Gemm, implicit GEMM, is
 * the way to drop the pass.)
 *
 * <p>im2col and col2im move each kernel offset's row of cols as one run of the input plane when the
 * geometry allows (see Runs), which is what makes small images cheap to unfold.
 *
 * <p>Threads: when the chunks divide evenly among the threads (or are many, or small) each chunk is
 * one task with serial GEMMs; otherwise chunks run one after another and each GEMM uses every
 * thread. Small images are cut into a multiple of the thread count of chunks for that reason.
 */
final class ConvKernels {

    private ConvKernels() {}

    /** The most elements one thread's column buffer holds for one image's band of rows (16 MiB of floats). */
    static final int COLS_LIMIT = 1 << 22;

    /**
     * The elements a chunk's buffers may hold, columns and gathered gradOut or output together (1 MiB
     * of floats), so that they are still in L2 (2 MiB a core) when Gemm packs them. Beyond that the
     * GEMMs measured at half speed.
     */
    static final int CHUNK_LIMIT = 1 << 18;

    /**
     * The output pixels a chunk aims for: the GEMM's N (the weight gradient's K). Past a few hundred
     * the GEMM gains nothing more, and the chunk's buffers grow.
     */
    static final int CHUNK_COLS = 512;

    private static final ThreadLocal<float[][]> F_BUF = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[0]});
    private static final ThreadLocal<double[][]> D_BUF = ThreadLocal.withInitial(() -> new double[][]{new double[0], new double[0]});
    /** Buffer slots: the columns; the gathered gradOut or the forward result of a chunk. */
    private static final int COLS = 0, TMP = 1;

    private static final VectorSpecies<Float> F = Simd.F;
    private static final VectorSpecies<Double> D = Simd.D;
    private static final int FL = Simd.FL, DL = Simd.DL;

    /** Sizes of one convolution, read off its tensors. */
    record Geo(int n, int c, int h, int w, int o, int cg, int og, int kh, int kw, int oh, int ow, Conv2dSpec s) {

        static Geo of(int[] xShape, int[] wShape, int[] outShape, Conv2dSpec s) {
            return new Geo(xShape[0], xShape[1], xShape[2], xShape[3], wShape[0], wShape[1], wShape[0] / s.groups(),
                    wShape[2], wShape[3], outShape[2], outShape[3], s);
        }

        int ckk() { return cg * kh * kw; }

        int plane() { return oh * ow; }

        boolean pointwise() {
            return kh == 1 && kw == 1 && s.strideH() == 1 && s.strideW() == 1 && s.padH() == 0 && s.padW() == 0;
        }

        /**
         * Output rows per band of one image: as many as keep its column buffer within L2 (CHUNK_LIMIT),
         * but at least CHUNK_COLS pixels wide for the GEMM's sake, and never over COLS_LIMIT.
         */
        int rowsPerBand() {
            long rowCols = Math.max(1L, (long) ckk() * ow);
            long rows = Math.max(CHUNK_LIMIT / rowCols, Math.ceilDiv(CHUNK_COLS, Math.max(1, ow)));
            return (int) Math.clamp(Math.min(rows, COLS_LIMIT / rowCols), 1, Math.max(1, oh));
        }

        long workPerImage() { return (long) o * ckk() * plane(); }

        /** The same convolution in DirectConv's terms (stride 1 assumed). */
        DirectConv.Geometry direct() {
            return new DirectConv.Geometry(n, c, h, w, o, s.groups(), kh, kw, s.padH(), s.padW(), s.dilationH(), s.dilationW());
        }

        /** Cuts the batch into chunks; see the class comment. */
        Plan plan() {
            int t = Parallel.threads();
            long perImage = Math.max(1L, (long) (ckk() + og) * plane());
            // As many images as make the GEMM about CHUNK_COLS wide, if the buffers allow.
            long batch = Math.min(Math.ceilDiv(CHUNK_COLS, Math.max(1, plane())), CHUNK_LIMIT / perImage);
            int chunks = Math.ceilDiv(n, (int) Math.clamp(batch, 1, Math.max(1, n)));
            // Small images: a multiple of the thread count of chunks, so that no thread waits for another.
            if (chunks < n && chunks % t != 0) chunks = Math.min(n, Math.ceilDiv(chunks, t) * t);
            long workPerChunk = workPerImage() * Math.ceilDiv(n, Math.max(1, chunks));
            boolean parallel = chunks > 1 && (workPerChunk < Gemm.PARALLEL_MIN || chunks % t == 0 || chunks >= 4 * t);
            return new Plan(n, chunks, chunks == n ? rowsPerBand() : oh, parallel);
        }
    }

    /**
     * Which algorithm takes a convolution: {@link DirectConv} (no im2col, the input read in place from
     * a padded copy) or im2col / col2im and {@link Gemm}. DirectConv computes every position of its flat
     * padded layout, pixels or not, and rounds the output channels of a group up to whole tiles, so it
     * pays where both wastes are small; im2col pays one copy of {@code kH·kW} times the input and
     * Gemm's packing of it. Measured on the Fashion-MNIST CNN's layers and on [8, 32, 64, 64] x 3x3
     * (benchmarks/results/conv-2026-12-02.md), DirectConv wins wherever these conditions hold:
     * <ul>
     *   <li>F32 (F64 keeps the GEMM path) and stride 1 (strided inputs are not one run per tap);
     *   <li>not a 1x1 kernel without padding, which the GEMM reads in place already;
     *   <li>at least half of the flat positions are pixels ({@code density() ≥ 1/2}: images not much
     *       smaller than their padding; the forward and the input gradient compute them all);
     *   <li>at least a tile's channels: {@code ≥ MR} output channels per group (forward), input
     *       channels per group (input gradient), {@code ≥ GO} output channels per group (weight
     *       gradient); depthwise convolutions stay on the GEMM path;
     *   <li>forward and weight gradient: at least {@link #MIN_TAPS} taps;
     *   <li>at least one image per thread (DirectConv's tasks are images, Gemm splits one product),
     *       and images small enough that one image's padded copy (or transposed gradient) stays within
     *       {@link #COLS_LIMIT} elements, the most a thread's buffers hold on the GEMM path too;
     *   <li>input gradient only: padding at most {@code dilation·(k - 1)}, so that it is a convolution
     *       of gradOut with non-negative padding.
     * </ul>
     */
    static final class CostModel {

        private CostModel() {}

        /**
         * The fewest taps (C/groups·kH·kW) for the forward and the weight gradient: with fewer, the
         * copies around the tiles (frames out, gradient transposed in) cost more than the tiles'
         * multiply-adds; a first layer's 9 taps measured 1.4x (forward) and 1.1x (weight gradient)
         * slower than im2col and Gemm.
         */
        static final int MIN_TAPS = 16;


        private static boolean common(Geo g, DType type) {
            Conv2dSpec s = g.s;
            DirectConv.Geometry d = g.direct();
            return type == DType.F32 && s.strideH() == 1 && s.strideW() == 1 && !g.pointwise()
                    && g.n >= Parallel.threads() && d.density() >= 0.5
                    && (long) Math.max(g.cg, g.og) * Math.max(d.frame(), g.plane()) <= COLS_LIMIT;
        }

        static boolean forward(Geo g, DType type) { return common(g, type) && g.og >= DirectConv.MR && g.ckk() >= MIN_TAPS; }

        static boolean inputGrad(Geo g, DType type) {
            Conv2dSpec s = g.s;
            return common(g, type) && g.cg >= DirectConv.MR
                    && s.padH() <= s.dilationH() * (g.kh - 1) && s.padW() <= s.dilationW() * (g.kw - 1);
        }

        static boolean weightGrad(Geo g, DType type) {
            return common(g, type) && g.og >= DirectConv.GO && g.ckk() >= MIN_TAPS;
        }
    }

    /**
     * Chunk c holds images [first(c), first(c + 1)). When every chunk is a single image, {@code rows}
     * may cut it into bands of output rows; a chunk of several images always takes them whole.
     */
    private record Plan(int n, int chunks, int rows, boolean parallel) {

        int first(int chunk) { return (int) ((long) n * chunk / chunks); }

        /** One image per chunk: the GEMMs can read and write the tensors in place. */
        boolean single() { return chunks == n; }

        /** Runs body(chunk) for every chunk: one task per chunk, or in order with threaded GEMMs. */
        void forChunks(IntConsumer body) {
            if (parallel) {
                Parallel.forTasks(chunks, (s, e) -> {
                    for (int i = s; i < e; i++) body.accept(i);
                });
            } else {
                for (int i = 0; i < chunks; i++) body.accept(i);
            }
        }
    }

    // =============================================================================================
    // forward
    // =============================================================================================

    static void conv2d(Operand x, Operand w, Operand out, Conv2dSpec spec) {
        Geo g = Geo.of(x.shape().dims(), w.shape().dims(), out.shape().dims(), spec);
        if (out.numel() == 0) return;
        if (CostModel.forward(g, x.dtype())) {
            Dense W = dense(w);
            DirectConv.forward(g.direct(), view(x), (float[]) W.array, W.offset, view(out));
            return;
        }
        gemmConv2d(x, w, out, spec);
    }

    /** The forward by im2col and Gemm, whatever the cost model says. */
    static void gemmConv2d(Operand x, Operand w, Operand out, Conv2dSpec spec) {
        Geo g = Geo.of(x.shape().dims(), w.shape().dims(), out.shape().dims(), spec);
        if (out.numel() == 0) return;
        Object X = CpuBackend.array(x), O = CpuBackend.array(out);
        int[] xs = x.strides();
        Dense W = dense(w);
        int ckk = g.ckk(), plane = g.plane(), outOff = out.offset();
        Plan plan = g.plan();
        boolean direct = plan.single() && g.pointwise() && planeIsUnitStride(xs, g.h, g.w);
        Runs runs = Runs.of(g, plan.rows * g.ow, xs[2], xs[3]);
        plan.forChunks(chunk -> {
            int img0 = plan.first(chunk), count = plan.first(chunk + 1) - img0;
            for (int gi = 0; gi < spec.groups(); gi++) {
                int xBase = x.offset() + img0 * xs[0] + gi * g.cg * xs[1];
                int cBase = outOff + (img0 * g.o + gi * g.og) * plane;      // image img0's block of this group
                int wBase = W.offset + gi * g.og * ckk;
                if (direct) {
                    // 1x1: out[Og, P] = W[Og, Cg] · x[Cg, P], the image read in place.
                    gemm(g.og, plane, g.cg, W.array, wBase, ckk, 1, X, xBase, xs[1], 1, O, cBase, plane, false);
                    continue;
                }
                for (int oh0 = 0; oh0 < g.oh; oh0 += plan.rows) {
                    int oh1 = Math.min(g.oh, oh0 + plan.rows), width = (oh1 - oh0) * g.ow, ld = count * width;
                    Object cols = buffer(x.dtype(), COLS, ckk * ld);
                    for (int b = 0; b < count; b++) im2col(g, runs, X, xBase + b * xs[0], xs, oh0, oh1, cols, b * width, ld);
                    if (count == 1) {
                        gemm(g.og, width, ckk, W.array, wBase, ckk, 1, cols, 0, ld, 1, O, cBase + oh0 * g.ow, plane, false);
                        continue;
                    }
                    // Several images (whole, so width == plane): out[b, o, :] = tmp[o, b·P, (b+1)·P).
                    Object tmp = buffer(x.dtype(), TMP, g.og * ld);
                    gemm(g.og, ld, ckk, W.array, wBase, ckk, 1, cols, 0, ld, 1, tmp, 0, ld, false);
                    for (int b = 0; b < count; b++)
                        for (int o = 0; o < g.og; o++)
                            System.arraycopy(tmp, o * ld + b * plane, O, cBase + (b * g.o + o) * plane, plane);
                }
            }
        });
    }

    // =============================================================================================
    // gradient with respect to the input
    // =============================================================================================

    static void inputGrad(Operand gradOut, Operand w, Operand gradIn, Conv2dSpec spec) {
        Geo g = Geo.of(gradIn.shape().dims(), w.shape().dims(), gradOut.shape().dims(), spec);
        if (gradIn.numel() == 0) return;
        if (CostModel.inputGrad(g, gradIn.dtype())) {
            Dense W = dense(w);
            DirectConv.inputGrad(g.direct(), view(gradOut), (float[]) W.array, W.offset, view(gradIn));
            return;
        }
        gemmInputGrad(gradOut, w, gradIn, spec);
    }

    /** The input gradient by Gemm and col2im, whatever the cost model says. */
    static void gemmInputGrad(Operand gradOut, Operand w, Operand gradIn, Conv2dSpec spec) {
        Geo g = Geo.of(gradIn.shape().dims(), w.shape().dims(), gradOut.shape().dims(), spec);
        if (gradIn.numel() == 0) return;
        Object GI = CpuBackend.array(gradIn);
        int[] gs = gradIn.strides();
        Dense GO = dense(gradOut);
        int ckk = g.ckk(), plane = g.plane();
        // W^T [ckk, O], row-major: the GEMMs' A operand, packed again for every chunk, which Gemm does
        // fastest from rows (a column-major A is gathered element by element).
        Object WT = transposedWeight(w, ckk);
        Plan plan = g.plan();
        boolean direct = plan.single() && g.pointwise() && gradIn.isContiguous();
        Runs runs = gs[2] == g.w ? Runs.of(g, plan.rows * g.ow, gs[2], gs[3]) : null;
        plan.forChunks(chunk -> {
            int img0 = plan.first(chunk), count = plan.first(chunk + 1) - img0;
            int giImage = gradIn.offset() + img0 * gs[0];
            // Every element of these images' gradient is written below by accumulation: start from zero.
            if (!direct) for (int b = 0; b < count; b++) zeroImage(GI, giImage + b * gs[0], gs, g.c, g.h, g.w);
            for (int gi = 0; gi < spec.groups(); gi++) {
                int goBase = GO.offset + (img0 * g.o + gi * g.og) * plane;
                int wBase = gi * g.og;      // in W^T
                int giBase = giImage + gi * g.cg * gs[1];
                if (direct) {
                    // 1x1: gradIn[Cg, P] = W^T[Cg, Og] · gradOut[Og, P], written in place.
                    gemm(g.cg, plane, g.og, WT, wBase, g.o, 1, GO.array, goBase, plane, 1, GI, giBase, plane, false);
                    continue;
                }
                for (int oh0 = 0; oh0 < g.oh; oh0 += plan.rows) {
                    int oh1 = Math.min(g.oh, oh0 + plan.rows), width = (oh1 - oh0) * g.ow, ld = count * width;
                    Object cols = buffer(gradIn.dtype(), COLS, ckk * ld);
                    if (count == 1) {
                        gemm(ckk, width, g.og, WT, wBase, g.o, 1, GO.array, goBase + oh0 * g.ow, plane, 1, cols, 0, ld, false);
                    } else {
                        Object go = gatherGradOut(g, GO.array, goBase, count, gradIn.dtype());
                        gemm(ckk, ld, g.og, WT, wBase, g.o, 1, go, 0, ld, 1, cols, 0, ld, false);
                    }
                    for (int b = 0; b < count; b++) col2im(g, runs, cols, b * width, ld, oh0, oh1, GI, giBase + b * gs[0], gs);
                }
            }
        });
    }

    // =============================================================================================
    // gradient with respect to the weight
    // =============================================================================================

    /**
     * gradW[Og, ckk] = the sum over images and output pixels q of gOut[Og, q] · cols[ckk, q], computed
     * as gOut · cols^T, or as its transpose cols · gOut^T ({@code swap}) when that fills Gemm's
     * register tiles better: a first layer's ckk (9 for one input channel) would leave most of a tile's
     * 32 columns empty, but fits in one tile's 12 rows. (Both operands run along the pixels, so Gemm's
     * packing transposes both either way. Pixel-major columns, built from a channels-last copy of the
     * image so that Gemm could read them by rows, measured no faster.)
     */
    static void weightGrad(Operand x, Operand gradOut, Operand gradW, Conv2dSpec spec) {
        Geo g = Geo.of(x.shape().dims(), gradW.shape().dims(), gradOut.shape().dims(), spec);
        if (gradW.numel() == 0) return;
        if (g.n == 0 || g.plane() == 0) {
            // An empty sum: the gradient is zero.
            int[] ws = gradW.strides();
            for (int o = 0; o < g.o; o++) zeroImage(CpuBackend.array(gradW), gradW.offset() + o * ws[0], ws, g.cg, g.kh, g.kw);
            return;
        }
        if (CostModel.weightGrad(g, x.dtype())) {
            if (gradW.isContiguous()) {
                DirectConv.weightGrad(g.direct(), view(x), view(gradOut), (float[]) CpuBackend.array(gradW), gradW.offset());
            } else {
                float[] dense = new float[(int) gradW.numel()];
                DirectConv.weightGrad(g.direct(), view(x), view(gradOut), dense, 0);
                scatterDense(dense, gradW);
            }
            return;
        }
        gemmWeightGrad(x, gradOut, gradW, spec);
    }

    /** The weight gradient by im2col and Gemm, whatever the cost model says. */
    static void gemmWeightGrad(Operand x, Operand gradOut, Operand gradW, Conv2dSpec spec) {
        Geo g = Geo.of(x.shape().dims(), gradW.shape().dims(), gradOut.shape().dims(), spec);
        Object X = CpuBackend.array(x);
        int[] xs = x.strides();
        Dense GO = dense(gradOut);
        DType type = x.dtype();
        int ckk = g.ckk(), plane = g.plane();
        int size = g.o * ckk;
        Plan plan = g.plan();
        boolean direct = plan.single() && g.pointwise() && planeIsUnitStride(xs, g.h, g.w);
        boolean swap = tiled(ckk, g.og, type) < tiled(g.og, ckk, type);
        Runs runs = Runs.of(g, plan.rows * g.ow, xs[2], xs[3]);
        // gradW is a sum over images. The chunks are split into parts, one per thread, each summed into
        // its own buffer (the first into gradW itself unless swapped), and the parts are added at the end.
        int parts = plan.parallel ? Math.min(plan.chunks, Parallel.threads()) : 1;
        Object[] acc = new Object[parts];
        Dense target = gradW.isContiguous() ? new Dense(CpuBackend.array(gradW), gradW.offset()) : new Dense(newArray(type, size), 0);
        for (int p = 0; p < parts; p++) acc[p] = p == 0 && !swap ? target.array : newArray(type, size);
        Parallel.forTasks(parts, (p0, p1) -> {
            for (int part = p0; part < p1; part++) {
                Object C = acc[part];
                int cOff = C == target.array ? target.offset : 0;
                int c0 = (int) ((long) plan.chunks * part / parts), c1 = (int) ((long) plan.chunks * (part + 1) / parts);
                for (int chunk = c0; chunk < c1; chunk++) {
                    int img0 = plan.first(chunk), count = plan.first(chunk + 1) - img0;
                    boolean add = chunk > c0;        // the first chunk of a part overwrites
                    for (int gi = 0; gi < spec.groups(); gi++) {
                        int goBase = GO.offset + (img0 * g.o + gi * g.og) * plane;
                        int xBase = x.offset() + img0 * xs[0] + gi * g.cg * xs[1];
                        int cBase = cOff + gi * g.og * ckk;
                        if (direct) {
                            // 1x1: the image is the [Cg, P] matrix cols.
                            weightGemm(swap, g.og, ckk, plane, GO.array, goBase, plane, X, xBase, xs[1], C, cBase, add);
                            continue;
                        }
                        for (int oh0 = 0; oh0 < g.oh; oh0 += plan.rows) {
                            int oh1 = Math.min(g.oh, oh0 + plan.rows), width = (oh1 - oh0) * g.ow, ld = count * width;
                            Object cols = buffer(type, COLS, ckk * ld);
                            for (int b = 0; b < count; b++) im2col(g, runs, X, xBase + b * xs[0], xs, oh0, oh1, cols, b * width, ld);
                            // K runs over all of the chunk's output pixels.
                            Object go = count == 1 ? GO.array : gatherGradOut(g, GO.array, goBase, count, type);
                            int goOff = count == 1 ? goBase + oh0 * g.ow : 0, goLd = count == 1 ? plane : ld;
                            boolean accumulate = add || oh0 > 0;
                            weightGemm(swap, g.og, ckk, ld, go, goOff, goLd, cols, 0, ld, C, cBase, accumulate);
                        }
                    }
                }
            }
        });
        if (swap) {
            addTransposed(acc, g, target.array, target.offset);
        } else {
            for (int p = 1; p < parts; p++) addInto(acc[p], target.array, target.offset, size);
        }
        if (!gradW.isContiguous()) scatterDense(target.array, gradW);
    }

    /**
     * The weight gradient's GEMM over K output pixels: gradW[Og, ckk] (+)= gOut[Og, K] · cols^T[K, ckk]
     * into C at cOff (row stride ckk), or with {@code swap} its transpose [ckk, Og] (row stride Og).
     * Element (o, q) of gOut is go[goOff + o * goLd + q], element (r, q) of cols is cols[colsOff + r * colsLd + q].
     */
    private static void weightGemm(boolean swap, int og, int ckk, int k, Object go, int goOff, int goLd,
                                   Object cols, int colsOff, int colsLd, Object c, int cOff, boolean accumulate) {
        if (swap) gemm(ckk, og, k, cols, colsOff, colsLd, 1, go, goOff, 1, goLd, c, cOff, og, accumulate);
        else gemm(og, ckk, k, go, goOff, goLd, 1, cols, colsOff, 1, colsLd, c, cOff, ckk, accumulate);
    }

    /** Multiply-adds that Gemm's register tiles spend on an m x n product: both rounded up to whole tiles. */
    private static long tiled(int m, int n, DType type) {
        int mr = type == DType.F32 ? Gemm.F_MR : Gemm.D_MR, nr = type == DType.F32 ? Gemm.F_NR : Gemm.D_NR;
        return (long) Math.ceilDiv(m, mr) * mr * Math.ceilDiv(n, nr) * nr;
    }

    /** gradW[gi, o, r] = the sum over the parts of their [gi, r, o]: parts of the swapped weight gradient. */
    private static void addTransposed(Object[] parts, Geo g, Object target, int tOff) {
        int ckk = g.ckk();
        for (int gi = 0; gi < g.s.groups(); gi++) {
            int block = gi * g.og * ckk;
            for (int o = 0; o < g.og; o++)
                for (int r = 0; r < ckk; r++) {
                    int src = block + r * g.og + o, dst = tOff + block + o * ckk + r;
                    if (target instanceof float[] t) {
                        float sum = 0;
                        for (Object part : parts) sum += ((float[]) part)[src];
                        t[dst] = sum;
                    } else {
                        double sum = 0;
                        for (Object part : parts) sum += ((double[]) part)[src];
                        ((double[]) target)[dst] = sum;
                    }
                }
        }
    }

    /** The weight [O, ckk] transposed into a new row-major [ckk, O] array. */
    private static Object transposedWeight(Operand w, int ckk) {
        Dense W = dense(w);
        int o = w.shape().dims()[0];
        Object t = newArray(w.dtype(), o * ckk);
        for (int i = 0; i < o; i++)
            for (int r = 0; r < ckk; r++) {
                if (t instanceof float[] f) f[r * o + i] = ((float[]) W.array)[W.offset + i * ckk + r];
                else ((double[]) t)[r * o + i] = ((double[]) W.array)[W.offset + i * ckk + r];
            }
        return t;
    }

    /**
     * This thread's buffer {@code tmp[Og, count·P]} holding one group's gradOut for {@code count}
     * whole images side by side, read from the dense gradOut at {@code goBase} (image 0, row 0 of the group).
     */
    private static Object gatherGradOut(Geo g, Object go, int goBase, int count, DType type) {
        int plane = g.plane(), ld = count * plane;
        Object tmp = buffer(type, TMP, g.og * ld);
        for (int b = 0; b < count; b++)
            for (int o = 0; o < g.og; o++)
                System.arraycopy(go, goBase + (b * g.o + o) * plane, tmp, o * ld + b * plane, plane);
        return tmp;
    }

    // =============================================================================================
    // im2col and col2im
    // =============================================================================================

    // Both walk the rows r = (c, kh, kw) of cols; within a row, the output rows oh whose input row
    // lies inside the image, and within those the output columns [owLo, owHi) whose input column does.
    //
    // Flat runs: when the input plane advances by exactly one output row per output row (stride 1
    // along W, unit column stride, strideH * rowStride == outW: every "same" convolution with stride
    // 1), the valid part of a row of cols is one shifted run of the input plane, [q0, q1) in cols.
    // It is moved by one vector loop instead of one copy per output row, which matters for small
    // images, where 14-element rows cost more in overhead than in data. Where the window hangs over
    // the left or right edge, the run wraps around a row end: those elements are masked with
    // Runs.inside (loaded as zero by im2col, not added by col2im). Zeroing them in cols afterwards
    // instead measured as slow as the adds themselves: a vector load over a just-written scalar
    // stalls on store forwarding.

    /** The geometry of the flat runs of a band of {@code width} output columns, or null when rows don't form runs. */
    private record Runs(boolean[][] inside) {

        /**
         * inside[kw][q] tells whether band column q, output column q % outW, sees the input for kernel
         * column kw; null for a kernel column whose window never leaves the image sideways.
         */
        static Runs of(Geo g, int width, int rowStride, int colStride) {
            Conv2dSpec s = g.s;
            if (s.strideW() != 1 || colStride != 1 || (long) s.strideH() * rowStride != g.ow) return null;
            boolean[][] inside = new boolean[g.kw][];
            for (int kw = 0; kw < g.kw; kw++) {
                int dw = kw * s.dilationW() - s.padW();
                int owLo = validLo(dw, 1, g.ow), owHi = validHi(dw, 1, g.w, g.ow, owLo);
                if (owLo == 0 && owHi == g.ow) continue;
                inside[kw] = new boolean[width];
                for (int q = 0; q < width; q++) inside[kw][q] = q % g.ow >= owLo && q % g.ow < owHi;
            }
            return new Runs(inside);
        }
    }

    /**
     * cols[r, cOff + q] (row stride {@code ld}) = x[c, ih, iw] for r = (c, kh, kw) and q = (oh - oh0, ow),
     * zero where the window reaches into the padding. Parallel over channels when the caller is not
     * already a worker.
     */
    private static void im2col(Geo g, Runs runs, Object x, int xBase, int[] xs, int oh0, int oh1, Object cols, int cOff, int ld) {
        int width = (oh1 - oh0) * g.ow;
        int grain = (int) Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1L, (long) g.kh * g.kw * width));
        Parallel.forRange(g.cg, grain, (c0, c1) -> {
            if (x instanceof float[] xf) im2colF(g, runs, xf, xBase, xs, oh0, oh1, (float[]) cols, cOff, ld, c0, c1);
            else im2colD(g, runs, (double[]) x, xBase, xs, oh0, oh1, (double[]) cols, cOff, ld, c0, c1);
        });
    }

    private static void im2colF(Geo g, Runs runs, float[] x, int xBase, int[] xs, int oh0, int oh1, float[] cols, int cOff, int ld, int c0, int c1) {
        Conv2dSpec s = g.s;
        int width = (oh1 - oh0) * g.ow, sh = s.strideH(), sw = s.strideW();
        for (int c = c0; c < c1; c++)
            for (int kh = 0; kh < g.kh; kh++)
                for (int kw = 0; kw < g.kw; kw++) {
                    int row = cOff + ((c * g.kh + kh) * g.kw + kw) * ld;
                    int dh = kh * s.dilationH() - s.padH(), dw = kw * s.dilationW() - s.padW();
                    int ohLo = Math.max(oh0, validLo(dh, sh, g.oh)), ohHi = Math.min(oh1, validHi(dh, sh, g.h, g.oh, ohLo));
                    int owLo = validLo(dw, sw, g.ow), owHi = validHi(dw, sw, g.w, g.ow, owLo);
                    if (ohLo >= ohHi || owLo >= owHi) {
                        Arrays.fill(cols, row, row + width, 0f);
                        continue;
                    }
                    if (runs != null) {
                        // cols[row + q] = x[xQ + q] for q in [q0, q1); the rest is top or bottom padding.
                        int q0 = (ohLo - oh0) * g.ow + owLo, q1 = (ohHi - 1 - oh0) * g.ow + owHi;
                        int xQ = xBase + c * xs[1] + (oh0 * sh + dh) * xs[2] + dw;
                        Arrays.fill(cols, row, row + q0, 0f);
                        copyRun(x, xQ, cols, row, q0, q1, runs.inside[kw]);
                        Arrays.fill(cols, row + q1, row + width, 0f);
                        continue;
                    }
                    Arrays.fill(cols, row, row + (ohLo - oh0) * g.ow, 0f);
                    Arrays.fill(cols, row + (ohHi - oh0) * g.ow, row + width, 0f);
                    for (int oh = ohLo; oh < ohHi; oh++) {
                        int dst = row + (oh - oh0) * g.ow;
                        Arrays.fill(cols, dst, dst + owLo, 0f);
                        Arrays.fill(cols, dst + owHi, dst + g.ow, 0f);
                        int src = xBase + c * xs[1] + (oh * sh + dh) * xs[2] + (owLo * sw + dw) * xs[3];
                        if (sw == 1 && xs[3] == 1) {
                            System.arraycopy(x, src, cols, dst + owLo, owHi - owLo);
                        } else {
                            int step = sw * xs[3];
                            for (int ow = owLo; ow < owHi; ow++, src += step) cols[dst + ow] = x[src];
                        }
                    }
                }
    }

    private static void im2colD(Geo g, Runs runs, double[] x, int xBase, int[] xs, int oh0, int oh1, double[] cols, int cOff, int ld, int c0, int c1) {
        Conv2dSpec s = g.s;
        int width = (oh1 - oh0) * g.ow, sh = s.strideH(), sw = s.strideW();
        for (int c = c0; c < c1; c++)
            for (int kh = 0; kh < g.kh; kh++)
                for (int kw = 0; kw < g.kw; kw++) {
                    int row = cOff + ((c * g.kh + kh) * g.kw + kw) * ld;
                    int dh = kh * s.dilationH() - s.padH(), dw = kw * s.dilationW() - s.padW();
                    int ohLo = Math.max(oh0, validLo(dh, sh, g.oh)), ohHi = Math.min(oh1, validHi(dh, sh, g.h, g.oh, ohLo));
                    int owLo = validLo(dw, sw, g.ow), owHi = validHi(dw, sw, g.w, g.ow, owLo);
                    if (ohLo >= ohHi || owLo >= owHi) {
                        Arrays.fill(cols, row, row + width, 0d);
                        continue;
                    }
                    if (runs != null) {
                        int q0 = (ohLo - oh0) * g.ow + owLo, q1 = (ohHi - 1 - oh0) * g.ow + owHi;
                        int xQ = xBase + c * xs[1] + (oh0 * sh + dh) * xs[2] + dw;
                        Arrays.fill(cols, row, row + q0, 0d);
                        copyRun(x, xQ, cols, row, q0, q1, runs.inside[kw]);
                        Arrays.fill(cols, row + q1, row + width, 0d);
                        continue;
                    }
                    Arrays.fill(cols, row, row + (ohLo - oh0) * g.ow, 0d);
                    Arrays.fill(cols, row + (ohHi - oh0) * g.ow, row + width, 0d);
                    for (int oh = ohLo; oh < ohHi; oh++) {
                        int dst = row + (oh - oh0) * g.ow;
                        Arrays.fill(cols, dst, dst + owLo, 0d);
                        Arrays.fill(cols, dst + owHi, dst + g.ow, 0d);
                        int src = xBase + c * xs[1] + (oh * sh + dh) * xs[2] + (owLo * sw + dw) * xs[3];
                        if (sw == 1 && xs[3] == 1) {
                            System.arraycopy(x, src, cols, dst + owLo, owHi - owLo);
                        } else {
                            int step = sw * xs[3];
                            for (int ow = owLo; ow < owHi; ow++, src += step) cols[dst + ow] = x[src];
                        }
                    }
                }
    }

    /** cols[row + q] = x[xQ + q] for q in [q0, q1), or 0 where {@code inside} (when not null) is false. */
    private static void copyRun(float[] x, int xQ, float[] cols, int row, int q0, int q1, boolean[] inside) {
        int q = q0;
        if (inside == null) {
            for (; q <= q1 - FL; q += FL) FloatVector.fromArray(F, x, xQ + q).intoArray(cols, row + q);
        } else {
            for (; q <= q1 - FL; q += FL)
                FloatVector.fromArray(F, x, xQ + q, VectorMask.fromArray(F, inside, q)).intoArray(cols, row + q);
        }
        for (; q < q1; q++) cols[row + q] = inside == null || inside[q] ? x[xQ + q] : 0f;
    }

    private static void copyRun(double[] x, int xQ, double[] cols, int row, int q0, int q1, boolean[] inside) {
        int q = q0;
        if (inside == null) {
            for (; q <= q1 - DL; q += DL) DoubleVector.fromArray(D, x, xQ + q).intoArray(cols, row + q);
        } else {
            for (; q <= q1 - DL; q += DL)
                DoubleVector.fromArray(D, x, xQ + q, VectorMask.fromArray(D, inside, q)).intoArray(cols, row + q);
        }
        for (; q < q1; q++) cols[row + q] = inside == null || inside[q] ? x[xQ + q] : 0d;
    }

    /**
     * gradIn[c, ih, iw] += cols[r, cOff + q] (row stride {@code ld}), the adjoint of im2col. Windows
     * overlap, so two rows r of one channel may hit the same element: the work is split by channel,
     * never by row. {@code runs} are those of gradIn's strides, and only used when its rows are
     * contiguous: a run's masked-out elements then belong to this channel's plane, which no other
     * task touches (they are read and written back unchanged).
     */
    private static void col2im(Geo g, Runs runs, Object cols, int cOff, int ld, int oh0, int oh1, Object gradIn, int giBase, int[] gs) {
        int width = (oh1 - oh0) * g.ow;
        int grain = (int) Math.max(1, Parallel.ELEMENTWISE_GRAIN / Math.max(1L, (long) g.kh * g.kw * width));
        Parallel.forRange(g.cg, grain, (c0, c1) -> {
            if (gradIn instanceof float[] gf) col2imF(g, runs, (float[]) cols, cOff, ld, oh0, oh1, gf, giBase, gs, c0, c1);
            else col2imD(g, runs, (double[]) cols, cOff, ld, oh0, oh1, (double[]) gradIn, giBase, gs, c0, c1);
        });
    }

    private static void col2imF(Geo g, Runs runs, float[] cols, int cOff, int ld, int oh0, int oh1, float[] gi, int giBase, int[] gs, int c0, int c1) {
        Conv2dSpec s = g.s;
        int sh = s.strideH(), sw = s.strideW(), step = sw * gs[3];
        for (int c = c0; c < c1; c++)
            for (int kh = 0; kh < g.kh; kh++)
                for (int kw = 0; kw < g.kw; kw++) {
                    int row = cOff + ((c * g.kh + kh) * g.kw + kw) * ld;
                    int dh = kh * s.dilationH() - s.padH(), dw = kw * s.dilationW() - s.padW();
                    int ohLo = Math.max(oh0, validLo(dh, sh, g.oh)), ohHi = Math.min(oh1, validHi(dh, sh, g.h, g.oh, ohLo));
                    int owLo = validLo(dw, sw, g.ow), owHi = validHi(dw, sw, g.w, g.ow, owLo);
                    if (ohLo >= ohHi || owLo >= owHi) continue;
                    if (runs != null) {
                        int q0 = (ohLo - oh0) * g.ow + owLo, q1 = (ohHi - 1 - oh0) * g.ow + owHi;
                        addRun(cols, row, gi, giBase + c * gs[1] + (oh0 * sh + dh) * gs[2] + dw, q0, q1, runs.inside[kw]);
                        continue;
                    }
                    for (int oh = ohLo; oh < ohHi; oh++) {
                        int src = row + (oh - oh0) * g.ow;
                        int dst = giBase + c * gs[1] + (oh * sh + dh) * gs[2] + (owLo * sw + dw) * gs[3];
                        if (step == 1) {
                            int d0 = dst - owLo;    // a plain loop C2 vectorises
                            for (int ow = owLo; ow < owHi; ow++) gi[d0 + ow] += cols[src + ow];
                        } else {
                            for (int ow = owLo; ow < owHi; ow++, dst += step) gi[dst] += cols[src + ow];
                        }
                    }
                }
    }

    private static void col2imD(Geo g, Runs runs, double[] cols, int cOff, int ld, int oh0, int oh1, double[] gi, int giBase, int[] gs, int c0, int c1) {
        Conv2dSpec s = g.s;
        int sh = s.strideH(), sw = s.strideW(), step = sw * gs[3];
        for (int c = c0; c < c1; c++)
            for (int kh = 0; kh < g.kh; kh++)
                for (int kw = 0; kw < g.kw; kw++) {
                    int row = cOff + ((c * g.kh + kh) * g.kw + kw) * ld;
                    int dh = kh * s.dilationH() - s.padH(), dw = kw * s.dilationW() - s.padW();
                    int ohLo = Math.max(oh0, validLo(dh, sh, g.oh)), ohHi = Math.min(oh1, validHi(dh, sh, g.h, g.oh, ohLo));
                    int owLo = validLo(dw, sw, g.ow), owHi = validHi(dw, sw, g.w, g.ow, owLo);
                    if (ohLo >= ohHi || owLo >= owHi) continue;
                    if (runs != null) {
                        int q0 = (ohLo - oh0) * g.ow + owLo, q1 = (ohHi - 1 - oh0) * g.ow + owHi;
                        addRun(cols, row, gi, giBase + c * gs[1] + (oh0 * sh + dh) * gs[2] + dw, q0, q1, runs.inside[kw]);
                        continue;
                    }
                    for (int oh = ohLo; oh < ohHi; oh++) {
                        int src = row + (oh - oh0) * g.ow;
                        int dst = giBase + c * gs[1] + (oh * sh + dh) * gs[2] + (owLo * sw + dw) * gs[3];
                        if (step == 1) {
                            int d0 = dst - owLo;
                            for (int ow = owLo; ow < owHi; ow++) gi[d0 + ow] += cols[src + ow];
                        } else {
                            for (int ow = owLo; ow < owHi; ow++, dst += step) gi[dst] += cols[src + ow];
                        }
                    }
                }
    }

    /** gi[dQ + q] += cols[row + q] for q in [q0, q1) where {@code inside} (when not null) is true. */
    private static void addRun(float[] cols, int row, float[] gi, int dQ, int q0, int q1, boolean[] inside) {
        int q = q0;
        if (inside == null) {
            for (; q <= q1 - FL; q += FL)
                FloatVector.fromArray(F, gi, dQ + q).add(FloatVector.fromArray(F, cols, row + q)).intoArray(gi, dQ + q);
        } else {
            for (; q <= q1 - FL; q += FL)
                FloatVector.fromArray(F, gi, dQ + q).add(FloatVector.fromArray(F, cols, row + q), VectorMask.fromArray(F, inside, q))
                        .intoArray(gi, dQ + q);
        }
        for (; q < q1; q++) if (inside == null || inside[q]) gi[dQ + q] += cols[row + q];
    }

    private static void addRun(double[] cols, int row, double[] gi, int dQ, int q0, int q1, boolean[] inside) {
        int q = q0;
        if (inside == null) {
            for (; q <= q1 - DL; q += DL)
                DoubleVector.fromArray(D, gi, dQ + q).add(DoubleVector.fromArray(D, cols, row + q)).intoArray(gi, dQ + q);
        } else {
            for (; q <= q1 - DL; q += DL)
                DoubleVector.fromArray(D, gi, dQ + q).add(DoubleVector.fromArray(D, cols, row + q), VectorMask.fromArray(D, inside, q))
                        .intoArray(gi, dQ + q);
        }
        for (; q < q1; q++) if (inside == null || inside[q]) gi[dQ + q] += cols[row + q];
    }

    /** The first output column whose input column {@code ow * stride + dw} is not left of the image. */
    private static int validLo(int dw, int stride, int ow) {
        return Math.min(ow, Math.max(0, Math.ceilDiv(-dw, stride)));
    }

    /** One past the last output column whose input column lies inside an image of width {@code w}. */
    private static int validHi(int dw, int stride, int w, int ow, int lo) {
        return Math.max(lo, Math.min(ow, Math.floorDiv(w - 1 - dw, stride) + 1));
    }

    // =============================================================================================
    // helpers
    // =============================================================================================

    /** The spatial plane of an [N, C, H, W] tensor is one run of unit stride. */
    private static boolean planeIsUnitStride(int[] strides, int h, int w) {
        return (w == 1 || strides[3] == 1) && (h == 1 || strides[2] == w);
    }

    private static void gemm(int m, int n, int k, Object a, int aOff, int aRs, int aCs, Object b, int bOff, int bRs, int bCs,
                             Object c, int cOff, int ldc, boolean accumulate) {
        if (c instanceof float[] cf) Gemm.sgemm(m, n, k, (float[]) a, aOff, aRs, aCs, (float[]) b, bOff, bRs, bCs, cf, cOff, ldc, accumulate);
        else Gemm.dgemm(m, n, k, (double[]) a, aOff, aRs, aCs, (double[]) b, bOff, bRs, bCs, (double[]) c, cOff, ldc, accumulate);
    }

    /** This thread's buffer {@code which} with room for {@code size} elements (grown, never shrunk). */
    private static Object buffer(DType type, int which, int size) {
        if (type == DType.F32) {
            float[][] holder = F_BUF.get();
            if (holder[which].length < size) holder[which] = new float[size];
            return holder[which];
        }
        double[][] holder = D_BUF.get();
        if (holder[which].length < size) holder[which] = new double[size];
        return holder[which];
    }

    private static Object newArray(DType type, int size) {
        return type == DType.F32 ? new float[size] : new double[size];
    }

    private static void zeroImage(Object a, int base, int[] s, int c, int h, int w) {
        for (int ci = 0; ci < c; ci++)
            for (int hi = 0; hi < h; hi++) {
                int row = base + ci * s[1] + hi * s[2];
                if (s[3] == 1) {
                    if (a instanceof float[] f) Arrays.fill(f, row, row + w, 0f);
                    else Arrays.fill((double[]) a, row, row + w, 0d);
                } else {
                    for (int wi = 0; wi < w; wi++) {
                        if (a instanceof float[] f) f[row + wi * s[3]] = 0f;
                        else ((double[]) a)[row + wi * s[3]] = 0d;
                    }
                }
            }
    }

    private static void addInto(Object src, Object dst, int dstOff, int n) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int i = 0; i < n; i++) d[dstOff + i] += s[i];
        } else {
            double[] s = (double[]) src, d = (double[]) dst;
            for (int i = 0; i < n; i++) d[dstOff + i] += s[i];
        }
    }

    /** An F32 4-D tensor as DirectConv reads and writes it: its storage, offset and strides. */
    private static DirectConv.View view(Operand t) {
        return new DirectConv.View((float[]) CpuBackend.array(t), t.offset(), t.strides());
    }

    /** An array holding a tensor's elements in row-major order from {@code offset}. */
    private record Dense(Object array, int offset) {}

    /** A 4-D tensor's elements in row-major order: its own storage when contiguous, else a copy. */
    private static Dense dense(Operand t) {
        if (t.isContiguous()) return new Dense(CpuBackend.array(t), t.offset());
        int[] d = t.shape().dims(), s = t.strides();
        Object src = CpuBackend.array(t);
        int n = (int) t.numel();
        Object dst = newArray(t.dtype(), n);
        int i = 0;
        for (int a = 0; a < d[0]; a++)
            for (int b = 0; b < d[1]; b++)
                for (int c = 0; c < d[2]; c++)
                    for (int e = 0; e < d[3]; e++, i++) {
                        int idx = t.offset() + a * s[0] + b * s[1] + c * s[2] + e * s[3];
                        if (dst instanceof float[] f) f[i] = ((float[]) src)[idx];
                        else ((double[]) dst)[i] = ((double[]) src)[idx];
                    }
        return new Dense(dst, 0);
    }

    /** Copies a row-major array into a 4-D tensor of any strides. */
    private static void scatterDense(Object src, Operand t) {
        int[] d = t.shape().dims(), s = t.strides();
        Object dst = CpuBackend.array(t);
        int i = 0;
        for (int a = 0; a < d[0]; a++)
            for (int b = 0; b < d[1]; b++)
                for (int c = 0; c < d[2]; c++)
                    for (int e = 0; e < d[3]; e++, i++) {
                        int idx = t.offset() + a * s[0] + b * s[1] + c * s[2] + e * s[3];
                        if (dst instanceof float[] f) f[idx] = ((float[]) src)[i];
                        else ((double[]) dst)[idx] = ((double[]) src)[i];
                    }
    }
}
