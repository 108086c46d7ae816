package dev.galvani.tensor.cpu;

/**
 * The nonzero taps of a delay layer as a compressed sparse table: per output row, entries sorted by
 * column, each a (column, time offset, value). Row r's entries whose column lies in block q (columns
 * {@code q·BLOCK_COLS …}) are {@code ptr[r·(blocks + 1) + q] … ptr[r·(blocks + 1) + q + 1]}, so a
 * kernel can sweep the columns block by block and keep one block's inputs in L1.
 *
 * <p>Forward tables have rows = output channels o, columns = input channels i, and the offset is the
 * tap k (the input step read for output step t is {@code t + k − (D − 1)}); {@link #transpose} gives
 * the table of the input gradient, rows i, columns o, offset the delay {@code D − 1 − k} (output step
 * {@code t + d} feeds input step t).
 */
final class TapTable {

    /** Columns per block: 16 input channels × (16 + D − 1) steps × 16 lanes of floats is 40 KiB at D = 25, within L1 (48 KiB). */
    static final int BLOCK_COLS = 16;

    final int rows, cols, blocks;
    final int[] ptr, col, off;
    final double[] val;

    private TapTable(int rows, int cols, int[] ptr, int[] col, int[] off, double[] val) {
        this.rows = rows;
        this.cols = cols;
        this.blocks = Math.ceilDiv(cols, BLOCK_COLS);
        this.ptr = ptr;
        this.col = col;
        this.off = off;
        this.val = val;
    }

    /** Number of entries. */
    int size() { return col.length; }

    /** Where row r starts. */
    int rowStart(int r) { return ptr[r * (blocks + 1)]; }

    /** Where row r ends. */
    int rowEnd(int r) { return ptr[r * (blocks + 1) + blocks]; }

    /** Fills one row's entries, given where they start. */
    interface RowFiller {
        /** Writes row r's entries from {@code start} on, in column order. */
        void fill(int r, int start, int[] col, int[] off, double[] val);
    }

    /**
     * A table from per-row entry counts (computed first, so rows can be filled in parallel into
     * their own ranges) and a filler.
     */
    static TapTable build(int rows, int cols, int[] counts, RowFiller filler) {
        int[] start = new int[rows + 1];
        for (int r = 0; r < rows; r++) start[r + 1] = start[r] + counts[r];
        int n = start[rows];
        int[] col = new int[n], off = new int[n];
        double[] val = new double[n];
        Parallel.forRange(rows, 16, (r0, r1) -> {
            for (int r = r0; r < r1; r++) filler.fill(r, start[r], col, off, val);
        });
        return indexed(rows, cols, start, col, off, val);
    }

    private static TapTable indexed(int rows, int cols, int[] start, int[] col, int[] off, double[] val) {
        int blocks = Math.ceilDiv(cols, BLOCK_COLS);
        int[] ptr = new int[rows * (blocks + 1)];
        for (int r = 0; r < rows; r++) {
            int e = start[r];
            for (int q = 0; q <= blocks; q++) {
                int limit = Math.min(cols, q * BLOCK_COLS);
                while (e < start[r + 1] && col[e] < limit) e++;
                ptr[r * (blocks + 1) + q] = q == blocks ? start[r + 1] : e;
            }
        }
        return new TapTable(rows, cols, ptr, col, off, val);
    }

    /**
     * The input-gradient table: rows and columns swapped, offsets mapped by {@code offset}, values
     * kept. A stable counting sort by column keeps the new rows' entries in column order.
     */
    TapTable transpose(java.util.function.IntUnaryOperator offset) {
        int n = size();
        int[] start = new int[cols + 1];
        for (int e = 0; e < n; e++) start[col[e] + 1]++;
        for (int c = 0; c < cols; c++) start[c + 1] += start[c];
        int[] fill = start.clone(), tCol = new int[n], tOff = new int[n];
        double[] tVal = new double[n];
        for (int r = 0; r < rows; r++)
            for (int e = rowStart(r), end = rowEnd(r); e < end; e++) {
                int at = fill[col[e]]++;
                tCol[at] = r;
                tOff[at] = offset.applyAsInt(off[e]);
                tVal[at] = val[e];
            }
        return indexed(cols, rows, start, tCol, tOff, tVal);
    }
}
