package dev.galvani.tensor.cpu;

/**
 * How the {@code outer * inner} sequences of an [outer, length, inner] transform are grouped into
 * blocks of W, one sequence per vector lane. With a wide inner dimension (at least 4 W, or a
 * multiple of W) a block is W neighbouring columns of one outer index, so a lane buffer row is one
 * vector load, and the columns left over after the last whole W of each outer index (inner mod W of
 * them) are pooled, W at a time, into blocks of their own after all the others, so that no block
 * runs mostly empty lanes (the last dimension of an rfft2 spectrum, W/2 + 1 wide, leaves one);
 * otherwise the sequences are taken in (outer, inner) order, W at a time, and the lanes are copied in
 * tiles (lanes a fixed distance apart, as rows of the last dimension are) or one by one. A
 * sequence's block and lane never change its result.
 */
final class FftBlocks {

    private final int outer, inner, w, perOuter, leftover;
    private final boolean byColumns;

    FftBlocks(int outer, int inner, int w) {
        this.outer = outer;
        this.inner = inner;
        this.w = w;
        this.byColumns = inner > 1 && (inner >= 4 * w || inner % w == 0);
        this.perOuter = inner / w;
        this.leftover = inner % w;
    }

    /** The number of blocks. */
    int count() {
        return byColumns ? outer * perOuter + Math.ceilDiv(outer * leftover, w) : (int) Math.ceilDiv((long) outer * inner, w);
    }

    /** Blocks per task: about 2^16 element operations (length × lanes), at least one block. */
    int grain(int length) { return Math.max(1, (1 << 16) / Math.max(1, length * w)); }

    /** A reusable description of one block's lanes, for one thread. */
    Lanes lanes() { return new Lanes(w); }

    /** Describes block b in {@code lanes}. */
    void fill(int b, Lanes lanes) {
        if (byColumns && b < outer * perOuter) {
            lanes.kind = Lanes.COLUMNS;
            lanes.o0 = b / perOuter;
            lanes.i0 = b % perOuter * w;
            lanes.count = w;
        } else if (byColumns) {
            // the pooled leftover columns: sequence s is column perOuter w + s mod leftover of outer index s / leftover
            lanes.kind = Lanes.ANY;
            int first = (b - outer * perOuter) * w;
            lanes.count = Math.min(w, outer * leftover - first);
            for (int l = 0; l < lanes.count; l++) {
                lanes.o[l] = (first + l) / leftover;
                lanes.i[l] = perOuter * w + (first + l) % leftover;
            }
        } else if (inner == 1) {
            lanes.kind = Lanes.ROWS;
            lanes.o0 = b * w;
            lanes.i0 = 0;
            lanes.count = Math.min(w, outer - lanes.o0);
        } else {
            lanes.kind = Lanes.ANY;
            long first = (long) b * w;
            lanes.count = (int) Math.min(w, (long) outer * inner - first);
            for (int l = 0; l < lanes.count; l++) {
                lanes.o[l] = (int) ((first + l) / inner);
                lanes.i[l] = (int) ((first + l) % inner);
            }
        }
    }

    /** The sequences of one block: where each lane's sequence starts in an operand. */
    static final class Lanes {
        static final int COLUMNS = 0, ROWS = 1, ANY = 2;
        /** How many lanes hold a sequence (the others are padding). */
        int count;
        int kind, o0, i0;
        final int[] o, i;

        Lanes(int w) {
            o = new int[w];
            i = new int[w];
        }

        /** Where lane l's sequence starts in an operand [outer, len, inner] (relative to its offset). */
        int offset(int l, int len, int inner) {
            return switch (kind) {
                case COLUMNS -> o0 * len * inner + i0 + l;
                case ROWS -> (o0 + l) * len;
                default -> o[l] * len * inner + i[l];
            };
        }

        /** The distance between neighbouring lanes' starts, or −1 when they are not evenly spaced. */
        int laneStride(int len, int inner) {
            return switch (kind) {
                case COLUMNS -> 1;
                case ROWS -> len;
                default -> -1;
            };
        }
    }
}
