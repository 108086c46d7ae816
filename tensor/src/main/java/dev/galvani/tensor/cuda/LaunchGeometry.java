package dev.galvani.tensor.cuda;

/**
 * How many blocks of how many threads a kernel launch uses. Element-wise kernels use grid-stride
 * loops, so the grid is capped (a few waves of blocks per multiprocessor) and any element count is
 * covered; tiled kernels get one block per tile. Pure arithmetic, tested on the CPU.
 */
final class LaunchGeometry {

    private LaunchGeometry() {}

    /** Threads per block of the element-wise, random and LIF kernels. */
    static final int THREADS = 256;
    /** Blocks per multiprocessor a grid-stride launch asks for: enough resident warps to hide memory latency. */
    static final int BLOCKS_PER_SM = 16;
    /** The largest grid dimension y or z (x may be much larger; the caps keep every launch under this). */
    static final int MAX_GRID_YZ = 65_535;
    /** The tile of the SGEMM kernel (gemm.cu: BM = BN = 128) and its threads. */
    static final int GEMM_TILE = 128, GEMM_THREADS = 256;
    /** The tile of the DGEMM kernel (16 x 16 threads, one output each). */
    static final int DGEMM_TILE = 16;

    /**
     * A launch configuration: grid and block dimensions and dynamic shared memory in bytes.
     * @param gridX blocks along x
     * @param gridY blocks along y
     * @param gridZ blocks along z
     * @param blockX threads along x
     * @param blockY threads along y
     * @param blockZ threads along z
     * @param sharedBytes dynamic shared memory per block
     */
    record Grid(int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ, int sharedBytes) {
        Grid {
            if (gridX < 1 || gridY < 1 || gridZ < 1 || gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ)
                throw new IllegalArgumentException("grid " + gridX + " x " + gridY + " x " + gridZ + " is out of CUDA's range");
            if (blockX < 1 || blockY < 1 || blockZ < 1 || (long) blockX * blockY * blockZ > 1024)
                throw new IllegalArgumentException("block " + blockX + " x " + blockY + " x " + blockZ + " is out of CUDA's range");
        }

        /** Total threads launched. */
        long threads() { return (long) gridX * gridY * gridZ * blockX * blockY * blockZ; }
    }

    /**
     * A grid-stride launch over {@code items} work items: one thread per item up to
     * {@code BLOCKS_PER_SM} blocks per multiprocessor, each thread looping over the rest.
     * @param items work items (elements, or float4 groups); at least 1
     * @param multiprocessors the device's SM count
     */
    static Grid gridStride(long items, int multiprocessors) {
        if (items < 1) throw new IllegalArgumentException("a launch needs at least one work item, got " + items);
        long blocks = Math.min(ceilDiv(items, THREADS), (long) Math.max(1, multiprocessors) * BLOCKS_PER_SM);
        return new Grid((int) blocks, 1, 1, THREADS, 1, 1, 0);
    }

    /** Whether a reduction of {@code length} elements per output takes one thread per output ({@code reduce_short}). */
    static boolean shortReduction(long outputs, long length) { return length <= 16 || (length <= 64 && outputs >= 8192); }

    /**
     * A reduction with one block per output ({@code reduce_rows}): threads a power of two between 32
     * and 256, no more than the length needs; at most {@code BLOCKS_PER_SM * 4} blocks per SM, each
     * taking several outputs in turn.
     */
    static Grid reduceRows(long outputs, long length, int multiprocessors) {
        int threads = 32;
        while (threads < 256 && threads < length) threads *= 2;
        long blocks = Math.min(Math.max(1, outputs), (long) Math.max(1, multiprocessors) * BLOCKS_PER_SM * 4);
        return new Grid((int) blocks, 1, 1, threads, 1, 1, 0);
    }

    /**
     * Whether a scatter-add over {@code lines} lines along a dimension of {@code size} runs one thread
     * per target element scanning its line ({@code scatter_add_scan}) rather than one thread per line:
     * when the lines alone would leave most of the GPU idle (fewer than a warp per multiprocessor)
     * and a line is short enough that reading its indices once per target element stays cheap.
     */
    static boolean scatterByScan(long lines, int size, int multiprocessors) {
        return lines < 32L * Math.max(1, multiprocessors) && size <= 4096;
    }

    /** SGEMM: one block per 128 x 128 tile of each batch entry ({@code batch} at most {@link #MAX_GRID_YZ}). */
    static Grid sgemm(int m, int n, int batch) {
        return new Grid((int) ceilDiv(n, GEMM_TILE), (int) ceilDiv(m, GEMM_TILE), batch, GEMM_THREADS, 1, 1, 0);
    }

    /** DGEMM: one 16 x 16 block per tile of each batch entry. */
    static Grid dgemm(int m, int n, int batch) {
        return new Grid((int) ceilDiv(n, DGEMM_TILE), (int) ceilDiv(m, DGEMM_TILE), batch, DGEMM_TILE, DGEMM_TILE, 1, 0);
    }

    /** Batches per launch of a batched matmul: the grid's z is limited, so larger batches go in chunks. */
    static int batchChunk(int batch) { return Math.min(batch, MAX_GRID_YZ); }

    static long ceilDiv(long a, long b) { return (a + b - 1) / b; }
}
