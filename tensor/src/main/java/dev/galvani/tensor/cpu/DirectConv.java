package dev.galvani.tensor.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
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
 * and the rows {@code oh ≥ outH} of each frame, computed and thrown away (forward) or multiplied by
 * zeros (weight gradient). Rows share their padding columns as images share their padding rows
 * ({@code Wp = W + padW}: a row's right padding is the next one's left), which leaves 1 - 196/225 =
 * 13 % of such q on 14 x 14 images with padding 1, 7 % on 28 x 28, 3 % on 64 x 64.
 *
 * <h2>The three products</h2>
 * <pre>
 *   forward      out[o, q]  = sum over taps t of W[o, t] · X[t, q]            tiles of MR channels x TW pixels
 *   input grad   the forward of gradOut with W'[c, o, i, j] = W[o, c, kH-1-i, kW-1-j] and padding
 *                dil·(k-1) - pad (a stride-1 transposed convolution is a convolution)
 *   weight grad  gradW[o, t] = sum over q of G[o, q] · X[t, q]                tiles of GO channels x GT taps,
 *                with G the gradient in the same flat layout, zero on the q that are not pixels
 * </pre>
 * The forward tile keeps MR x NV = 4 x 6 vectors of sums in registers (24 of 32 zmm) and per tap
 * loads NV vectors of X and broadcasts MR weights, like {@link Gemm}'s micro-kernel but with B read
 * from the padded images. The weight-gradient tile keeps GO x GT = 4 x 6 vectors of lane-wise partial
 * dot products over q; they are added into a lanes array per thread (never reduced mid-way, whose
 * order the JIT may change) and summed in lane order once at the end.
 *
 * <h2>Threads and reproducibility</h2>
 * Forward and input gradient: chunks of images are tasks; every output's sum runs over the taps in
 * one fixed order, so the result does not depend on the split at all. Weight gradient: the batch is
 * cut into one contiguous part per thread (the thread count fixes the cut), parts sum into their own
 * lanes arrays, and the parts are added in order. {@link ConvKernels} decides when this class takes a
 * convolution (see {@code ConvKernels.CostModel}).
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
    /** Output channels of a weight-gradient tile. */
    static final int GO = 4;
    /** Taps of a weight-gradient tile. */
    static final int GT = 6;
    /** Vectors of positions per block of the weight gradient (4 KiB per row: a tile's rows stay in L1). */
    static final int K_STEPS = 1024 / 16;
    /** Floats of input that the tiles of one sweep may read (24 KiB: half of L1, the rest for the weight block). */
    static final int L1_FLOATS = 6 * 1024;
    /** Floats a chunk's padded images may take (1 MiB), so that they stay in L2 while the tiles sweep them. */
    static final int CHUNK_FLOATS = 1 << 18;

    /** Buffer slots of a thread: the padded input; the output frames (forward) or the padded gradient. */
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

        /** Images per chunk: as many as keep the padded chunk within CHUNK_FLOATS, and chunks for every thread. */
        int chunkImages(int channels, int threads) {
            long perImage = Math.max(1L, (long) channels * frame());
            int byCache = (int) Math.clamp(CHUNK_FLOATS / perImage, 1, Math.max(1, n));
            return Math.max(1, Math.min(byCache, Math.ceilDiv(n, threads)));
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
        Arrays.fill(dst, 0, channels * stride, 0f);
        int wp = g.wp(), rows = g.frameRows();
        for (int c = 0; c < channels; c++)
            for (int b = 0; b < count; b++)
                for (int ih = 0; ih < g.h; ih++) {
                    int d = c * stride + ((b * rows) + g.padH + ih) * wp + g.padW, s = x.at(img0 + b, c0 + c, ih, 0);
                    if (x.s[3] == 1) {
                        System.arraycopy(x.a, s, dst, d, g.w);
                    } else {
                        for (int iw = 0; iw < g.w; iw++) dst[d + iw] = x.a[s + iw * x.s[3]];
                    }
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
                // Rows are short (14 pixels on a CNN's second layer): a plain loop, not arraycopy's call.
                if (out.s[3] == 1) {
                    for (int x = 0; x < x1 - x0; x++) out.a[d + x] = frames[src + x];
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
     * @param x the input [n, cin, h, w]
     * @param gradOut [n, cout, outH, outW]
     * @param gradW the dense weight gradient [cout, cg, kh, kw] from {@code wOff}, overwritten
     */
    static void weightGrad(Geometry g, View x, View gradOut, float[] gradW, int wOff) {
        int og = g.og(), taps = g.taps();
        int ogPad = Math.ceilDiv(og, GO) * GO, tapsPad = Math.ceilDiv(taps, GT) * GT;
        int laneBlock = ogPad * tapsPad * FL;       // one group's lanes
        int parts = Math.min(g.n, Parallel.threads());
        float[][] lanes = new float[parts][g.groups * laneBlock];
        // Chunks hold the padded input and gradient of a few images; each part walks its own images.
        int per = g.chunkImages(g.cg() + ogPad, 1);
        Parallel.forTasks(parts, (p0, p1) -> {
            for (int p = p0; p < p1; p++) {
                int first = (int) ((long) g.n * p / parts), last = (int) ((long) g.n * (p + 1) / parts);
                for (int img0 = first; img0 < last; img0 += per) {
                    int count = Math.min(per, last - img0);
                    int stride = g.channelStride(count), steps = Math.ceilDiv(count * g.frame(), FL);
                    int[] tapOff = Arrays.copyOf(g.tapOffsets(stride), tapsPad);   // padding taps read tap 0, thrown away
                    float[] xp = buffer(XP, g.cg() * stride), gp = buffer(YP, ogPad * stride);
                    for (int gi = 0; gi < g.groups; gi++) {
                        pad(g, x, img0, count, gi * g.cg(), g.cg(), xp, stride);
                        padGradient(g, gradOut, img0, count, gi * og, og, ogPad, gp, stride);
                        // Blocks of K_STEPS vectors of positions, so that a tile's gradient rows stay
                        // in L1 while every tap passes over them; one block of GO channels at a time,
                        // so that the lanes the tiles add to (taps x GO x FL) stay in L2.
                        for (int o = 0; o < ogPad; o += GO)
                            for (int k0 = 0; k0 < steps; k0 += K_STEPS) {
                                int ks = Math.min(K_STEPS, steps - k0), q0 = k0 * FL;
                                for (int t = 0; t < tapsPad; t += GT)
                                    dotTile(ks, gp, o * stride + q0, stride, xp, q0, tapOff, t, lanes[p],
                                            gi * laneBlock + (o * tapsPad + t) * FL, tapsPad * FL);
                            }
                    }
                }
            }
        });
        // gradW = the lanes of every part added in a fixed order: part, then lane.
        for (int gi = 0; gi < g.groups; gi++)
            for (int o = 0; o < og; o++)
                for (int t = 0; t < taps; t++) {
                    int l = gi * laneBlock + (o * tapsPad + t) * FL;
                    float sum = 0f;
                    for (float[] part : lanes)
                        for (int i = 0; i < FL; i++) sum += part[l + i];
                    gradW[wOff + (gi * og + o) * taps + t] = sum;
                }
    }

    /**
     * gradOut's channels [o0, o0 + og) of images [img0, img0 + count) in the flat layout of the
     * output positions (pixel (b, y, x) at {@code (b·R + y)·Wp + x}), zero at every other position
     * and in the rows from og to ogPad.
     */
    private static void padGradient(Geometry g, View go, int img0, int count, int o0, int og, int ogPad, float[] dst, int stride) {
        Arrays.fill(dst, 0, ogPad * stride, 0f);
        int wp = g.wp(), rows = g.frameRows(), oh = g.outH(), ow = g.outW();
        for (int o = 0; o < og; o++)
            for (int b = 0; b < count; b++)
                for (int y = 0; y < oh; y++) {
                    int d = o * stride + (b * rows + y) * wp, s = go.at(img0 + b, o0 + o, y, 0);
                    if (go.s[3] == 1) {
                        System.arraycopy(go.a, s, dst, d, ow);
                    } else {
                        for (int xi = 0; xi < ow; xi++) dst[d + xi] = go.a[s + xi * go.s[3]];
                    }
                }
    }

    /**
     * The weight-gradient micro-kernel: for the GO gradient rows from {@code gIdx} (row stride gLd) and
     * the GT taps from {@code t0}, the lane-wise sums over {@code steps} vectors of positions of
     * {@code gp[row, q] · xp[xIdx + tapOff[t] + q]}, added to {@code lanes[lIdx + r·lLd + t·FL ...]}.
     */
    static void dotTile(int steps, float[] gp, int gIdx, int gLd, float[] xp, int xIdx, int[] tapOff, int t0,
                        float[] lanes, int lIdx, int lLd) {
        int x0 = xIdx + tapOff[t0], x1 = xIdx + tapOff[t0 + 1], x2 = xIdx + tapOff[t0 + 2];
        int x3 = xIdx + tapOff[t0 + 3], x4 = xIdx + tapOff[t0 + 4], x5 = xIdx + tapOff[t0 + 5];
        int g0 = gIdx, g1 = g0 + gLd, g2 = g1 + gLd, g3 = g2 + gLd;
        FloatVector z = FloatVector.zero(F);
        FloatVector s00 = z, s01 = z, s02 = z, s03 = z, s04 = z, s05 = z, s10 = z, s11 = z, s12 = z, s13 = z, s14 = z, s15 = z;
        FloatVector s20 = z, s21 = z, s22 = z, s23 = z, s24 = z, s25 = z, s30 = z, s31 = z, s32 = z, s33 = z, s34 = z, s35 = z;
        for (int k = 0; k < steps; k++) {
            int q = k * FL;
            FloatVector a0 = FloatVector.fromArray(F, gp, g0 + q);
            FloatVector a1 = FloatVector.fromArray(F, gp, g1 + q);
            FloatVector a2 = FloatVector.fromArray(F, gp, g2 + q);
            FloatVector a3 = FloatVector.fromArray(F, gp, g3 + q);
            FloatVector b;
            b = FloatVector.fromArray(F, xp, x0 + q); s00 = a0.fma(b, s00); s10 = a1.fma(b, s10); s20 = a2.fma(b, s20); s30 = a3.fma(b, s30);
            b = FloatVector.fromArray(F, xp, x1 + q); s01 = a0.fma(b, s01); s11 = a1.fma(b, s11); s21 = a2.fma(b, s21); s31 = a3.fma(b, s31);
            b = FloatVector.fromArray(F, xp, x2 + q); s02 = a0.fma(b, s02); s12 = a1.fma(b, s12); s22 = a2.fma(b, s22); s32 = a3.fma(b, s32);
            b = FloatVector.fromArray(F, xp, x3 + q); s03 = a0.fma(b, s03); s13 = a1.fma(b, s13); s23 = a2.fma(b, s23); s33 = a3.fma(b, s33);
            b = FloatVector.fromArray(F, xp, x4 + q); s04 = a0.fma(b, s04); s14 = a1.fma(b, s14); s24 = a2.fma(b, s24); s34 = a3.fma(b, s34);
            b = FloatVector.fromArray(F, xp, x5 + q); s05 = a0.fma(b, s05); s15 = a1.fma(b, s15); s25 = a2.fma(b, s25); s35 = a3.fma(b, s35);
        }
        int l0 = lIdx, l1 = l0 + lLd, l2 = l1 + lLd, l3 = l2 + lLd;
        s00.add(FloatVector.fromArray(F, lanes, l0)).intoArray(lanes, l0);
        s01.add(FloatVector.fromArray(F, lanes, l0 + FL)).intoArray(lanes, l0 + FL);
        s02.add(FloatVector.fromArray(F, lanes, l0 + 2 * FL)).intoArray(lanes, l0 + 2 * FL);
        s03.add(FloatVector.fromArray(F, lanes, l0 + 3 * FL)).intoArray(lanes, l0 + 3 * FL);
        s04.add(FloatVector.fromArray(F, lanes, l0 + 4 * FL)).intoArray(lanes, l0 + 4 * FL);
        s05.add(FloatVector.fromArray(F, lanes, l0 + 5 * FL)).intoArray(lanes, l0 + 5 * FL);
        s10.add(FloatVector.fromArray(F, lanes, l1)).intoArray(lanes, l1);
        s11.add(FloatVector.fromArray(F, lanes, l1 + FL)).intoArray(lanes, l1 + FL);
        s12.add(FloatVector.fromArray(F, lanes, l1 + 2 * FL)).intoArray(lanes, l1 + 2 * FL);
        s13.add(FloatVector.fromArray(F, lanes, l1 + 3 * FL)).intoArray(lanes, l1 + 3 * FL);
        s14.add(FloatVector.fromArray(F, lanes, l1 + 4 * FL)).intoArray(lanes, l1 + 4 * FL);
        s15.add(FloatVector.fromArray(F, lanes, l1 + 5 * FL)).intoArray(lanes, l1 + 5 * FL);
        s20.add(FloatVector.fromArray(F, lanes, l2)).intoArray(lanes, l2);
        s21.add(FloatVector.fromArray(F, lanes, l2 + FL)).intoArray(lanes, l2 + FL);
        s22.add(FloatVector.fromArray(F, lanes, l2 + 2 * FL)).intoArray(lanes, l2 + 2 * FL);
        s23.add(FloatVector.fromArray(F, lanes, l2 + 3 * FL)).intoArray(lanes, l2 + 3 * FL);
        s24.add(FloatVector.fromArray(F, lanes, l2 + 4 * FL)).intoArray(lanes, l2 + 4 * FL);
        s25.add(FloatVector.fromArray(F, lanes, l2 + 5 * FL)).intoArray(lanes, l2 + 5 * FL);
        s30.add(FloatVector.fromArray(F, lanes, l3)).intoArray(lanes, l3);
        s31.add(FloatVector.fromArray(F, lanes, l3 + FL)).intoArray(lanes, l3 + FL);
        s32.add(FloatVector.fromArray(F, lanes, l3 + 2 * FL)).intoArray(lanes, l3 + 2 * FL);
        s33.add(FloatVector.fromArray(F, lanes, l3 + 3 * FL)).intoArray(lanes, l3 + 3 * FL);
        s34.add(FloatVector.fromArray(F, lanes, l3 + 4 * FL)).intoArray(lanes, l3 + 4 * FL);
        s35.add(FloatVector.fromArray(F, lanes, l3 + 5 * FL)).intoArray(lanes, l3 + 5 * FL);
    }

    /** This thread's buffer {@code which} with room for {@code size} floats (grown, never shrunk). */
    private static float[] buffer(int which, int size) {
        float[][] holder = BUF.get();
        if (holder[which].length < size) holder[which] = new float[size];
        return holder[which];
    }
}
