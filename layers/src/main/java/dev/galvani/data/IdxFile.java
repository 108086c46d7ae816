package dev.galvani.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST
 * (<a href="http://yann.lecun.com/exdb/mnist/">yann.lecun.com/exdb/mnist</a>):
 * <pre>
 *   offset 0   magic: 0x00 0x00, type 0x08 (unsigned byte), number of dimensions d
 *   offset 4   d big-endian 32-bit sizes
 *   offset 4+4d  the values, row-major, one byte each
 * </pre>
 * A gzip-compressed file (recognised by its first two bytes, not its name) is decompressed first;
 * byte offsets in error messages then count decompressed bytes, and say so.
 */
final class IdxFile {

    /**
     * One IDX file: its sizes, and its bytes ({@code data}, header included; the values start at
     * {@code headerBytes}). {@code gzip} says whether offsets count decompressed bytes.
     */
    record Contents(Path file, boolean gzip, int[] dims, byte[] data, int headerBytes) {
        /** A format error at byte {@code offset} of this file, worded like the reader's own. */
        IOException error(long offset, String problem) { return IdxFile.error(file, offset, gzip, problem); }
    }

    private static final int UNSIGNED_BYTE = 0x08;

    private IdxFile() {}

    /** Reads {@code file}, which must hold unsigned bytes in {@code rank} dimensions. */
    static Contents read(Path file, int rank) throws IOException {
        boolean gzip = isGzip(file);
        byte[] bytes = gzip ? gunzip(file) : Files.readAllBytes(file);

        int headerBytes = 4 + 4 * rank;
        if (bytes.length < 4)
            throw error(file, 0, gzip, "too short for an IDX header: " + bytes.length + " bytes");
        int magic = readInt(bytes, 0);
        int expectedMagic = UNSIGNED_BYTE << 8 | rank;
        if (magic != expectedMagic)
            throw error(file, 0, gzip, String.format("magic number 0x%08X is not that of an IDX file of unsigned bytes in %d dimensions (0x%08X)",
                    magic, rank, expectedMagic));
        if (bytes.length < headerBytes)
            throw error(file, bytes.length, gzip, "header ends early: " + rank + " dimensions need " + headerBytes + " header bytes, the file has " + bytes.length);

        int[] dims = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++) {
            dims[d] = readInt(bytes, 4 + 4 * d);
            if (dims[d] < 0) throw error(file, 4 + 4 * d, gzip, "dimension " + d + " has negative size " + dims[d]);
            expected *= dims[d];
        }
        long present = bytes.length - headerBytes;
        if (present != expected) {
            String sizes = Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(" x "));
            String problem = present < expected
                    ? "data ends early: " + sizes + " = " + expected + " values expected, " + present + " present (truncated file?)"
                    : "data runs on: " + sizes + " = " + expected + " values expected, " + present + " present";
            throw error(file, present < expected ? bytes.length : headerBytes + expected, gzip, problem);
        }
        return new Contents(file, gzip, dims, bytes, headerBytes);
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** The decompressed contents; a corrupt or cut-off stream is reported with how far it got. */
    private static byte[] gunzip(Path file) throws IOException {
        // Fashion-MNIST's train images inflate to 47 MB; start near that to copy little.
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 16, Files.size(file) * 2 + 1024));
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) out.write(buffer, 0, n);
        } catch (IOException e) {
            throw new IOException(file + ": gzip stream is corrupt or cut off after " + out.size()
                    + " decompressed bytes: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static IOException error(Path file, long offset, boolean gzip, String problem) {
        return new IOException(file + ": byte " + offset + (gzip ? " of the decompressed data" : "") + ": " + problem);
    }
}
