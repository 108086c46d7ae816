package dev.galvani.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stride-1 F32 convolution without im2col: the forward, the input gradient and the weight gradient
 * read the input straight from a zero-padded copy of a few images, so no [C·kH·kW, pixels] column
 * matrix is ever written, and nothing is packed per GEMM call.
 *
 * <h2>The flat padded layout</h2>
 * A chunk of {@code count} images of one group is copied channel by channel into a buffer where each
 * image is a {@code R x Wp} frame ({@code Wp = max(W + padW, outW)}, {@code R = max(H + padH, outH)}):
 * padH zero rows, then the H input rows, each after padW zeros and followed by zeros up to Wp, then
 * zeros up to the next frame.
 * Image b's frame starts at row {@code b·R}; its bottom padding is the next frame's top padding.
 * Output pixel (b, oh, ow) is given the flat index {@code q = (b·R + oh)·Wp + ow}, and then for kernel
 * tap (c, i, j) its input sits at {@code c·S + q + i·dilH·Wp + j·dilW} (S is the channel stride of
 * the buffer): one fixed offset per tap, the same for every pixel. So a run of consecutive q is one
 * unaligned vector load per tap, whatever the image size, and the product is a GEMM whose B operand
 * ([taps, q]) is read in place. The price is the q that are not pixels: the columns {@code ow ≥ outW}
 * and the rows {@code oh ≥ outH} of each frame, computed and thrown away by the forward (the weight
 * gradient walks the pixels only). Rows share their padding columns as images share their padding rows
 * ({@code Wp = W + padW}: a row's right padding is the next one's left), which leaves 1 - 196/225 =
 * 13 % of such q on 14 x 14 images with padding 1, 7 % on 28 x 28, 3 % on 64 x 64.
 *
 * <h2>The three products</h2>
 * <pre>
 *   forward      out[o, q]  = sum over taps t of W[o, t] · X[t, q]            tiles of MR channels x NV vectors of q
 *   input grad   the forward of gradOut with W'[c, o, i, j] = W[o, c, kH-1-i, kW-1-j] and padding
 *                dil·(k-1) - pad (a stride-1 transposed convolution is a convolution)
 *   weight grad  gradW^T[t, o] = sum over pixels p of X[t, pos(p)] · G^T[p, o]  tiles of taps x vectors of o
 * </pre>
 * The forward tile keeps MR x NV = 4 x 6 vectors of sums in registers (24 of 32 zmm) and per tap
 * loads NV vectors of X and broadcasts MR weights, like {@link Gemm}'s micro-kernel but with B read
 * from the padded images. The weight gradient runs over the output pixels only, with the gradient
 * transposed to pixels x channels so that its vectors run along the output channels and X's elements
 * are broadcast (see weightGrad): the same kind of tile, no horizontal sums, no padding positions.
 *
 * <h2>Threads and reproducibility</h2>
 * Forward and input gradient: chunks of images are tasks; every output's sum runs over the taps in
 * one fixed order, so the result does not depend on the split at all. Weight gradient: the batch is
 * cut into one contiguous part per thread (the thread count fixes the cut), each part sums its pixels
 * in order into its own array, and the parts are added in order. {@link ConvKernels} decides when
 * this class takes a convolution (see {@code ConvKernels.CostModel}).
 */
final class DirectConv {

    private DirectConv() {}

    private static final VectorSpecies<Float> F = Simd.F;
    private static final int FL = Simd.FL;

    /** Output channels of a forward tile. */
    static final int MR = 4;
    /** Pixel vectors of a forward tile. */
    static final int NV = 6;
    /** Pixels of a forward tile. */
    static final int TW = NV * FL;
    /** The fewest output channels per group the weight gradient takes (a tile spans 2 or 4 vectors of them). */
    static final int GO = 4;
    /** Pixels per block of the weight gradient (16 KiB of the transposed gradient at 64 channels: L1). */
    static final int PIXEL_BLOCK = 64;
    /** Floats of input that the tiles of one sweep may read (24 KiB: half of L1, the rest for the weight block). */
    static final int L1_FLOATS = 6 * 1024;
    /** Floats a chunk's padded images may take (1 MiB), so that they stay in L2 while the tiles sweep them. */
    static final int CHUNK_FLOATS = 1 << 18;

