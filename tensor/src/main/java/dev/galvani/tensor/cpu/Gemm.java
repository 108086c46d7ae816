package dev.galvani.tensor.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * General matrix multiply on heap arrays, {@code C[M, N] (= or +=) A[M, K] · B[K, N]}, for float
 * (SGEMM) and double (DGEMM).
 *
 * <p>Operands are described by an array, an offset and two element strides, so a transposed or
 * otherwise strided operand needs no copy: the packing step reads any layout. C is row-major with
 * leading dimension {@code ldc} (its column stride is 1).
 *
 * <h2>Structure</h2>
 * The algorithm is the one of Goto and van de Geijn, "Anatomy of high-performance matrix
 * multiplication" (ACM TOMS 34(3), 2008), in the five-loop form of BLIS (Van Zee and van de Geijn,
 * "BLIS: a framework for rapidly instantiating BLAS functionality", ACM TOMS 41(3), 2015):
 * <pre>
 *   for jc in N step NC                      5th loop
 *     for pc in K step KC                    4th loop: pack B[pc:pc+KC, jc:jc+NC] into Bp
 *       for ic in M step MC                  3rd loop: pack A[ic:ic+MC, pc:pc+KC] into Ap
 *         for jr in NC step NR               2nd loop: one NR-wide panel of Bp (stays in L1)
 *           for ir in MC step MR             1st loop: one MR-tall sliver of Ap
 *             micro-kernel: C[MR, NR] += Ap sliver · Bp panel, KC rank-1 updates in registers
 * </pre>
 * Packing copies each block once into the exact order the micro-kernel reads it (k-major slivers),
 * so the kernel streams memory with unit stride whatever the operands' layouts, and the zero padding
 * of ragged edges lets one kernel serve every tile. Operands stored across that order (a row-major A,
 * a transposed B) are transposed 16 x 16 at a time in registers while packing (floats on AVX-512).
 * Since C is row-major the SIMD vectors run along N: the micro-kernel keeps {@code MR x 2} vectors of
 * C in registers, loads two vectors of the B panel and broadcasts one A element per row for each k
 * (BLIS's roles of A and B swapped, because BLIS's reference layout is column-major).
 *
 * <p>Block sizes for this generation of x86 cores (48 KiB L1d, 2 MiB L2): a KC x NR panel of B
 * (32 KiB) is reused by every MR-sliver of the MC x KC block of A, which stays in L2 with the
 * KC x NC block of B.
 *
 * <h2>Threads</h2>
 * The output is cut into rectangles along the larger of M and N (whole micro-tiles, sizes within one
 * tile of each other), one or a few per thread; each task runs the five loops above on its rectangle
 * with its own per-thread packing buffers. That costs a single fork per call and no barriers, at the
 * price of packing the shared operand once per task, a few percent of the arithmetic (a shared packed
 * B measured no faster on two cores). Products under {@link #PARALLEL_MIN} multiply-adds stay on the
 * calling thread, as does everything called from inside a Galvani worker (batched products, one image
 * of a convolution per task).
 *
 * <h2>Vector API notes</h2>
 * The micro-kernels are straight-line methods over constant species with all accumulators in
 * locals, so C2 keeps them in the 32 zmm registers and emits one {@code vfmadd231ps} per update with
 * the range checks hoisted out of the loop (checked on the generated code). A vector handed to a
 * helper method that C2 declines to inline is boxed on the heap and the kernel runs ten times slower,
 * hence the written-out loads and stores. No lambdas or interface calls happen below the task level.
 * The interpreter and C1 do not intrinsify the Vector API: the first few products after start-up run
 * far slower (a 1024^3 product takes seconds the first time) until C2 has compiled the kernel. So
 * {@link #warmUpInBackground()}, called when the CPU backend opens, runs small products on a daemon
 * thread until C2 has compiled the kernels and the packing transposes (see {@code warmUp}), using
 * the time an application spends making its inputs and model: with 1.5 s of set-up before it, the
 * first 1024^3 product took 0.3-0.55 s instead of 4.6-4.8 s (measured on a heavily loaded machine,
 * {@code ./galvani gemm-first-call}).
 */
public final class Gemm {

    private Gemm() {}

    // ---- warm-up ----

    private static final java.util.concurrent.atomic.AtomicBoolean WARM_UP_STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts {@code warmUp} on a daemon thread, once per JVM; a no-op after the first call, or when
     * the system property {@code galvani.gemm.warmup} is {@code false}. Results never depend on it:
     * it only decides when C2 compiles the kernels.
     */
    public static void warmUpInBackground() {
        if (!Boolean.parseBoolean(System.getProperty("galvani.gemm.warmup", "true")) || !WARM_UP_STARTED.compareAndSet(false, true)) return;
        Thread t = new Thread(() -> warmUp(WARM_UP_PRODUCTS, true), "galvani-gemm-warmup");
        t.setDaemon(true);
        t.start();
    }

    /** Set by the first product that is not the warm-up's; the warm-up then stops. */
    private static volatile boolean productStarted;

    /**
     * Records that a real product has begun (a volatile read on every later call, a write once); the
     * warm-up itself calls the block routines, never {@link #sgemm} or {@link #dgemm}.
     */
    private static void markProductStarted() {
        if (!productStarted) productStarted = true;
    }

    /** Products run by {@code warmUp} per type in the background (18 micro-kernel calls each in F32, 30 in F64). */
    static final int WARM_UP_PRODUCTS = 200;

    /**
     * Runs {@code products} small products per type (25 x 67 x 300: two full micro-tiles and a
     * ragged one down, full panels and a ragged one across, a full K block and a partial one) through
     * the packed path on the calling thread, in F32 and F64, with row-major and transposed operands,
     * so that every kernel and packing routine crosses C2's compile thresholds (a few thousand calls
     * or loop back-edges) before the application's first product. Every branch a real product takes
     * is taken here (first and later K blocks, full and ragged tiles), so that C2 does not compile a
     * kernel for the warm-up's profile only and throw it away at the first real product (an
     * "uncommon trap"). Interpreted, the Vector API allocates an object per operation, so this takes
     * about a second of one core; once compiled, a few milliseconds.
     *
     * <p>With {@code stopAtFirstProduct} it stops at the first real product ({@link #sgemm} or {@link #dgemm}):
     * it is meant to use the time an application spends setting up, and on two cores, measured on a
     * busy machine, a warm-up that went on beside the first products made them slower, not faster
     * (it takes a core from them and fills the compile queue ahead of what they need).
     */
    static void warmUp(int products, boolean stopAtFirstProduct) {
        int m = 2 * F_MR + 1, n = 2 * F_NR + 3, k = F_KC + 44;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        double[] ad = new double[m * k], bd = new double[k * n], cd = new double[m * n];
        for (int i = 0; i < a.length; i++) ad[i] = a[i] = (i % 13) * 0.0625f;
        for (int i = 0; i < b.length; i++) bd[i] = b[i] = (i % 11) * 0.125f;
        // F32 first, the type of nearly every first product; then F64.
        for (int type = 0; type < 2; type++)
            for (int r = 0; r < products && !(stopAtFirstProduct && productStarted); r++) {
                boolean transposed = (r & 1) == 1;
                int aRs = transposed ? 1 : k, aCs = transposed ? m : 1, bRs = transposed ? 1 : n, bCs = transposed ? k : 1;
                if (type == 0) sgemmBlock(0, m, 0, n, k, a, 0, aRs, aCs, b, 0, bRs, bCs, c, 0, n, false);
                else dgemmBlock(0, m, 0, n, k, ad, 0, aRs, aCs, bd, 0, bRs, bCs, cd, 0, n, false);
            }
    }

    private static final VectorSpecies<Float> FS = Simd.F;
    private static final VectorSpecies<Double> DS = Simd.D;
    private static final int FL = FS.length();
    private static final int DL = DS.length();

    // ---- float blocking ----
    /** Rows of C per micro-tile: 12 x 2 accumulators + 2 B vectors + 1 broadcast = 27 of 32 zmm registers. */
    static final int F_MR = 12;
    /** Columns of C per micro-tile: two vectors. */
    static final int F_NR = 2 * FL;
    /** Depth of a packed block: a KC x NR panel of B is 32 KiB, two thirds of L1. */
    static final int F_KC = 256;
    /** Rows of A per packed block (192 KiB, in L2). */
    static final int F_MC = 16 * F_MR;
    /** Columns of B per packed block (1 MiB at 16 lanes, in L2 next to A's block). */
    static final int F_NC = 32 * F_NR;

    // ---- double blocking: the same register tile with half as many lanes per vector, so the
    // panels have the same size in bytes ----
    static final int D_MR = 12;
    static final int D_NR = 2 * DL;
    static final int D_KC = 256;
    static final int D_MC = 8 * D_MR;
    static final int D_NC = 32 * D_NR;

    /** Products with at most this many rows or columns of C take the matrix-vector loops. */
    static final int SKINNY = 2;
    /** Below this many multiply-adds a plain loop beats packing. */
    static final long SMALL = 32_768;
    /** Below this many multiply-adds the whole product stays on the calling thread (a fork costs ~20 us). */
    static final long PARALLEL_MIN = 1L << 20;

    private static final ThreadLocal<float[]> F_APACK = ThreadLocal.withInitial(() -> new float[F_MC * F_KC + 16]);   // + the overhang of transpose12x16's last store
    private static final ThreadLocal<float[]> F_BPACK = ThreadLocal.withInitial(() -> new float[F_KC * F_NC]);
    private static final ThreadLocal<float[]> F_TILE = ThreadLocal.withInitial(() -> new float[F_MR * F_NR]);
    private static final ThreadLocal<double[]> D_APACK = ThreadLocal.withInitial(() -> new double[D_MC * D_KC + 8]);  // + transpose12x8's overhang
    private static final ThreadLocal<double[]> D_BPACK = ThreadLocal.withInitial(() -> new double[D_KC * D_NC]);
    private static final ThreadLocal<double[]> D_TILE = ThreadLocal.withInitial(() -> new double[D_MR * D_NR]);

    // =============================================================================================
    // float
    // =============================================================================================

    /**
     * {@code C = A · B}, or {@code C += A · B} when {@code accumulate}. Element (i, p) of A is
     * {@code a[aOff + i * aRowStride + p * aColStride]}, element (p, j) of B is
     * {@code b[bOff + p * bRowStride + j * bColStride]}, element (i, j) of C is {@code c[cOff + i * ldc + j]}.
     * Strides may be zero (broadcast operands). C must not overlap A or B.
     */
    public static void sgemm(int m, int n, int k,
                             float[] a, int aOff, int aRowStride, int aColStride,
                             float[] b, int bOff, int bRowStride, int bColStride,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0) return;
        markProductStarted();
        if (k <= 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        long work = (long) m * n * k;
        if (work < SMALL) {
            smallSgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate);
            return;
        }
        if (Math.min(m, n) <= SKINNY
                && skinnySgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate)) return;
        int threads = work < PARALLEL_MIN ? 1 : Parallel.threads();
        // Split along the larger dimension, in whole micro-tiles, so each task packs as little as possible.
        boolean splitM = m >= n;
        int unit = splitM ? F_MR : F_NR;
        int extent = splitM ? m : n;
        int units = Math.ceilDiv(extent, unit);
        // One task per thread, or a few per thread when the output is tall enough that the extra
        // packing of the other operand stays small: then a thread slowed by other work on the machine
        // hands tasks to the others instead of holding everyone up.
        int tasks = threads == 1 ? 1 : Math.min(units, threads * Math.clamp(extent / (threads * 2L * F_MC), 1, 4));
        if (tasks <= 1) {
            sgemmBlock(0, m, 0, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate);
            return;
        }
        int count = tasks;
        Parallel.forTasks(count, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                // Units spread evenly: task sizes differ by at most one micro-tile.
                int lo = (int) ((long) t * units / count) * unit, hi = Math.min(extent, (int) ((long) (t + 1) * units / count) * unit);
                if (splitM) sgemmBlock(lo, hi, 0, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate);
                else sgemmBlock(0, m, lo, hi, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate);
            }
        });
    }

    /**
     * Products too small to amortise packing. With unit-stride rows of B at least a vector wide,
     * {@link #smallRowsSgemm}; else the i-p-j loop, unit stride over C's rows.
     */
    private static void smallSgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                                   float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc, boolean accumulate) {
        if (bCs == 1 && n >= FL) {
            smallRowsSgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, ldc, accumulate);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0f);
            for (int p = 0; p < k; p++) {
                float aip = a[aOff + i * aRs + p * aCs];
                int bp = bOff + p * bRs;
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j * bCs];
            }
        }
    }

    /**
     * A small product straight from the operands (B's rows unit-stride): four rows of C by one vector
     * of columns at a time, their sums over p kept in four accumulators and written once, so that
     * C does not make a store-to-load round trip per p as an i-p-j loop's rows do (that chain, not
     * the arithmetic, bounded the batched small products of attention and spectral mixing).
     * Every element is the sum over p in increasing order, by fused multiply-adds from zero, then
     * added to C when accumulating, whichever of the vector or scalar parts computes it.
     */
    private static void smallRowsSgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                                       float[] b, int bOff, int bRs, float[] c, int cOff, int ldc, boolean accumulate) {
        int nv = n - n % FL;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * aRs, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs, c0 = cOff + i * ldc;
            for (int j = 0; j < nv; j += FL) {
                FloatVector s0 = FloatVector.zero(FS), s1 = s0, s2 = s0, s3 = s0;
                for (int p = 0; p < k; p++) {
                    FloatVector bv = FloatVector.fromArray(FS, b, bOff + p * bRs + j);
                    s0 = FloatVector.broadcast(FS, a[a0 + p * aCs]).fma(bv, s0);
                    s1 = FloatVector.broadcast(FS, a[a1 + p * aCs]).fma(bv, s1);
                    s2 = FloatVector.broadcast(FS, a[a2 + p * aCs]).fma(bv, s2);
                    s3 = FloatVector.broadcast(FS, a[a3 + p * aCs]).fma(bv, s3);
                }
                if (accumulate) {
                    s0 = s0.add(FloatVector.fromArray(FS, c, c0 + j));
                    s1 = s1.add(FloatVector.fromArray(FS, c, c0 + ldc + j));
                    s2 = s2.add(FloatVector.fromArray(FS, c, c0 + 2 * ldc + j));
                    s3 = s3.add(FloatVector.fromArray(FS, c, c0 + 3 * ldc + j));
                }
                s0.intoArray(c, c0 + j);
                s1.intoArray(c, c0 + ldc + j);
                s2.intoArray(c, c0 + 2 * ldc + j);
                s3.intoArray(c, c0 + 3 * ldc + j);
            }
            for (int r = 0; r < 4; r++) smallRowTail(nv, n, k, a, a0 + r * aRs, aCs, b, bOff, bRs, c, c0 + r * ldc, accumulate);
        }
        for (; i < m; i++) {
            int a0 = aOff + i * aRs, c0 = cOff + i * ldc;
            for (int j = 0; j < nv; j += FL) {
                FloatVector s0 = FloatVector.zero(FS);
                for (int p = 0; p < k; p++)
                    s0 = FloatVector.broadcast(FS, a[a0 + p * aCs]).fma(FloatVector.fromArray(FS, b, bOff + p * bRs + j), s0);
                if (accumulate) s0 = s0.add(FloatVector.fromArray(FS, c, c0 + j));
                s0.intoArray(c, c0 + j);
            }
            smallRowTail(nv, n, k, a, a0, aCs, b, bOff, bRs, c, c0, accumulate);
        }
    }

    /** Columns [j0, n) of one row of C in {@link #smallRowsSgemm}: the same sums, one lane at a time. */
    private static void smallRowTail(int j0, int n, int k, float[] a, int a0, int aCs, float[] b, int bOff, int bRs,
                                     float[] c, int c0, boolean accumulate) {
        for (int j = j0; j < n; j++) {
            float sum = 0f;
            for (int p = 0; p < k; p++) sum = Math.fma(a[a0 + p * aCs], b[bOff + p * bRs + j], sum);
            c[c0 + j] = accumulate ? c[c0 + j] + sum : sum;
        }
    }

    /**
     * Matrix-vector shapes (one or two rows or columns of C), where the packed kernel would waste most
     * of its 12-row tile and packing would cost as much as the arithmetic. Returns false when the
     * operands' layout suits neither loop; the packed path then takes the product.
     */
    private static boolean skinnySgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                                       float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc, boolean accumulate) {
        if (aCs == 1 && bRs == 1) {
            // Every element of C is a dot product of a row of A and a column of B, both unit stride
            // (x · W^T of a linear layer with one sample, or A · x).
            Parallel.forRange(m * n, Math.max(1, (int) (PARALLEL_MIN / k)), (q0, q1) -> {
                for (int q = q0; q < q1; q++) {
                    int i = q / n, j = q % n, ci = cOff + i * ldc + j;
                    float d = dot(k, a, aOff + i * aRs, b, bOff + j * bCs);
                    c[ci] = accumulate ? c[ci] + d : d;
                }
            });
            return true;
        }
        if (bCs == 1 && m <= SKINNY) {
            // Each row of C is a combination of the unit-stride rows of B; columns are split among threads.
            Parallel.forRange(n, Math.max(4 * FL, (int) (PARALLEL_MIN / ((long) m * k))), (j0, j1) -> {
                for (int i = 0; i < m; i++) {
                    int ci = cOff + i * ldc;
                    if (!accumulate) java.util.Arrays.fill(c, ci + j0, ci + j1, 0f);
                    for (int p = 0; p < k; p++) axpy(j1 - j0, a[aOff + i * aRs + p * aCs], b, bOff + p * bRs + j0, c, ci + j0);
                }
            });
            return true;
        }
        return false;
    }

    /** The dot product of x[xo, xo + k) and y[yo, yo + k), four vector accumulators deep. */
    private static float dot(int k, float[] x, int xo, float[] y, int yo) {
        FloatVector s0 = FloatVector.zero(FS), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p <= k - 4 * FL; p += 4 * FL) {
            s0 = FloatVector.fromArray(FS, x, xo + p).fma(FloatVector.fromArray(FS, y, yo + p), s0);
            s1 = FloatVector.fromArray(FS, x, xo + p + FL).fma(FloatVector.fromArray(FS, y, yo + p + FL), s1);
            s2 = FloatVector.fromArray(FS, x, xo + p + 2 * FL).fma(FloatVector.fromArray(FS, y, yo + p + 2 * FL), s2);
            s3 = FloatVector.fromArray(FS, x, xo + p + 3 * FL).fma(FloatVector.fromArray(FS, y, yo + p + 3 * FL), s3);
        }
        for (; p <= k - FL; p += FL) s0 = FloatVector.fromArray(FS, x, xo + p).fma(FloatVector.fromArray(FS, y, yo + p), s0);
        float sum = Simd.sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; p < k; p++) sum += x[xo + p] * y[yo + p];
        return sum;
    }

    /** y[yo, yo + n) += alpha * x[xo, xo + n). */
    private static void axpy(int n, float alpha, float[] x, int xo, float[] y, int yo) {
        FloatVector va = FloatVector.broadcast(FS, alpha);
        int j = 0;
        for (; j <= n - FL; j += FL)
            FloatVector.fromArray(FS, x, xo + j).fma(va, FloatVector.fromArray(FS, y, yo + j)).intoArray(y, yo + j);
        for (; j < n; j++) y[yo + j] += alpha * x[xo + j];
    }

    /** The five Goto loops on the rectangle [m0, m1) x [n0, n1) of C, on the calling thread. */
    private static void sgemmBlock(int m0, int m1, int n0, int n1, int k,
                                   float[] a, int aOff, int aRs, int aCs,
                                   float[] b, int bOff, int bRs, int bCs,
                                   float[] c, int cOff, int ldc, boolean accumulate) {
        float[] ap = F_APACK.get(), bp = F_BPACK.get(), tile = F_TILE.get();
        for (int jc = n0; jc < n1; jc += F_NC) {
            int nc = Math.min(F_NC, n1 - jc);
            for (int pc = 0; pc < k; pc += F_KC) {
                int kc = Math.min(F_KC, k - pc);
                // The first K block overwrites C unless the caller asked to accumulate.
                boolean add = accumulate || pc > 0;
                packB(kc, nc, b, bOff + pc * bRs + jc * bCs, bRs, bCs, bp);
                for (int ic = m0; ic < m1; ic += F_MC) {
                    int mc = Math.min(F_MC, m1 - ic);
                    packA(mc, kc, a, aOff + ic * aRs + pc * aCs, aRs, aCs, ap);
                    macroKernel(mc, nc, kc, ap, bp, c, cOff + ic * ldc + jc, ldc, add, tile);
                }
            }
        }
    }

    /**
     * Packs an mc x kc block of A into slivers of F_MR rows: sliver s holds, for each p, its F_MR
     * elements A[s*MR + r, p] side by side. Rows past mc are zero.
     */
    private static void packA(int mc, int kc, float[] a, int aOff, int aRs, int aCs, float[] ap) {
        for (int s = 0; s < mc; s += F_MR) {
            int rows = Math.min(F_MR, mc - s);
            int base = s * kc;
            if (aCs == 1) {
                // Row-major A: a transpose. Full slivers go 16 columns at a time through registers.
                int p0 = 0;
                if (rows == F_MR && FL == 16)
                    for (; p0 + 16 <= kc; p0 += 16) transpose12x16(a, aOff + s * aRs + p0, aRs, ap, base + p0 * F_MR);
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (s + r) * aRs;
                    for (int p = p0, dst = base + p0 * F_MR + r; p < kc; p++, dst += F_MR) ap[dst] = a[src + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + s * aRs + p * aCs, dst = base + p * F_MR;
                    for (int r = 0; r < rows; r++) ap[dst + r] = a[src + r * aRs];
                }
            }
            if (rows < F_MR)
                for (int p = 0; p < kc; p++)
                    for (int r = rows; r < F_MR; r++) ap[base + p * F_MR + r] = 0f;
        }
    }

    /**
     * Packs a kc x nc block of B into panels of F_NR columns: panel j holds, for each p, the F_NR
     * elements B[p, j*NR + c] side by side. Columns past nc are zero.
     */
    private static void packB(int kc, int nc, float[] b, int bOff, int bRs, int bCs, float[] bp) {
        for (int j = 0; j < nc; j += F_NR) {
            int cols = Math.min(F_NR, nc - j);
            int base = j * kc;
            if (bCs == 1 && cols == F_NR) {
                // Row-major B: each row of the panel is a vector copy (an arraycopy call costs more at this length).
                for (int p = 0; p < kc; p++) {
                    int src = bOff + p * bRs + j, dst = base + p * F_NR;
                    for (int v = 0; v < F_NR; v += FL) FloatVector.fromArray(FS, b, src + v).intoArray(bp, dst + v);
                }
                continue;
            }
            if (bRs == 1) {
                // Column-major B (a transposed operand): a transpose, through registers for full panels.
                int p0 = 0;
                if (cols == F_NR && FL == 16)
                    for (; p0 + 16 <= kc; p0 += 16)
                        for (int h = 0; h < F_NR; h += 16)
                            TileTranspose.transpose16x16(b, bOff + (j + h) * bCs + p0, bCs, bp, base + p0 * F_NR + h, F_NR);
                for (int cc = 0; cc < cols; cc++) {
                    int src = bOff + (j + cc) * bCs;
                    for (int p = p0, dst = base + p0 * F_NR + cc; p < kc; p++, dst += F_NR) bp[dst] = b[src + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + p * bRs + j * bCs, dst = base + p * F_NR;
                    for (int cc = 0; cc < cols; cc++) bp[dst + cc] = b[src + cc * bCs];
                }
            }
            if (cols < F_NR)
                for (int p = 0; p < kc; p++)
                    for (int cc = cols; cc < F_NR; cc++) bp[base + p * F_NR + cc] = 0f;
        }
    }

    // ---- transposes in registers (AVX-512 lanes), for packing operands stored across the direction
    // the kernel reads: B panels 16 x 16 at a time (TileTranspose), A slivers 12 x 16 here, with
    // TileTranspose's stage permutes ----

    /**
     * ap[d0 + t * 12 + r] = a[s0 + r * ss + t] for r in [0, 12), t in [0, 16): one 16-column step of a
     * full A sliver. Each of the 16-wide stores also writes 4 lanes past its 12, which the next store
     * (or the next sliver, or the buffer's slack) takes over.
     */
    private static void transpose12x16(float[] src, int s0, int ss, float[] dst, int d0) {
        FloatVector v0 = FloatVector.fromArray(FS, src, s0), v1 = FloatVector.fromArray(FS, src, s0 + ss),
                v2 = FloatVector.fromArray(FS, src, s0 + 2 * ss), v3 = FloatVector.fromArray(FS, src, s0 + 3 * ss),
                v4 = FloatVector.fromArray(FS, src, s0 + 4 * ss), v5 = FloatVector.fromArray(FS, src, s0 + 5 * ss),
                v6 = FloatVector.fromArray(FS, src, s0 + 6 * ss), v7 = FloatVector.fromArray(FS, src, s0 + 7 * ss),
                v8 = FloatVector.fromArray(FS, src, s0 + 8 * ss), v9 = FloatVector.fromArray(FS, src, s0 + 9 * ss),
                va = FloatVector.fromArray(FS, src, s0 + 10 * ss), vb = FloatVector.fromArray(FS, src, s0 + 11 * ss);
        FloatVector vc = v0, vd = v0, ve = v0, vf = v0;      // rows 12..15: don't-care lanes
        int ds = F_MR;
        FloatVector[] x = TileTranspose.STAGES;
        FloatVector lo = x[0], hi = x[1];
        FloatVector w0 = lo.selectFrom(v0, v8), w8 = hi.selectFrom(v0, v8), w1 = lo.selectFrom(v1, v9), w9 = hi.selectFrom(v1, v9),
                w2 = lo.selectFrom(v2, va), wa = hi.selectFrom(v2, va), w3 = lo.selectFrom(v3, vb), wb = hi.selectFrom(v3, vb),
                w4 = lo.selectFrom(v4, vc), wc = hi.selectFrom(v4, vc), w5 = lo.selectFrom(v5, vd), wd = hi.selectFrom(v5, vd),
                w6 = lo.selectFrom(v6, ve), we = hi.selectFrom(v6, ve), w7 = lo.selectFrom(v7, vf), wf = hi.selectFrom(v7, vf);
        lo = x[2];
        hi = x[3];
        v0 = lo.selectFrom(w0, w4); v4 = hi.selectFrom(w0, w4); v1 = lo.selectFrom(w1, w5); v5 = hi.selectFrom(w1, w5);
        v2 = lo.selectFrom(w2, w6); v6 = hi.selectFrom(w2, w6); v3 = lo.selectFrom(w3, w7); v7 = hi.selectFrom(w3, w7);
        v8 = lo.selectFrom(w8, wc); vc = hi.selectFrom(w8, wc); v9 = lo.selectFrom(w9, wd); vd = hi.selectFrom(w9, wd);
        va = lo.selectFrom(wa, we); ve = hi.selectFrom(wa, we); vb = lo.selectFrom(wb, wf); vf = hi.selectFrom(wb, wf);
        lo = x[4];
        hi = x[5];
        w0 = lo.selectFrom(v0, v2); w2 = hi.selectFrom(v0, v2); w1 = lo.selectFrom(v1, v3); w3 = hi.selectFrom(v1, v3);
        w4 = lo.selectFrom(v4, v6); w6 = hi.selectFrom(v4, v6); w5 = lo.selectFrom(v5, v7); w7 = hi.selectFrom(v5, v7);
        w8 = lo.selectFrom(v8, va); wa = hi.selectFrom(v8, va); w9 = lo.selectFrom(v9, vb); wb = hi.selectFrom(v9, vb);
        wc = lo.selectFrom(vc, ve); we = hi.selectFrom(vc, ve); wd = lo.selectFrom(vd, vf); wf = hi.selectFrom(vd, vf);
        lo = x[6];
        hi = x[7];
        lo.selectFrom(w0, w1).intoArray(dst, d0);           hi.selectFrom(w0, w1).intoArray(dst, d0 + ds);
        lo.selectFrom(w2, w3).intoArray(dst, d0 + 2 * ds);  hi.selectFrom(w2, w3).intoArray(dst, d0 + 3 * ds);
        lo.selectFrom(w4, w5).intoArray(dst, d0 + 4 * ds);  hi.selectFrom(w4, w5).intoArray(dst, d0 + 5 * ds);
        lo.selectFrom(w6, w7).intoArray(dst, d0 + 6 * ds);  hi.selectFrom(w6, w7).intoArray(dst, d0 + 7 * ds);
        lo.selectFrom(w8, w9).intoArray(dst, d0 + 8 * ds);  hi.selectFrom(w8, w9).intoArray(dst, d0 + 9 * ds);
        lo.selectFrom(wa, wb).intoArray(dst, d0 + 10 * ds); hi.selectFrom(wa, wb).intoArray(dst, d0 + 11 * ds);
        lo.selectFrom(wc, wd).intoArray(dst, d0 + 12 * ds); hi.selectFrom(wc, wd).intoArray(dst, d0 + 13 * ds);
        lo.selectFrom(we, wf).intoArray(dst, d0 + 14 * ds); hi.selectFrom(we, wf).intoArray(dst, d0 + 15 * ds);
    }


    /** Loops 2 and 1 over one packed mc x kc block of A and kc x nc block of B. */
    private static void macroKernel(int mc, int nc, int kc, float[] ap, float[] bp,
                                    float[] c, int cBase, int ldc, boolean add, float[] tile) {
        for (int jr = 0; jr < nc; jr += F_NR) {
            int nr = Math.min(F_NR, nc - jr);
            int bIdx = jr * kc;
            for (int ir = 0; ir < mc; ir += F_MR) {
                int mr = Math.min(F_MR, mc - ir);
                int aIdx = ir * kc;
                int cIdx = cBase + ir * ldc + jr;
                if (mr == F_MR && nr == F_NR) {
                    kernel12x2(kc, ap, aIdx, bp, bIdx, c, cIdx, ldc, add);
                } else {
                    // Ragged edge: compute the full (zero-padded) tile aside, then copy its valid part.
                    kernel12x2(kc, ap, aIdx, bp, bIdx, tile, 0, F_NR, false);
                    for (int r = 0; r < mr; r++) {
                        int row = cIdx + r * ldc, t = r * F_NR;
                        if (add) for (int j = 0; j < nr; j++) c[row + j] += tile[t + j];
                        else System.arraycopy(tile, t, c, row, nr);
                    }
                }
            }
        }
    }

    /**
     * The micro-kernel: C[12, 2 vectors] (+)= sum over p of Ap[p, 0..12) (outer) Bp[p, 0..2V).
     * 24 accumulators live in registers for the whole loop; each step loads two B vectors and
     * broadcasts twelve A elements.
     */
    private static void kernel12x2(int kc, float[] ap, int aIdx, float[] bp, int bIdx,
                                   float[] c, int cIdx, int ldc, boolean add) {
        // Everything stays in this one method: a vector passed to a helper that C2 declines to inline
        // would be boxed on the heap, and the kernel would run ten times slower.
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81, c90, c91, ca0, ca1, cb0, cb1;
        // The accumulators start at zero and C is added once, after the loop: loading C first would put
        // its (often cache-missing) loads at the head of every accumulator's dependency chain and stall
        // the FMAs until they arrive, while after the loop the loads overlap the last updates and the
        // next tile's start (BLIS kernels likewise update C only at the end of the rank-kc update).
        FloatVector z = FloatVector.zero(FS);
        c00 = z; c01 = z;
        c10 = z; c11 = z;
        c20 = z; c21 = z;
        c30 = z; c31 = z;
        c40 = z; c41 = z;
        c50 = z; c51 = z;
        c60 = z; c61 = z;
        c70 = z; c71 = z;
        c80 = z; c81 = z;
        c90 = z; c91 = z;
        ca0 = z; ca1 = z;
        cb0 = z; cb1 = z;
        // Indices are written as (loop counter x constant + invariant) so C2 can hoist the range checks.
        for (int p = 0; p < kc; p++) {
            int ai = aIdx + p * F_MR, bi = bIdx + p * F_NR;
            FloatVector b0 = FloatVector.fromArray(FS, bp, bi);
            FloatVector b1 = FloatVector.fromArray(FS, bp, bi + FL);
            FloatVector x;
            x = FloatVector.broadcast(FS, ap[ai]);      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(FS, ap[ai + 1]);  c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(FS, ap[ai + 2]);  c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(FS, ap[ai + 3]);  c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(FS, ap[ai + 4]);  c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(FS, ap[ai + 5]);  c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(FS, ap[ai + 6]);  c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(FS, ap[ai + 7]);  c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            x = FloatVector.broadcast(FS, ap[ai + 8]);  c80 = x.fma(b0, c80); c81 = x.fma(b1, c81);
            x = FloatVector.broadcast(FS, ap[ai + 9]);  c90 = x.fma(b0, c90); c91 = x.fma(b1, c91);
            x = FloatVector.broadcast(FS, ap[ai + 10]); ca0 = x.fma(b0, ca0); ca1 = x.fma(b1, ca1);
            x = FloatVector.broadcast(FS, ap[ai + 11]); cb0 = x.fma(b0, cb0); cb1 = x.fma(b1, cb1);
        }
        if (add) {
            c00.add(FloatVector.fromArray(FS, c, cIdx)).intoArray(c, cIdx); c01.add(FloatVector.fromArray(FS, c, cIdx + FL)).intoArray(c, cIdx + FL);
            c10.add(FloatVector.fromArray(FS, c, cIdx + 1 * ldc)).intoArray(c, cIdx + 1 * ldc); c11.add(FloatVector.fromArray(FS, c, cIdx + 1 * ldc + FL)).intoArray(c, cIdx + 1 * ldc + FL);
            c20.add(FloatVector.fromArray(FS, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc); c21.add(FloatVector.fromArray(FS, c, cIdx + 2 * ldc + FL)).intoArray(c, cIdx + 2 * ldc + FL);
            c30.add(FloatVector.fromArray(FS, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc); c31.add(FloatVector.fromArray(FS, c, cIdx + 3 * ldc + FL)).intoArray(c, cIdx + 3 * ldc + FL);
            c40.add(FloatVector.fromArray(FS, c, cIdx + 4 * ldc)).intoArray(c, cIdx + 4 * ldc); c41.add(FloatVector.fromArray(FS, c, cIdx + 4 * ldc + FL)).intoArray(c, cIdx + 4 * ldc + FL);
            c50.add(FloatVector.fromArray(FS, c, cIdx + 5 * ldc)).intoArray(c, cIdx + 5 * ldc); c51.add(FloatVector.fromArray(FS, c, cIdx + 5 * ldc + FL)).intoArray(c, cIdx + 5 * ldc + FL);
            c60.add(FloatVector.fromArray(FS, c, cIdx + 6 * ldc)).intoArray(c, cIdx + 6 * ldc); c61.add(FloatVector.fromArray(FS, c, cIdx + 6 * ldc + FL)).intoArray(c, cIdx + 6 * ldc + FL);
            c70.add(FloatVector.fromArray(FS, c, cIdx + 7 * ldc)).intoArray(c, cIdx + 7 * ldc); c71.add(FloatVector.fromArray(FS, c, cIdx + 7 * ldc + FL)).intoArray(c, cIdx + 7 * ldc + FL);
            c80.add(FloatVector.fromArray(FS, c, cIdx + 8 * ldc)).intoArray(c, cIdx + 8 * ldc); c81.add(FloatVector.fromArray(FS, c, cIdx + 8 * ldc + FL)).intoArray(c, cIdx + 8 * ldc + FL);
            c90.add(FloatVector.fromArray(FS, c, cIdx + 9 * ldc)).intoArray(c, cIdx + 9 * ldc); c91.add(FloatVector.fromArray(FS, c, cIdx + 9 * ldc + FL)).intoArray(c, cIdx + 9 * ldc + FL);
            ca0.add(FloatVector.fromArray(FS, c, cIdx + 10 * ldc)).intoArray(c, cIdx + 10 * ldc); ca1.add(FloatVector.fromArray(FS, c, cIdx + 10 * ldc + FL)).intoArray(c, cIdx + 10 * ldc + FL);
            cb0.add(FloatVector.fromArray(FS, c, cIdx + 11 * ldc)).intoArray(c, cIdx + 11 * ldc); cb1.add(FloatVector.fromArray(FS, c, cIdx + 11 * ldc + FL)).intoArray(c, cIdx + 11 * ldc + FL);
        } else {
            c00.intoArray(c, cIdx); c01.intoArray(c, cIdx + FL);
            c10.intoArray(c, cIdx + 1 * ldc); c11.intoArray(c, cIdx + 1 * ldc + FL);
            c20.intoArray(c, cIdx + 2 * ldc); c21.intoArray(c, cIdx + 2 * ldc + FL);
            c30.intoArray(c, cIdx + 3 * ldc); c31.intoArray(c, cIdx + 3 * ldc + FL);
            c40.intoArray(c, cIdx + 4 * ldc); c41.intoArray(c, cIdx + 4 * ldc + FL);
            c50.intoArray(c, cIdx + 5 * ldc); c51.intoArray(c, cIdx + 5 * ldc + FL);
            c60.intoArray(c, cIdx + 6 * ldc); c61.intoArray(c, cIdx + 6 * ldc + FL);
            c70.intoArray(c, cIdx + 7 * ldc); c71.intoArray(c, cIdx + 7 * ldc + FL);
            c80.intoArray(c, cIdx + 8 * ldc); c81.intoArray(c, cIdx + 8 * ldc + FL);
            c90.intoArray(c, cIdx + 9 * ldc); c91.intoArray(c, cIdx + 9 * ldc + FL);
            ca0.intoArray(c, cIdx + 10 * ldc); ca1.intoArray(c, cIdx + 10 * ldc + FL);
            cb0.intoArray(c, cIdx + 11 * ldc); cb1.intoArray(c, cIdx + 11 * ldc + FL);
        }
    }

    // =============================================================================================
    // double: the same algorithm; Java has no generics over primitive arrays, so it is spelled twice.
    // =============================================================================================

    /** As {@link #sgemm}, for doubles. */
    public static void dgemm(int m, int n, int k,
                             double[] a, int aOff, int aRowStride, int aColStride,
                             double[] b, int bOff, int bRowStride, int bColStride,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        if (m <= 0 || n <= 0) return;
        markProductStarted();
        if (k <= 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0d);
            return;
        }
        long work = (long) m * n * k;
        if (work < SMALL) {
            smallDgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate);
            return;
        }
        if (Math.min(m, n) <= SKINNY
                && skinnyDgemm(m, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate)) return;
        int threads = work < PARALLEL_MIN / 2 ? 1 : Parallel.threads();
        // Split along the larger dimension, in whole micro-tiles, so each task packs as little as possible.
        boolean splitM = m >= n;
        int unit = splitM ? D_MR : D_NR;
        int extent = splitM ? m : n;
        int units = Math.ceilDiv(extent, unit);
        // One task per thread, or a few per thread when the output is tall enough that the extra
        // packing of the other operand stays small: then a thread slowed by other work on the machine
        // hands tasks to the others instead of holding everyone up.
        int tasks = threads == 1 ? 1 : Math.min(units, threads * Math.clamp(extent / (threads * 2L * D_MC), 1, 4));
        if (tasks <= 1) {
            dgemmBlock(0, m, 0, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate);
            return;
        }
        int count = tasks;
        Parallel.forTasks(count, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                // Units spread evenly: task sizes differ by at most one micro-tile.
                int lo = (int) ((long) t * units / count) * unit, hi = Math.min(extent, (int) ((long) (t + 1) * units / count) * unit);
                if (splitM) dgemmBlock(lo, hi, 0, n, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate);
                else dgemmBlock(0, m, lo, hi, k, a, aOff, aRowStride, aColStride, b, bOff, bRowStride, bColStride, c, cOff, ldc, accumulate);
            }
        });
    }

    private static void smallDgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs,
                                   double[] b, int bOff, int bRs, int bCs, double[] c, int cOff, int ldc, boolean accumulate) {
        if (bCs == 1 && n >= DL) {
            smallRowsDgemm(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, c, cOff, ldc, accumulate);
            return;
        }
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0d);
            for (int p = 0; p < k; p++) {
                double aip = a[aOff + i * aRs + p * aCs];
                int bp = bOff + p * bRs;
                for (int j = 0; j < n; j++) c[ci + j] += aip * b[bp + j * bCs];
            }
        }
    }

    /** As {@link #smallRowsSgemm(int, int, int, float[], int, int, int, float[], int, int, float[], int, int, boolean)}, for doubles. */
    private static void smallRowsDgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs,
                                       double[] b, int bOff, int bRs, double[] c, int cOff, int ldc, boolean accumulate) {
        int nv = n - n % DL;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int a0 = aOff + i * aRs, a1 = a0 + aRs, a2 = a1 + aRs, a3 = a2 + aRs, c0 = cOff + i * ldc;
            for (int j = 0; j < nv; j += DL) {
                DoubleVector s0 = DoubleVector.zero(DS), s1 = s0, s2 = s0, s3 = s0;
                for (int p = 0; p < k; p++) {
                    DoubleVector bv = DoubleVector.fromArray(DS, b, bOff + p * bRs + j);
                    s0 = DoubleVector.broadcast(DS, a[a0 + p * aCs]).fma(bv, s0);
                    s1 = DoubleVector.broadcast(DS, a[a1 + p * aCs]).fma(bv, s1);
                    s2 = DoubleVector.broadcast(DS, a[a2 + p * aCs]).fma(bv, s2);
                    s3 = DoubleVector.broadcast(DS, a[a3 + p * aCs]).fma(bv, s3);
                }
                if (accumulate) {
                    s0 = s0.add(DoubleVector.fromArray(DS, c, c0 + j));
                    s1 = s1.add(DoubleVector.fromArray(DS, c, c0 + ldc + j));
                    s2 = s2.add(DoubleVector.fromArray(DS, c, c0 + 2 * ldc + j));
                    s3 = s3.add(DoubleVector.fromArray(DS, c, c0 + 3 * ldc + j));
                }
                s0.intoArray(c, c0 + j);
                s1.intoArray(c, c0 + ldc + j);
                s2.intoArray(c, c0 + 2 * ldc + j);
                s3.intoArray(c, c0 + 3 * ldc + j);
            }
            for (int r = 0; r < 4; r++) smallRowTail(nv, n, k, a, a0 + r * aRs, aCs, b, bOff, bRs, c, c0 + r * ldc, accumulate);
        }
        for (; i < m; i++) {
            int a0 = aOff + i * aRs, c0 = cOff + i * ldc;
            for (int j = 0; j < nv; j += DL) {
                DoubleVector s0 = DoubleVector.zero(DS);
                for (int p = 0; p < k; p++)
                    s0 = DoubleVector.broadcast(DS, a[a0 + p * aCs]).fma(DoubleVector.fromArray(DS, b, bOff + p * bRs + j), s0);
                if (accumulate) s0 = s0.add(DoubleVector.fromArray(DS, c, c0 + j));
                s0.intoArray(c, c0 + j);
            }
            smallRowTail(nv, n, k, a, a0, aCs, b, bOff, bRs, c, c0, accumulate);
        }
    }

    /** Columns [j0, n) of one row of C in {@link #smallRowsDgemm}: the same sums, one lane at a time. */
    private static void smallRowTail(int j0, int n, int k, double[] a, int a0, int aCs, double[] b, int bOff, int bRs,
                                     double[] c, int c0, boolean accumulate) {
        for (int j = j0; j < n; j++) {
            double sum = 0d;
            for (int p = 0; p < k; p++) sum = Math.fma(a[a0 + p * aCs], b[bOff + p * bRs + j], sum);
            c[c0 + j] = accumulate ? c[c0 + j] + sum : sum;
        }
    }

    private static boolean skinnyDgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs,
                                       double[] b, int bOff, int bRs, int bCs, double[] c, int cOff, int ldc, boolean accumulate) {
        if (aCs == 1 && bRs == 1) {
            Parallel.forRange(m * n, Math.max(1, (int) (PARALLEL_MIN / k)), (q0, q1) -> {
                for (int q = q0; q < q1; q++) {
                    int i = q / n, j = q % n, ci = cOff + i * ldc + j;
                    double d = dot(k, a, aOff + i * aRs, b, bOff + j * bCs);
                    c[ci] = accumulate ? c[ci] + d : d;
                }
            });
            return true;
        }
        if (bCs == 1 && m <= SKINNY) {
            Parallel.forRange(n, Math.max(4 * DL, (int) (PARALLEL_MIN / ((long) m * k))), (j0, j1) -> {
                for (int i = 0; i < m; i++) {
                    int ci = cOff + i * ldc;
                    if (!accumulate) java.util.Arrays.fill(c, ci + j0, ci + j1, 0d);
                    for (int p = 0; p < k; p++) axpy(j1 - j0, a[aOff + i * aRs + p * aCs], b, bOff + p * bRs + j0, c, ci + j0);
                }
            });
            return true;
        }
        return false;
    }

    private static double dot(int k, double[] x, int xo, double[] y, int yo) {
        DoubleVector s0 = DoubleVector.zero(DS), s1 = s0, s2 = s0, s3 = s0;
        int p = 0;
        for (; p <= k - 4 * DL; p += 4 * DL) {
            s0 = DoubleVector.fromArray(DS, x, xo + p).fma(DoubleVector.fromArray(DS, y, yo + p), s0);
            s1 = DoubleVector.fromArray(DS, x, xo + p + DL).fma(DoubleVector.fromArray(DS, y, yo + p + DL), s1);
            s2 = DoubleVector.fromArray(DS, x, xo + p + 2 * DL).fma(DoubleVector.fromArray(DS, y, yo + p + 2 * DL), s2);
            s3 = DoubleVector.fromArray(DS, x, xo + p + 3 * DL).fma(DoubleVector.fromArray(DS, y, yo + p + 3 * DL), s3);
        }
        for (; p <= k - DL; p += DL) s0 = DoubleVector.fromArray(DS, x, xo + p).fma(DoubleVector.fromArray(DS, y, yo + p), s0);
        double sum = Simd.sumLanes(s0.add(s1).add(s2.add(s3)));
        for (; p < k; p++) sum += x[xo + p] * y[yo + p];
        return sum;
    }

    private static void axpy(int n, double alpha, double[] x, int xo, double[] y, int yo) {
        DoubleVector va = DoubleVector.broadcast(DS, alpha);
        int j = 0;
        for (; j <= n - DL; j += DL)
            DoubleVector.fromArray(DS, x, xo + j).fma(va, DoubleVector.fromArray(DS, y, yo + j)).intoArray(y, yo + j);
        for (; j < n; j++) y[yo + j] += alpha * x[xo + j];
    }

    private static void dgemmBlock(int m0, int m1, int n0, int n1, int k,
                                   double[] a, int aOff, int aRs, int aCs,
                                   double[] b, int bOff, int bRs, int bCs,
                                   double[] c, int cOff, int ldc, boolean accumulate) {
        double[] ap = D_APACK.get(), bp = D_BPACK.get(), tile = D_TILE.get();
        for (int jc = n0; jc < n1; jc += D_NC) {
            int nc = Math.min(D_NC, n1 - jc);
            for (int pc = 0; pc < k; pc += D_KC) {
                int kc = Math.min(D_KC, k - pc);
                boolean add = accumulate || pc > 0;
                packB(kc, nc, b, bOff + pc * bRs + jc * bCs, bRs, bCs, bp);
                for (int ic = m0; ic < m1; ic += D_MC) {
                    int mc = Math.min(D_MC, m1 - ic);
                    packA(mc, kc, a, aOff + ic * aRs + pc * aCs, aRs, aCs, ap);
                    macroKernel(mc, nc, kc, ap, bp, c, cOff + ic * ldc + jc, ldc, add, tile);
                }
            }
        }
    }

    private static void packA(int mc, int kc, double[] a, int aOff, int aRs, int aCs, double[] ap) {
        for (int s = 0; s < mc; s += D_MR) {
            int rows = Math.min(D_MR, mc - s);
            int base = s * kc;
            if (aCs == 1) {
                // Row-major A: a transpose. Full slivers go 8 columns at a time through registers.
                int p0 = 0;
                if (rows == D_MR && DL == 8)
                    for (; p0 + 8 <= kc; p0 += 8) transpose12x8(a, aOff + s * aRs + p0, aRs, ap, base + p0 * D_MR);
                for (int r = 0; r < rows; r++) {
                    int src = aOff + (s + r) * aRs;
                    for (int p = p0, dst = base + p0 * D_MR + r; p < kc; p++, dst += D_MR) ap[dst] = a[src + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + s * aRs + p * aCs, dst = base + p * D_MR;
                    for (int r = 0; r < rows; r++) ap[dst + r] = a[src + r * aRs];
                }
            }
            if (rows < D_MR)
                for (int p = 0; p < kc; p++)
                    for (int r = rows; r < D_MR; r++) ap[base + p * D_MR + r] = 0d;
        }
    }

    private static void packB(int kc, int nc, double[] b, int bOff, int bRs, int bCs, double[] bp) {
        for (int j = 0; j < nc; j += D_NR) {
            int cols = Math.min(D_NR, nc - j);
            int base = j * kc;
            if (bCs == 1 && cols == D_NR) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + p * bRs + j, dst = base + p * D_NR;
                    for (int v = 0; v < D_NR; v += DL) DoubleVector.fromArray(DS, b, src + v).intoArray(bp, dst + v);
                }
                continue;
            }
            if (bRs == 1) {
                // Column-major B (a transposed operand): a transpose, through registers for full panels.
                int p0 = 0;
                if (cols == D_NR && DL == 8)
                    for (; p0 + 8 <= kc; p0 += 8)
                        for (int h = 0; h < D_NR; h += 8)
                            TileTranspose.transpose8x8(b, bOff + (j + h) * bCs + p0, bCs, bp, base + p0 * D_NR + h, D_NR);
                for (int cc = 0; cc < cols; cc++) {
                    int src = bOff + (j + cc) * bCs;
                    for (int p = p0, dst = base + p0 * D_NR + cc; p < kc; p++, dst += D_NR) bp[dst] = b[src + p];
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + p * bRs + j * bCs, dst = base + p * D_NR;
                    for (int cc = 0; cc < cols; cc++) bp[dst + cc] = b[src + cc * bCs];
                }
            }
            if (cols < D_NR)
                for (int p = 0; p < kc; p++)
                    for (int cc = cols; cc < D_NR; cc++) bp[base + p * D_NR + cc] = 0d;
        }
    }

    // ---- F64 packing transposes: B panels 8 x 8 at a time (TileTranspose), A slivers 12 x 8 here,
    // with TileTranspose's stage permutes ----

    /**
     * ap[d0 + t * 12 + r] = a[s0 + r * ss + t] for r in [0, 12), t in [0, 8): one 8-column step of a
     * full F64 A sliver, as rows 0..7 and rows 8..11 (with four don't-care rows) transposed 8 x 8.
     * Each store of rows 8..11 also writes 4 lanes past its sliver row, which the next store of rows
     * 0..7 (or the next step, the next sliver, or the buffer's slack) takes over.
     */
    private static void transpose12x8(double[] src, int s0, int ss, double[] dst, int d0) {
        DoubleVector v0 = DoubleVector.fromArray(DS, src, s0), v1 = DoubleVector.fromArray(DS, src, s0 + ss),
                v2 = DoubleVector.fromArray(DS, src, s0 + 2 * ss), v3 = DoubleVector.fromArray(DS, src, s0 + 3 * ss),
                v4 = DoubleVector.fromArray(DS, src, s0 + 4 * ss), v5 = DoubleVector.fromArray(DS, src, s0 + 5 * ss),
                v6 = DoubleVector.fromArray(DS, src, s0 + 6 * ss), v7 = DoubleVector.fromArray(DS, src, s0 + 7 * ss),
                u0 = DoubleVector.fromArray(DS, src, s0 + 8 * ss), u1 = DoubleVector.fromArray(DS, src, s0 + 9 * ss),
                u2 = DoubleVector.fromArray(DS, src, s0 + 10 * ss), u3 = DoubleVector.fromArray(DS, src, s0 + 11 * ss);
        DoubleVector u4 = u0, u5 = u0, u6 = u0, u7 = u0;     // rows 12..15: don't-care lanes
        DoubleVector[] x = TileTranspose.D_STAGES;
        DoubleVector lo = x[0], hi = x[1];
        DoubleVector w0 = lo.selectFrom(v0, v4), w4 = hi.selectFrom(v0, v4), w1 = lo.selectFrom(v1, v5), w5 = hi.selectFrom(v1, v5),
                w2 = lo.selectFrom(v2, v6), w6 = hi.selectFrom(v2, v6), w3 = lo.selectFrom(v3, v7), w7 = hi.selectFrom(v3, v7);
        DoubleVector y0 = lo.selectFrom(u0, u4), y4 = hi.selectFrom(u0, u4), y1 = lo.selectFrom(u1, u5), y5 = hi.selectFrom(u1, u5),
                y2 = lo.selectFrom(u2, u6), y6 = hi.selectFrom(u2, u6), y3 = lo.selectFrom(u3, u7), y7 = hi.selectFrom(u3, u7);
        lo = x[2];
        hi = x[3];
        v0 = lo.selectFrom(w0, w2); v2 = hi.selectFrom(w0, w2); v1 = lo.selectFrom(w1, w3); v3 = hi.selectFrom(w1, w3);
        v4 = lo.selectFrom(w4, w6); v6 = hi.selectFrom(w4, w6); v5 = lo.selectFrom(w5, w7); v7 = hi.selectFrom(w5, w7);
        u0 = lo.selectFrom(y0, y2); u2 = hi.selectFrom(y0, y2); u1 = lo.selectFrom(y1, y3); u3 = hi.selectFrom(y1, y3);
        u4 = lo.selectFrom(y4, y6); u6 = hi.selectFrom(y4, y6); u5 = lo.selectFrom(y5, y7); u7 = hi.selectFrom(y5, y7);
        lo = x[4];
        hi = x[5];
        int ds = D_MR;
        // In increasing t, rows 0..7 then rows 8..11 (+ overhang), so every overhang is overwritten.
        lo.selectFrom(v0, v1).intoArray(dst, d0);              lo.selectFrom(u0, u1).intoArray(dst, d0 + 8);
        hi.selectFrom(v0, v1).intoArray(dst, d0 + ds);         hi.selectFrom(u0, u1).intoArray(dst, d0 + ds + 8);
        lo.selectFrom(v2, v3).intoArray(dst, d0 + 2 * ds);     lo.selectFrom(u2, u3).intoArray(dst, d0 + 2 * ds + 8);
        hi.selectFrom(v2, v3).intoArray(dst, d0 + 3 * ds);     hi.selectFrom(u2, u3).intoArray(dst, d0 + 3 * ds + 8);
        lo.selectFrom(v4, v5).intoArray(dst, d0 + 4 * ds);     lo.selectFrom(u4, u5).intoArray(dst, d0 + 4 * ds + 8);
        hi.selectFrom(v4, v5).intoArray(dst, d0 + 5 * ds);     hi.selectFrom(u4, u5).intoArray(dst, d0 + 5 * ds + 8);
        lo.selectFrom(v6, v7).intoArray(dst, d0 + 6 * ds);     lo.selectFrom(u6, u7).intoArray(dst, d0 + 6 * ds + 8);
        hi.selectFrom(v6, v7).intoArray(dst, d0 + 7 * ds);     hi.selectFrom(u6, u7).intoArray(dst, d0 + 7 * ds + 8);
    }

    private static void macroKernel(int mc, int nc, int kc, double[] ap, double[] bp,
                                    double[] c, int cBase, int ldc, boolean add, double[] tile) {
        for (int jr = 0; jr < nc; jr += D_NR) {
            int nr = Math.min(D_NR, nc - jr);
            int bIdx = jr * kc;
            for (int ir = 0; ir < mc; ir += D_MR) {
                int mr = Math.min(D_MR, mc - ir);
                int aIdx = ir * kc;
                int cIdx = cBase + ir * ldc + jr;
                if (mr == D_MR && nr == D_NR) {
                    kernel12x2(kc, ap, aIdx, bp, bIdx, c, cIdx, ldc, add);
                } else {
                    kernel12x2(kc, ap, aIdx, bp, bIdx, tile, 0, D_NR, false);
                    for (int r = 0; r < mr; r++) {
                        int row = cIdx + r * ldc, t = r * D_NR;
                        if (add) for (int j = 0; j < nr; j++) c[row + j] += tile[t + j];
                        else System.arraycopy(tile, t, c, row, nr);
                    }
                }
            }
        }
    }

    private static void kernel12x2(int kc, double[] ap, int aIdx, double[] bp, int bIdx,
                                   double[] c, int cIdx, int ldc, boolean add) {
        // Everything stays in this one method: a vector passed to a helper that C2 declines to inline
        // would be boxed on the heap, and the kernel would run ten times slower.
        DoubleVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71, c80, c81, c90, c91, ca0, ca1, cb0, cb1;
        // The accumulators start at zero and C is added once, after the loop: loading C first would put
        // its (often cache-missing) loads at the head of every accumulator's dependency chain and stall
        // the FMAs until they arrive, while after the loop the loads overlap the last updates and the
        // next tile's start (BLIS kernels likewise update C only at the end of the rank-kc update).
        DoubleVector z = DoubleVector.zero(DS);
        c00 = z; c01 = z;
        c10 = z; c11 = z;
        c20 = z; c21 = z;
        c30 = z; c31 = z;
        c40 = z; c41 = z;
        c50 = z; c51 = z;
        c60 = z; c61 = z;
        c70 = z; c71 = z;
        c80 = z; c81 = z;
        c90 = z; c91 = z;
        ca0 = z; ca1 = z;
        cb0 = z; cb1 = z;
        // Indices are written as (loop counter x constant + invariant) so C2 can hoist the range checks.
        for (int p = 0; p < kc; p++) {
            int ai = aIdx + p * D_MR, bi = bIdx + p * D_NR;
            DoubleVector b0 = DoubleVector.fromArray(DS, bp, bi);
            DoubleVector b1 = DoubleVector.fromArray(DS, bp, bi + DL);
            DoubleVector x;
            x = DoubleVector.broadcast(DS, ap[ai]);      c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(DS, ap[ai + 1]);  c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(DS, ap[ai + 2]);  c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(DS, ap[ai + 3]);  c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(DS, ap[ai + 4]);  c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(DS, ap[ai + 5]);  c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            x = DoubleVector.broadcast(DS, ap[ai + 6]);  c60 = x.fma(b0, c60); c61 = x.fma(b1, c61);
            x = DoubleVector.broadcast(DS, ap[ai + 7]);  c70 = x.fma(b0, c70); c71 = x.fma(b1, c71);
            x = DoubleVector.broadcast(DS, ap[ai + 8]);  c80 = x.fma(b0, c80); c81 = x.fma(b1, c81);
            x = DoubleVector.broadcast(DS, ap[ai + 9]);  c90 = x.fma(b0, c90); c91 = x.fma(b1, c91);
            x = DoubleVector.broadcast(DS, ap[ai + 10]); ca0 = x.fma(b0, ca0); ca1 = x.fma(b1, ca1);
            x = DoubleVector.broadcast(DS, ap[ai + 11]); cb0 = x.fma(b0, cb0); cb1 = x.fma(b1, cb1);
        }
        if (add) {
            c00.add(DoubleVector.fromArray(DS, c, cIdx)).intoArray(c, cIdx); c01.add(DoubleVector.fromArray(DS, c, cIdx + DL)).intoArray(c, cIdx + DL);
            c10.add(DoubleVector.fromArray(DS, c, cIdx + 1 * ldc)).intoArray(c, cIdx + 1 * ldc); c11.add(DoubleVector.fromArray(DS, c, cIdx + 1 * ldc + DL)).intoArray(c, cIdx + 1 * ldc + DL);
            c20.add(DoubleVector.fromArray(DS, c, cIdx + 2 * ldc)).intoArray(c, cIdx + 2 * ldc); c21.add(DoubleVector.fromArray(DS, c, cIdx + 2 * ldc + DL)).intoArray(c, cIdx + 2 * ldc + DL);
            c30.add(DoubleVector.fromArray(DS, c, cIdx + 3 * ldc)).intoArray(c, cIdx + 3 * ldc); c31.add(DoubleVector.fromArray(DS, c, cIdx + 3 * ldc + DL)).intoArray(c, cIdx + 3 * ldc + DL);
            c40.add(DoubleVector.fromArray(DS, c, cIdx + 4 * ldc)).intoArray(c, cIdx + 4 * ldc); c41.add(DoubleVector.fromArray(DS, c, cIdx + 4 * ldc + DL)).intoArray(c, cIdx + 4 * ldc + DL);
            c50.add(DoubleVector.fromArray(DS, c, cIdx + 5 * ldc)).intoArray(c, cIdx + 5 * ldc); c51.add(DoubleVector.fromArray(DS, c, cIdx + 5 * ldc + DL)).intoArray(c, cIdx + 5 * ldc + DL);
            c60.add(DoubleVector.fromArray(DS, c, cIdx + 6 * ldc)).intoArray(c, cIdx + 6 * ldc); c61.add(DoubleVector.fromArray(DS, c, cIdx + 6 * ldc + DL)).intoArray(c, cIdx + 6 * ldc + DL);
            c70.add(DoubleVector.fromArray(DS, c, cIdx + 7 * ldc)).intoArray(c, cIdx + 7 * ldc); c71.add(DoubleVector.fromArray(DS, c, cIdx + 7 * ldc + DL)).intoArray(c, cIdx + 7 * ldc + DL);
            c80.add(DoubleVector.fromArray(DS, c, cIdx + 8 * ldc)).intoArray(c, cIdx + 8 * ldc); c81.add(DoubleVector.fromArray(DS, c, cIdx + 8 * ldc + DL)).intoArray(c, cIdx + 8 * ldc + DL);
            c90.add(DoubleVector.fromArray(DS, c, cIdx + 9 * ldc)).intoArray(c, cIdx + 9 * ldc); c91.add(DoubleVector.fromArray(DS, c, cIdx + 9 * ldc + DL)).intoArray(c, cIdx + 9 * ldc + DL);
            ca0.add(DoubleVector.fromArray(DS, c, cIdx + 10 * ldc)).intoArray(c, cIdx + 10 * ldc); ca1.add(DoubleVector.fromArray(DS, c, cIdx + 10 * ldc + DL)).intoArray(c, cIdx + 10 * ldc + DL);
            cb0.add(DoubleVector.fromArray(DS, c, cIdx + 11 * ldc)).intoArray(c, cIdx + 11 * ldc); cb1.add(DoubleVector.fromArray(DS, c, cIdx + 11 * ldc + DL)).intoArray(c, cIdx + 11 * ldc + DL);
        } else {
            c00.intoArray(c, cIdx); c01.intoArray(c, cIdx + DL);
            c10.intoArray(c, cIdx + 1 * ldc); c11.intoArray(c, cIdx + 1 * ldc + DL);
            c20.intoArray(c, cIdx + 2 * ldc); c21.intoArray(c, cIdx + 2 * ldc + DL);
            c30.intoArray(c, cIdx + 3 * ldc); c31.intoArray(c, cIdx + 3 * ldc + DL);
            c40.intoArray(c, cIdx + 4 * ldc); c41.intoArray(c, cIdx + 4 * ldc + DL);
            c50.intoArray(c, cIdx + 5 * ldc); c51.intoArray(c, cIdx + 5 * ldc + DL);
            c60.intoArray(c, cIdx + 6 * ldc); c61.intoArray(c, cIdx + 6 * ldc + DL);
            c70.intoArray(c, cIdx + 7 * ldc); c71.intoArray(c, cIdx + 7 * ldc + DL);
            c80.intoArray(c, cIdx + 8 * ldc); c81.intoArray(c, cIdx + 8 * ldc + DL);
            c90.intoArray(c, cIdx + 9 * ldc); c91.intoArray(c, cIdx + 9 * ldc + DL);
            ca0.intoArray(c, cIdx + 10 * ldc); ca1.intoArray(c, cIdx + 10 * ldc + DL);
            cb0.intoArray(c, cIdx + 11 * ldc); cb1.intoArray(c, cIdx + 11 * ldc + DL);
        }
    }
}