    /** Buffer slots of a thread: the padded input; the output frames (forward) or the transposed gradient (weight gradient). */
    private static final int XP = 0, YP = 1;
    private static final ThreadLocal<float[][]> BUF = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[0]});

    /**
     * A stride-1 convolution: input [n, cin, h, w], weight [cout, cin/groups, kh, kw], output
     * [n, cout, outH, outW]. Padding is the same on both sides of a dimension.
     */
    record Geometry(int n, int cin, int h, int w, int cout, int groups, int kh, int kw, int padH, int padW, int dilH, int dilW) {

        int cg() { return cin / groups; }

        int og() { return cout / groups; }

        int taps() { return cg() * kh * kw; }

        int outH() { return h + 2 * padH - dilH * (kh - 1); }

        int outW() { return w + 2 * padW - dilW * (kw - 1); }

        /**
         * The row stride of the flat layout: each row's right padding is the next row's left padding,
         * so a row needs only W + padW positions, or outW where the output is wider than that.
         */
        int wp() { return Math.max(w + padW, outW()); }

        /** Rows of one image's frame: its padding on top, its rows, and room for all its output rows. */
        int frameRows() { return Math.max(h + padH, outH()); }

        int frame() { return frameRows() * wp(); }

        /** Flat positions of {@code count} images' frames, rounded up to whole forward tiles. */
        int positions(int count) { return Math.ceilDiv(count * frame(), TW) * TW; }

        /** The channel stride of a chunk's buffer: its positions plus the farthest tap's reach. */
        int channelStride(int count) { return positions(count) + (dilH * (kh - 1) + 1) * wp() + dilW * (kw - 1); }

        /**
         * Forward tiles per sweep of the output-channel blocks: as many as keep the input they read
         * (every channel's {@code count·TW} positions plus the kernel's reach) within L1_FLOATS, at
         * least one. The tiles of one sweep then read the input from L1 for every block of channels.
         */
        int tilesPerSweep() {
            long reach = (long) dilH * (kh - 1) * wp() + dilW * (kw - 1);
            return (int) Math.max(1, (L1_FLOATS / Math.max(1, cg()) - reach) / TW);
        }

        /** Of the flat positions, the fraction that are output pixels (the rest is computed for nothing). */
        double density() { return (double) outH() * outW() / frame(); }

        /**
         * Images per chunk: as many as keep the padded chunk within CHUNK_FLOATS, in a multiple of
         * {@code threads} chunks where the batch allows, so that no thread waits for another.
         */
        int chunkImages(int channels, int threads) {
            long perImage = Math.max(1L, (long) channels * frame());
            int byCache = (int) Math.clamp(CHUNK_FLOATS / perImage, 1, Math.max(1, n));
            int chunks = Math.min(Math.max(1, n), Math.ceilDiv(Math.ceilDiv(n, byCache), threads) * threads);
            return Math.max(1, Math.ceilDiv(n, chunks));
        }

        /** The input offset of every tap (c, i, j), in the order of the weight's rows. */
        int[] tapOffsets(int channelStride) {
            int[] off = new int[taps()];
            for (int c = 0, t = 0; c < cg(); c++)
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++, t++) off[t] = c * channelStride + i * dilH * wp() + j * dilW;
            return off;
        }
    }

    /** A 4-D F32 tensor in an array: element (a, b, c, d) is {@code a[off + a·s0 + b·s1 + c·s2 + d·s3]}. */
    record View(float[] a, int off, int[] s) {
        int at(int i0, int i1, int i2, int i3) { return off + i0 * s[0] + i1 * s[1] + i2 * s[2] + i3 * s[3]; }
    }

    // =============================================================================================
    // forward and input gradient
    // =============================================================================================

    /**
     * out = the convolution of x with the dense weight {@code w[cout, cg, kh, kw]} (from {@code wOff}).
     * @param x the input [n, cin, h, w]
     * @param out the output [n, cout, outH, outW], overwritten
     */
    static void forward(Geometry g, View x, float[] w, int wOff, View out) {
        int og = g.og(), taps = g.taps(), blocks = Math.ceilDiv(og, MR);
        float[] packed = packWeight(g, w, wOff, blocks);
        int per = g.chunkImages(g.cg(), Parallel.threads()), chunks = Math.ceilDiv(g.n, per);
        Parallel.forTasks(chunks * g.groups, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int chunk = t / g.groups, group = t % g.groups;
                int img0 = chunk * per, count = Math.min(g.n, img0 + per) - img0;
                int stride = g.channelStride(count), positions = g.positions(count);
                int[] tapOff = g.tapOffsets(stride);
                float[] xp = buffer(XP, g.cg() * stride);
                pad(g, x, img0, count, group * g.cg(), g.cg(), xp, stride);
                // Sweeps of a few tiles' positions: their input stays in L1 while every block of
                // channels passes over it (one block's weights, taps x MR, stay there too), and
                // their results, all channels' (in L2), are copied out at the end of the sweep.
                int sweep = g.tilesPerSweep() * TW;
                float[] frames = buffer(YP, blocks * MR * sweep);
                for (int q0 = 0; q0 < positions; q0 += sweep) {
                    int q1 = Math.min(positions, q0 + sweep);
                    for (int b = 0; b < blocks; b++) {
                        int wIdx = (group * blocks + b) * taps * MR;
                        for (int q = q0; q < q1; q += TW) tile(taps, packed, wIdx, tapOff, xp, q, frames, b * MR * sweep + q - q0, sweep);
                    }
                    unpad(g, frames, sweep, q0, q1, img0, count, group * og, og, out);
                }
            }
        });
    }

    /**
     * The weight as the forward tiles read it: per group and block of MR output channels, [taps][MR]
     * with zeros for the channels past the group's last.
     */
    private static float[] packWeight(Geometry g, float[] w, int wOff, int blocks) {
        int taps = g.taps(), og = g.og();
        float[] p = new float[g.groups * blocks * taps * MR];
        for (int gi = 0; gi < g.groups; gi++)
            for (int o = 0; o < og; o++) {
                int base = ((gi * blocks + o / MR) * taps) * MR + o % MR, src = wOff + (gi * og + o) * taps;
                for (int t = 0; t < taps; t++) p[base + t * MR] = w[src + t];
            }
        return p;
    }

    /**
     * The input gradient of a stride-1 convolution as the forward of gradOut with the flipped,
     * transposed weight (see the class comment). Needs {@code dil·(k-1) ≥ pad} in both dimensions.
     * @param g the geometry of the convolution whose gradient this is
     * @param gradOut [n, cout, outH, outW]
     * @param w the dense weight [cout, cg, kh, kw] from {@code wOff}
     * @param gradIn [n, cin, h, w], overwritten
     */
    static void inputGrad(Geometry g, View gradOut, float[] w, int wOff, View gradIn) {
        Geometry t = transposed(g);
        int og = g.og(), cg = g.cg(), kk = g.kh * g.kw;
        // W'[gi·cg + c, o, i, j] = W[gi·og + o, c, kh-1-i, kw-1-j].
        float[] wt = new float[g.cin * og * kk];
        for (int gi = 0; gi < g.groups; gi++)
            for (int o = 0; o < og; o++)
                for (int c = 0; c < cg; c++)
                    for (int i = 0; i < g.kh; i++)
                        for (int j = 0; j < g.kw; j++)
                            wt[(((gi * cg + c) * og + o) * g.kh + i) * g.kw + j] =
                                    w[wOff + (((gi * og + o) * cg + c) * g.kh + g.kh - 1 - i) * g.kw + g.kw - 1 - j];
        forward(t, gradOut, wt, 0, gradIn);
    }

    /** The convolution whose forward is g's input gradient: gradOut in, gradIn out. */
    static Geometry transposed(Geometry g) {
        return new Geometry(g.n, g.cout, g.outH(), g.outW(), g.cin, g.groups, g.kh, g.kw,
                g.dilH * (g.kh - 1) - g.padH, g.dilW * (g.kw - 1) - g.padW, g.dilH, g.dilW);
    }

    /**
     * Copies images [img0, img0 + count) of channels [c0, c0 + channels) into dst in the flat padded
     * layout (channel c at {@code c·stride}), zero everywhere else.
     */
    private static void pad(Geometry g, View x, int img0, int count, int c0, int channels, float[] dst, int stride) {
        int wp = g.wp(), rows = g.frameRows();
        for (int c = 0; c < channels; c++) {
            // Each element written once: the zeros between one input row and the next, then the row.
            int end = c * stride;
            for (int b = 0; b < count; b++)
                for (int ih = 0; ih < g.h; ih++) {
                    int d = c * stride + ((b * rows) + g.padH + ih) * wp + g.padW, s = x.at(img0 + b, c0 + c, ih, 0);
                    for (int k = end; k < d; k++) dst[k] = 0f;     // 1 or 2 zeros on a small CNN: a call would cost more
                    if (x.s[3] == 1) {
                        copyRun(x.a, s, dst, d, g.w);
                    } else {
                        for (int iw = 0; iw < g.w; iw++) dst[d + iw] = x.a[s + iw * x.s[3]];
                    }
                    end = d + g.w;
                }
            Arrays.fill(dst, end, (c + 1) * stride, 0f);
        }
    }

    /**
     * Copies the pixels among the flat positions [q0, q1) of the output frames (position q of channel
     * r at {@code frames[r·ld + q - q0]}) to channels [o0, o0 + rows) of out.
     */
    private static void unpad(Geometry g, float[] frames, int ld, int q0, int q1, int img0, int count, int o0, int rows, View out) {
        int wp = g.wp(), fr = g.frameRows(), oh = g.outH(), ow = g.outW();
        for (int line = q0 / wp; line * wp < q1; line++) {
            int b = line / fr, y = line % fr;
            if (b >= count) break;
            if (y >= oh) continue;
            int x0 = Math.max(0, q0 - line * wp), x1 = Math.min(ow, q1 - line * wp);
            if (x0 >= x1) continue;
            int s = line * wp + x0 - q0;
            for (int r = 0; r < rows; r++) {
                int d = out.at(img0 + b, o0 + r, y, x0), src = r * ld + s;
                if (out.s[3] == 1) {
                    copyRun(frames, src, out.a, d, x1 - x0);
                } else {
                    for (int x = 0; x < x1 - x0; x++) out.a[d + x * out.s[3]] = frames[src + x];
                }
            }
        }
    }

    /**
     * The forward micro-kernel: {@code c[r, q0 + p]} (row stride ldc, from cIdx) = the sum over taps t of
     * {@code wp[wIdx + t·MR + r] · x[q0 + tapOff[t] + p]} for r in [0, MR) and p in [0, TW). Four
     * broadcast weights and six vectors of input per tap: 4 x 6 measured 6 % faster than 8 x 3 in L1
     * (170 against 160 GFLOP/s on one core), having fewer broadcasts per multiply-add.
     */
    static void tile(int taps, float[] wp, int wIdx, int[] tapOff, float[] x, int q0,
                        float[] c, int cIdx, int ldc) {
        // Everything stays in this one method, accumulators in locals (see Gemm's micro-kernel).
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c04 = z, c05 = z, c10 = z, c11 = z, c12 = z, c13 = z, c14 = z, c15 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c24 = z, c25 = z, c30 = z, c31 = z, c32 = z, c33 = z, c34 = z, c35 = z;
        for (int t = 0; t < taps; t++) {
            int xi = q0 + tapOff[t], wi = wIdx + t * MR;
            FloatVector a0 = FloatVector.broadcast(F, wp[wi]);
            FloatVector a1 = FloatVector.broadcast(F, wp[wi + 1]);
            FloatVector a2 = FloatVector.broadcast(F, wp[wi + 2]);
            FloatVector a3 = FloatVector.broadcast(F, wp[wi + 3]);
            FloatVector b;
            b = FloatVector.fromArray(F, x, xi);          c00 = a0.fma(b, c00); c10 = a1.fma(b, c10); c20 = a2.fma(b, c20); c30 = a3.fma(b, c30);
            b = FloatVector.fromArray(F, x, xi + FL);     c01 = a0.fma(b, c01); c11 = a1.fma(b, c11); c21 = a2.fma(b, c21); c31 = a3.fma(b, c31);
            b = FloatVector.fromArray(F, x, xi + 2 * FL); c02 = a0.fma(b, c02); c12 = a1.fma(b, c12); c22 = a2.fma(b, c22); c32 = a3.fma(b, c32);
            b = FloatVector.fromArray(F, x, xi + 3 * FL); c03 = a0.fma(b, c03); c13 = a1.fma(b, c13); c23 = a2.fma(b, c23); c33 = a3.fma(b, c33);
            b = FloatVector.fromArray(F, x, xi + 4 * FL); c04 = a0.fma(b, c04); c14 = a1.fma(b, c14); c24 = a2.fma(b, c24); c34 = a3.fma(b, c34);
            b = FloatVector.fromArray(F, x, xi + 5 * FL); c05 = a0.fma(b, c05); c15 = a1.fma(b, c15); c25 = a2.fma(b, c25); c35 = a3.fma(b, c35);
        }
        int r0 = cIdx, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        c00.intoArray(c, r0); c01.intoArray(c, r0 + FL); c02.intoArray(c, r0 + 2 * FL); c03.intoArray(c, r0 + 3 * FL); c04.intoArray(c, r0 + 4 * FL); c05.intoArray(c, r0 + 5 * FL);
        c10.intoArray(c, r1); c11.intoArray(c, r1 + FL); c12.intoArray(c, r1 + 2 * FL); c13.intoArray(c, r1 + 3 * FL); c14.intoArray(c, r1 + 4 * FL); c15.intoArray(c, r1 + 5 * FL);
        c20.intoArray(c, r2); c21.intoArray(c, r2 + FL); c22.intoArray(c, r2 + 2 * FL); c23.intoArray(c, r2 + 3 * FL); c24.intoArray(c, r2 + 4 * FL); c25.intoArray(c, r2 + 5 * FL);
        c30.intoArray(c, r3); c31.intoArray(c, r3 + FL); c32.intoArray(c, r3 + 2 * FL); c33.intoArray(c, r3 + 3 * FL); c34.intoArray(c, r3 + 4 * FL); c35.intoArray(c, r3 + 5 * FL);
    }

    // =============================================================================================
    // weight gradient
    // =============================================================================================

    /**
     * gradW[o, c, i, j] = the sum over images and output pixels of gradOut[n, o, y, x] · x[n, c, y + i·dilH - padH, x + j·dilW - padW].
     *
     * <p>As {@code gradW^T[t, o] = sum over pixels p of X[t, p] · G^T[p, o]}: gradOut transposed to
     * pixels x channels ({@code gT}) gives vectors along the output channels, and each tap's input at
     * pixel p is one element of the padded chunk ({@code xp[tapOff[t] + pos[p]]}), broadcast. So the
     * tile has the forward's shape (broadcasts times aligned vectors, whole sums in registers, no
     * horizontal reduction) and walks only the pixels, none of the flat layout's padding. Tiles are
     * 6 taps x 4 vectors of channels, or 12 x 2 when a group has at most 2 vectors of them.
     * @param x the input [n, cin, h, w]
     * @param gradOut [n, cout, outH, outW]
     * @param gradW the dense weight gradient [cout, cg, kh, kw] from {@code wOff}, overwritten
     */
    static void weightGrad(Geometry g, View x, View gradOut, float[] gradW, int wOff) {
        int og = g.og(), taps = g.taps(), pixels = g.outH() * g.outW();
        boolean wide = og > 2 * FL;
        int oTile = (wide ? 4 : 2) * FL, tTile = wide ? 6 : 12;
        int ogPad = Math.ceilDiv(og, oTile) * oTile, tapsPad = Math.ceilDiv(taps, tTile) * tTile;
        int block = tapsPad * ogPad;                 // one group's gradW^T
        int parts = Math.min(g.n, Parallel.threads());
        float[][] acc = new float[parts][g.groups * block];
        // Chunks hold the padded input and the transposed gradient of a few images (within L2).
        long perImage = (long) g.cg() * g.frame() + (long) pixels * ogPad;
        int per = (int) Math.clamp(CHUNK_FLOATS / Math.max(1L, perImage), 1, Math.max(1, g.n));
        Parallel.forTasks(parts, (p0, p1) -> {
            for (int part = p0; part < p1; part++) {
                int first = (int) ((long) g.n * part / parts), last = (int) ((long) g.n * (part + 1) / parts);
                for (int img0 = first; img0 < last; img0 += per) {
                    int count = Math.min(per, last - img0), all = count * pixels;
                    int stride = g.channelStride(count);
                    int[] tapOff = Arrays.copyOf(g.tapOffsets(stride), tapsPad);   // padding taps read tap 0, thrown away
                    int[] pos = pixelPositions(g, count);
                    float[] xp = buffer(XP, g.cg() * stride), gT = buffer(YP, all * ogPad);
                    for (int gi = 0; gi < g.groups; gi++) {
                        pad(g, x, img0, count, gi * g.cg(), g.cg(), xp, stride);
                        transposeGradient(g, gradOut, img0, count, gi * og, og, ogPad, gT);
                        // Blocks of PIXEL_BLOCK pixels: their rows of gT stay in L1 while every tap passes.
                        for (int q0 = 0; q0 < all; q0 += PIXEL_BLOCK) {
                            int q1 = Math.min(all, q0 + PIXEL_BLOCK);
                            for (int o = 0; o < ogPad; o += oTile)
                                for (int t = 0; t < tapsPad; t += tTile) {
                                    int aIdx = gi * block + t * ogPad + o;
                                    if (wide) gradTile6x4(q0, q1, pos, xp, tapOff, t, gT, o, ogPad, acc[part], aIdx, ogPad);
                                    else gradTile12x2(q0, q1, pos, xp, tapOff, t, gT, o, ogPad, acc[part], aIdx, ogPad);
                                }
                        }
                    }
                }
            }
        });
        // gradW = the parts added in a fixed order.
        for (int gi = 0; gi < g.groups; gi++)
            for (int o = 0; o < og; o++)
                for (int t = 0; t < taps; t++) {
                    int l = gi * block + t * ogPad + o;
                    float sum = 0f;
                    for (float[] part : acc) sum += part[l];
                    gradW[wOff + (gi * og + o) * taps + t] = sum;
                }
    }

    /** The flat position of each output pixel (b, y, x) of {@code count} images, in that order. */
    private static int[] pixelPositions(Geometry g, int count) {
        int oh = g.outH(), ow = g.outW(), wp = g.wp(), rows = g.frameRows();
        int[] pos = new int[count * oh * ow];
        for (int b = 0, p = 0; b < count; b++)
            for (int y = 0; y < oh; y++)
                for (int xi = 0; xi < ow; xi++, p++) pos[p] = (b * rows + y) * wp + xi;
        return pos;
    }

    /**
     * gradOut's channels [o0, o0 + og) of images [img0, img0 + count), pixels x channels:
     * {@code dst[p·ogPad + o]} for pixel p = (b, y, x), zero for the channels from og to ogPad.
     */
    private static void transposeGradient(Geometry g, View go, int img0, int count, int o0, int og, int ogPad, float[] dst) {
        int oh = g.outH(), ow = g.outW(), pixels = oh * ow;
        if (og < ogPad)
            for (int p = 0; p < count * pixels; p++) Arrays.fill(dst, p * ogPad + og, (p + 1) * ogPad, 0f);
        // Pixel by pixel, so that the writes run along dst, FL channels at a time gathered in one
        // vector (the og rows read stay in L1, a line each).
        int cs = go.s[1], full = og / FL * FL;
        int[] lanes = new int[FL];
        for (int i = 0; i < FL; i++) lanes[i] = i * cs;
        for (int b = 0; b < count; b++)
            for (int y = 0; y < oh; y++)
                for (int xi = 0; xi < ow; xi++) {
                    int s = go.at(img0 + b, o0, y, xi), d = (b * pixels + y * ow + xi) * ogPad, o = 0;
                    for (; o < full; o += FL) FloatVector.fromArray(F, go.a, s + o * cs, lanes, 0).intoArray(dst, d + o);
                    for (; o < og; o++) dst[d + o] = go.a[s + o * cs];
                }
    }

    /**
     * A weight-gradient micro-kernel, 6 taps x 4 vectors of channels: for the taps from {@code t0}
     * and the channels from {@code o0}, the sums over pixels p in [p0, p1) of
     * {@code xp[tapOff[t] + pos[p]] · gT[p·gLd + o]}, added to {@code acc[aIdx + i·aLd + o - o0]} for
     * tap {@code t0 + i}.
     */
    static void gradTile6x4(int p0, int p1, int[] pos, float[] xp, int[] tapOff, int t0, float[] gT, int o0, int gLd,
                              float[] acc, int aIdx, int aLd) {
        int x0 = tapOff[t0 + 0], x1 = tapOff[t0 + 1], x2 = tapOff[t0 + 2], x3 = tapOff[t0 + 3], x4 = tapOff[t0 + 4], x5 = tapOff[t0 + 5];
        FloatVector z = FloatVector.zero(F);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s10 = z, s11 = z, s12 = z, s13 = z, s20 = z, s21 = z, s22 = z, s23 = z;
        FloatVector s30 = z, s31 = z, s32 = z, s33 = z, s40 = z, s41 = z, s42 = z, s43 = z, s50 = z, s51 = z, s52 = z, s53 = z;
        for (int p = p0; p < p1; p++) {
            int q = pos[p], gi = p * gLd + o0;
            FloatVector b0 = FloatVector.fromArray(F, gT, gi);
            FloatVector b1 = FloatVector.fromArray(F, gT, gi + 1 * FL);
            FloatVector b2 = FloatVector.fromArray(F, gT, gi + 2 * FL);
            FloatVector b3 = FloatVector.fromArray(F, gT, gi + 3 * FL);
            FloatVector a;
            a = FloatVector.broadcast(F, xp[x0 + q]); s00 = a.fma(b0, s00); s01 = a.fma(b1, s01); s02 = a.fma(b2, s02); s03 = a.fma(b3, s03);
            a = FloatVector.broadcast(F, xp[x1 + q]); s10 = a.fma(b0, s10); s11 = a.fma(b1, s11); s12 = a.fma(b2, s12); s13 = a.fma(b3, s13);
            a = FloatVector.broadcast(F, xp[x2 + q]); s20 = a.fma(b0, s20); s21 = a.fma(b1, s21); s22 = a.fma(b2, s22); s23 = a.fma(b3, s23);
            a = FloatVector.broadcast(F, xp[x3 + q]); s30 = a.fma(b0, s30); s31 = a.fma(b1, s31); s32 = a.fma(b2, s32); s33 = a.fma(b3, s33);
            a = FloatVector.broadcast(F, xp[x4 + q]); s40 = a.fma(b0, s40); s41 = a.fma(b1, s41); s42 = a.fma(b2, s42); s43 = a.fma(b3, s43);
            a = FloatVector.broadcast(F, xp[x5 + q]); s50 = a.fma(b0, s50); s51 = a.fma(b1, s51); s52 = a.fma(b2, s52); s53 = a.fma(b3, s53);
        }
        int r0 = aIdx + 0 * aLd;
        int r1 = aIdx + 1 * aLd;
        int r2 = aIdx + 2 * aLd;
        int r3 = aIdx + 3 * aLd;
        int r4 = aIdx + 4 * aLd;
        int r5 = aIdx + 5 * aLd;
        s00.add(FloatVector.fromArray(F, acc, r0)).intoArray(acc, r0);
        s01.add(FloatVector.fromArray(F, acc, r0 + 1 * FL)).intoArray(acc, r0 + 1 * FL);
        s02.add(FloatVector.fromArray(F, acc, r0 + 2 * FL)).intoArray(acc, r0 + 2 * FL);
        s03.add(FloatVector.fromArray(F, acc, r0 + 3 * FL)).intoArray(acc, r0 + 3 * FL);
        s10.add(FloatVector.fromArray(F, acc, r1)).intoArray(acc, r1);
        s11.add(FloatVector.fromArray(F, acc, r1 + 1 * FL)).intoArray(acc, r1 + 1 * FL);
        s12.add(FloatVector.fromArray(F, acc, r1 + 2 * FL)).intoArray(acc, r1 + 2 * FL);
        s13.add(FloatVector.fromArray(F, acc, r1 + 3 * FL)).intoArray(acc, r1 + 3 * FL);
        s20.add(FloatVector.fromArray(F, acc, r2)).intoArray(acc, r2);
        s21.add(FloatVector.fromArray(F, acc, r2 + 1 * FL)).intoArray(acc, r2 + 1 * FL);
        s22.add(FloatVector.fromArray(F, acc, r2 + 2 * FL)).intoArray(acc, r2 + 2 * FL);
        s23.add(FloatVector.fromArray(F, acc, r2 + 3 * FL)).intoArray(acc, r2 + 3 * FL);
        s30.add(FloatVector.fromArray(F, acc, r3)).intoArray(acc, r3);
        s31.add(FloatVector.fromArray(F, acc, r3 + 1 * FL)).intoArray(acc, r3 + 1 * FL);
        s32.add(FloatVector.fromArray(F, acc, r3 + 2 * FL)).intoArray(acc, r3 + 2 * FL);
        s33.add(FloatVector.fromArray(F, acc, r3 + 3 * FL)).intoArray(acc, r3 + 3 * FL);
        s40.add(FloatVector.fromArray(F, acc, r4)).intoArray(acc, r4);
        s41.add(FloatVector.fromArray(F, acc, r4 + 1 * FL)).intoArray(acc, r4 + 1 * FL);
        s42.add(FloatVector.fromArray(F, acc, r4 + 2 * FL)).intoArray(acc, r4 + 2 * FL);
        s43.add(FloatVector.fromArray(F, acc, r4 + 3 * FL)).intoArray(acc, r4 + 3 * FL);
        s50.add(FloatVector.fromArray(F, acc, r5)).intoArray(acc, r5);
        s51.add(FloatVector.fromArray(F, acc, r5 + 1 * FL)).intoArray(acc, r5 + 1 * FL);
        s52.add(FloatVector.fromArray(F, acc, r5 + 2 * FL)).intoArray(acc, r5 + 2 * FL);
        s53.add(FloatVector.fromArray(F, acc, r5 + 3 * FL)).intoArray(acc, r5 + 3 * FL);
    }

    /**
     * A weight-gradient micro-kernel, 12 taps x 2 vectors of channels: for the taps from {@code t0}
     * and the channels from {@code o0}, the sums over pixels p in [p0, p1) of
     * {@code xp[tapOff[t] + pos[p]] · gT[p·gLd + o]}, added to {@code acc[aIdx + i·aLd + o - o0]} for
     * tap {@code t0 + i}.
     */
    static void gradTile12x2(int p0, int p1, int[] pos, float[] xp, int[] tapOff, int t0, float[] gT, int o0, int gLd,
                              float[] acc, int aIdx, int aLd) {
        int x0 = tapOff[t0 + 0], x1 = tapOff[t0 + 1], x2 = tapOff[t0 + 2], x3 = tapOff[t0 + 3], x4 = tapOff[t0 + 4], x5 = tapOff[t0 + 5], x6 = tapOff[t0 + 6], x7 = tapOff[t0 + 7], x8 = tapOff[t0 + 8], x9 = tapOff[t0 + 9], x10 = tapOff[t0 + 10], x11 = tapOff[t0 + 11];
        FloatVector z = FloatVector.zero(F);
        FloatVector s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z, s40 = z, s41 = z, s50 = z, s51 = z;
        FloatVector s60 = z, s61 = z, s70 = z, s71 = z, s80 = z, s81 = z, s90 = z, s91 = z, sa0 = z, sa1 = z, sb0 = z, sb1 = z;
        for (int p = p0; p < p1; p++) {
            int q = pos[p], gi = p * gLd + o0;
            FloatVector b0 = FloatVector.fromArray(F, gT, gi);
            FloatVector b1 = FloatVector.fromArray(F, gT, gi + 1 * FL);
            FloatVector a;
            a = FloatVector.broadcast(F, xp[x0 + q]); s00 = a.fma(b0, s00); s01 = a.fma(b1, s01);
            a = FloatVector.broadcast(F, xp[x1 + q]); s10 = a.fma(b0, s10); s11 = a.fma(b1, s11);
            a = FloatVector.broadcast(F, xp[x2 + q]); s20 = a.fma(b0, s20); s21 = a.fma(b1, s21);
            a = FloatVector.broadcast(F, xp[x3 + q]); s30 = a.fma(b0, s30); s31 = a.fma(b1, s31);
            a = FloatVector.broadcast(F, xp[x4 + q]); s40 = a.fma(b0, s40); s41 = a.fma(b1, s41);
            a = FloatVector.broadcast(F, xp[x5 + q]); s50 = a.fma(b0, s50); s51 = a.fma(b1, s51);
            a = FloatVector.broadcast(F, xp[x6 + q]); s60 = a.fma(b0, s60); s61 = a.fma(b1, s61);
            a = FloatVector.broadcast(F, xp[x7 + q]); s70 = a.fma(b0, s70); s71 = a.fma(b1, s71);
            a = FloatVector.broadcast(F, xp[x8 + q]); s80 = a.fma(b0, s80); s81 = a.fma(b1, s81);
            a = FloatVector.broadcast(F, xp[x9 + q]); s90 = a.fma(b0, s90); s91 = a.fma(b1, s91);
            a = FloatVector.broadcast(F, xp[x10 + q]); sa0 = a.fma(b0, sa0); sa1 = a.fma(b1, sa1);
            a = FloatVector.broadcast(F, xp[x11 + q]); sb0 = a.fma(b0, sb0); sb1 = a.fma(b1, sb1);
        }
        int r0 = aIdx + 0 * aLd;
        int r1 = aIdx + 1 * aLd;
        int r2 = aIdx + 2 * aLd;
        int r3 = aIdx + 3 * aLd;
        int r4 = aIdx + 4 * aLd;
        int r5 = aIdx + 5 * aLd;
        int r6 = aIdx + 6 * aLd;
        int r7 = aIdx + 7 * aLd;
        int r8 = aIdx + 8 * aLd;
        int r9 = aIdx + 9 * aLd;
        int ra = aIdx + 10 * aLd;
        int rb = aIdx + 11 * aLd;
        s00.add(FloatVector.fromArray(F, acc, r0)).intoArray(acc, r0);
        s01.add(FloatVector.fromArray(F, acc, r0 + 1 * FL)).intoArray(acc, r0 + 1 * FL);
        s10.add(FloatVector.fromArray(F, acc, r1)).intoArray(acc, r1);
        s11.add(FloatVector.fromArray(F, acc, r1 + 1 * FL)).intoArray(acc, r1 + 1 * FL);
        s20.add(FloatVector.fromArray(F, acc, r2)).intoArray(acc, r2);
        s21.add(FloatVector.fromArray(F, acc, r2 + 1 * FL)).intoArray(acc, r2 + 1 * FL);
        s30.add(FloatVector.fromArray(F, acc, r3)).intoArray(acc, r3);
        s31.add(FloatVector.fromArray(F, acc, r3 + 1 * FL)).intoArray(acc, r3 + 1 * FL);
        s40.add(FloatVector.fromArray(F, acc, r4)).intoArray(acc, r4);
        s41.add(FloatVector.fromArray(F, acc, r4 + 1 * FL)).intoArray(acc, r4 + 1 * FL);
        s50.add(FloatVector.fromArray(F, acc, r5)).intoArray(acc, r5);
        s51.add(FloatVector.fromArray(F, acc, r5 + 1 * FL)).intoArray(acc, r5 + 1 * FL);
        s60.add(FloatVector.fromArray(F, acc, r6)).intoArray(acc, r6);
        s61.add(FloatVector.fromArray(F, acc, r6 + 1 * FL)).intoArray(acc, r6 + 1 * FL);
        s70.add(FloatVector.fromArray(F, acc, r7)).intoArray(acc, r7);
        s71.add(FloatVector.fromArray(F, acc, r7 + 1 * FL)).intoArray(acc, r7 + 1 * FL);
        s80.add(FloatVector.fromArray(F, acc, r8)).intoArray(acc, r8);
        s81.add(FloatVector.fromArray(F, acc, r8 + 1 * FL)).intoArray(acc, r8 + 1 * FL);
        s90.add(FloatVector.fromArray(F, acc, r9)).intoArray(acc, r9);
        s91.add(FloatVector.fromArray(F, acc, r9 + 1 * FL)).intoArray(acc, r9 + 1 * FL);
        sa0.add(FloatVector.fromArray(F, acc, ra)).intoArray(acc, ra);
        sa1.add(FloatVector.fromArray(F, acc, ra + 1 * FL)).intoArray(acc, ra + 1 * FL);
        sb0.add(FloatVector.fromArray(F, acc, rb)).intoArray(acc, rb);
        sb1.add(FloatVector.fromArray(F, acc, rb + 1 * FL)).intoArray(acc, rb + 1 * FL);
    }

    /**
     * dst[d, d + n) = src[s, s + n) in vectors, the last one masked: image rows are short (14 pixels
     * on a small CNN's second layer), where arraycopy's call or a scalar tail loop costs more than the moves.
     */
    private static void copyRun(float[] src, int s, float[] dst, int d, int n) {
        int i = 0;
        for (; i <= n - FL; i += FL) FloatVector.fromArray(F, src, s + i).intoArray(dst, d + i);
        if (i < n) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, src, s + i, m).intoArray(dst, d + i, m);
        }
    }

    /** This thread's buffer {@code which} with room for {@code size} floats (grown, never shrunk). */
    private static float[] buffer(int which, int size) {
        float[][] holder = BUF.get();
        if (holder[which].length < size) holder[which] = new float[size];
        return holder[which];
    }
}
