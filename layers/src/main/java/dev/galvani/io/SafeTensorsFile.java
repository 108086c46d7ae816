package dev.galvani.io;

import static dev.galvani.io.HeaderParser.quote;

import dev.galvani.tensor.Tensor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * An open safetensors file that reads tensors on demand: {@link #open} reads and checks only the
 * header, {@link #tensor(String)} reads one tensor's bytes and nothing else, so taking a few tensors
 * out of a large checkpoint costs only their bytes. Reads are positional reads of the open
 * {@link FileChannel} through a small buffer, not a memory map: a file truncated by someone else
 * while it is open then gives an I/O error instead of a crash of the JVM, and nothing stays mapped.
 *
 * <pre>{@code
 * try (SafeTensorsFile f = SafeTensorsFile.open(path)) {
 *     Tensor w = f.tensor("layer.0.weight");
 * }
 * }</pre>
 *
 * <p>Opening checks the whole layout before anything is read: the header is strict JSON, every
 * tensor's byte span matches its shape and dtype, and the spans tile the data region exactly: no
 * overlap, no gap, nothing after the last tensor. A file that fails any check throws
 * {@link SafeTensorsFormatException} naming the file and the byte offset. A tensor whose dtype
 * Galvani cannot represent (see {@link SafeTensorsDType}) does not stop the file from opening; reading
 * that tensor does.
 *
 * <p>Tensors may be read from several threads at once. Tensors already read are ordinary heap
 * tensors and stay valid after {@link #close}.
 */
public final class SafeTensorsFile implements AutoCloseable {

    /** The reference implementation's limit; a larger header is a corrupt length, not a real header. */
    static final long MAX_HEADER_BYTES = 100_000_000;

    /** Bytes read per call; a multiple of every element size. */
    private static final int CHUNK_BYTES = 1 << 20;

    /**
     * One tensor as the header describes it. {@code begin} and {@code end} are offsets in the data
     * region, as in the header; {@link #fileOffset()} is where the data starts in the file.
     */
    public record Entry(String name, SafeTensorsDType dtype, long[] shape, long begin, long end, long fileOffset) {
        /** Keeps a copy of the shape. */
        public Entry {
            shape = shape.clone();
        }

        /** A copy of the shape. */
        @Override public long[] shape() { return shape.clone(); }

        /** Number of elements. */
        public long numel() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        @Override public String toString() {
            return name + ": " + dtype + " " + Arrays.toString(shape) + " at [" + begin + ", " + end + ")";
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Entry> entries;        // header order
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path file, FileChannel channel, Map<String, Entry> entries, Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.entries = entries;
        this.metadata = metadata;
    }

    /** Opens {@code file} and checks its header and layout; reads no tensor data. */
    public static SafeTensorsFile open(Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) throw new SafeTensorsFormatException(file, 0,
                    "the file has " + size + " bytes, fewer than the 8 of the header length");
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);       // unsigned in the format; negative here means > 2^63
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES)
                throw new SafeTensorsFormatException(file, 0, "header length " + Long.toUnsignedString(headerLength)
                        + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes (corrupt length?)");
            if (headerLength > size - 8)
                throw new SafeTensorsFormatException(file, 0, "header length " + headerLength + " runs past the end of the file ("
                        + size + " bytes, so at most " + (size - 8) + " header bytes)");
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(file, channel, headerBytes, 8);
            HeaderParser.Header header = HeaderParser.parse(file, headerBytes.array(), 8);
            long dataStart = 8 + headerLength;
            Map<String, Entry> entries = checkLayout(file, header.tensors(), dataStart, size - dataStart);
            return new SafeTensorsFile(file, channel, entries, Collections.unmodifiableMap(header.metadata()));
        } catch (Throwable e) {
            try {
                channel.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Checks that each tensor's span fits its shape and dtype and that the spans tile
     * {@code [0, dataLength)} exactly, as the format requires. Returns the entries in header order.
     */
    private static Map<String, Entry> checkLayout(Path file, List<HeaderParser.TensorInfo> tensors, long dataStart, long dataLength)
            throws SafeTensorsFormatException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (HeaderParser.TensorInfo t : tensors) {
            String what = "tensor " + quote(t.name()) + ": ";
            if (t.end() < t.begin())
                throw new SafeTensorsFormatException(file, t.headerOffset(), what + "data_offsets [" + t.begin() + ", " + t.end() + "] end before they begin");
            long bytes;
            try {
                long numel = 1;
                for (long d : t.shape()) numel = Math.multiplyExact(numel, d);
                bytes = Math.multiplyExact(numel, t.dtype().byteSize());
            } catch (ArithmeticException e) {
                throw new SafeTensorsFormatException(file, t.headerOffset(), what + "shape " + Arrays.toString(t.shape()) + " is too large");
            }
            if (t.end() - t.begin() != bytes)
                throw new SafeTensorsFormatException(file, t.headerOffset(), what + "shape " + Arrays.toString(t.shape()) + " of " + t.dtype()
                        + " needs " + bytes + " bytes, but data_offsets [" + t.begin() + ", " + t.end() + "] span " + (t.end() - t.begin()));
            if (t.end() > dataLength)
                throw new SafeTensorsFormatException(file, t.headerOffset(), what + "data_offsets [" + t.begin() + ", " + t.end()
                        + "] run past the end of the file (the data region has " + dataLength + " bytes, from byte " + dataStart + ")");
            entries.put(t.name(), new Entry(t.name(), t.dtype(), t.shape(), t.begin(), t.end(), dataStart + t.begin()));
        }
        // Sorted by span, each tensor must start where the previous one ended. Empty tensors
        // ([x, x]) sort before a tensor starting at x and fit anywhere.
        List<HeaderParser.TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(HeaderParser.TensorInfo::begin).thenComparingLong(HeaderParser.TensorInfo::end));
        long expected = 0;
        HeaderParser.TensorInfo previous = null;
        for (HeaderParser.TensorInfo t : byOffset) {
            if (t.begin() < expected)
                throw new SafeTensorsFormatException(file, t.headerOffset(), "tensor " + quote(t.name()) + ": data_offsets [" + t.begin() + ", " + t.end()
                        + "] overlap tensor " + quote(previous.name()) + " [" + previous.begin() + ", " + previous.end() + "]");
            if (t.begin() > expected)
                throw new SafeTensorsFormatException(file, dataStart + expected, "bytes [" + expected + ", " + t.begin()
                        + ") of the data region belong to no tensor (a gap before tensor " + quote(t.name()) + ")");
            expected = t.end();
            previous = t;
        }
        if (expected != dataLength)      // only less is possible: every end was checked against dataLength
            throw new SafeTensorsFormatException(file, dataStart + expected, (dataLength - expected)
                    + " bytes of trailing data after the last tensor (the tensors cover " + expected + " of the " + dataLength + " bytes after the header)");
        return Collections.unmodifiableMap(entries);
    }

    private static void readFully(Path file, FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position + buffer.position());
            if (n < 0) throw new EOFException(file + ": the file ended at byte " + (position + buffer.position()) + " while reading it (was it truncated meanwhile?)");
        }
    }

    // ---- queries ------------------------------------------------------------------------------------

    /** The file this reader has open. */
    public Path path() { return file; }

    /** The {@code __metadata__} map, in file order; empty when the file has none. */
    public Map<String, String> metadata() { return metadata; }

    /** Tensor names in header order. */
    public List<String> names() { return List.copyOf(entries.keySet()); }

    /** Header entries in header order. */
    public List<Entry> entries() { return List.copyOf(entries.values()); }

    /** Whether the file holds a tensor called {@code name}. */
    public boolean contains(String name) { return entries.containsKey(name); }

    /** The header entry of {@code name}. */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) throw new IllegalArgumentException(file + ": no tensor " + quote(String.valueOf(name)) + " (the file holds "
                + entries.size() + ": " + entries.keySet().stream().limit(20).map(HeaderParser::quote).collect(Collectors.joining(", "))
                + (entries.size() > 20 ? ", ..." : "") + ")");
        return e;
    }

    // ---- reading ------------------------------------------------------------------------------------

    /** Reads one tensor (a new CPU tensor; see {@link SafeTensorsDType} for the type it gets). */
    public Tensor tensor(String name) throws IOException {
        Entry e = entry(name);
        if (!channel.isOpen()) throw new IllegalStateException(file + ": the file is closed");
        if (!e.dtype().isReadable())
            throw new SafeTensorsFormatException(file, e.fileOffset(), "tensor " + quote(name) + " has dtype " + e.dtype()
                    + ", which Galvani cannot represent (readable: F32, F64, I32, I64, BOOL; F16 and BF16 as F32; I8, U8, I16, U16 as I32; U32 as I64)");
        int[] shape = new int[e.shape.length];
        for (int i = 0; i < shape.length; i++) {
            if (e.shape[i] > Integer.MAX_VALUE)
                throw new SafeTensorsFormatException(file, e.fileOffset(), "tensor " + quote(name) + ": dimension " + e.shape[i] + " is too large for a Galvani tensor");
            shape[i] = (int) e.shape[i];
        }
        long numel = e.numel();
        if (numel > Integer.MAX_VALUE - 8)
            throw new SafeTensorsFormatException(file, e.fileOffset(), "tensor " + quote(name) + " has " + numel + " elements, more than a Galvani tensor may hold (2^31 - 9)");
        int n = (int) numel;
        return switch (e.dtype()) {
            case F32 -> {
                float[] v = new float[n];
                read(e, n, (b, first, count) -> b.asFloatBuffer().get(v, first, count));
                yield make(v, shape);
            }
            case F64 -> {
                double[] v = new double[n];
                read(e, n, (b, first, count) -> b.asDoubleBuffer().get(v, first, count));
                yield make(v, shape);
            }
            case I32 -> {
                int[] v = new int[n];
                read(e, n, (b, first, count) -> b.asIntBuffer().get(v, first, count));
                yield make(v, shape);
            }
            case I64 -> {
                long[] v = new long[n];
                read(e, n, (b, first, count) -> b.asLongBuffer().get(v, first, count));
                yield make(v, shape);
            }
            case BOOL -> {
                boolean[] v = new boolean[n];
                read(e, n, (b, first, count) -> {
                    for (int i = 0; i < count; i++) {
                        byte x = b.get(i);
                        // One byte per element; anything but 0 or 1 is not a boolean PyTorch could have written.
                        if (x != 0 && x != 1)
                            throw new SafeTensorsFormatException(file, e.fileOffset() + first + i, "tensor " + quote(name) + ": BOOL element "
                                    + (first + i) + " is 0x" + Integer.toHexString(x & 0xff) + ", not 0 or 1");
                        v[first + i] = x == 1;
                    }
                });
                yield make(v, shape);
            }
            case F16, BF16 -> {
                boolean brain = e.dtype() == SafeTensorsDType.BF16;
                float[] v = new float[n];
                read(e, n, (b, first, count) -> {
                    for (int i = 0; i < count; i++) {
                        short h = b.getShort(2 * i);
                        v[first + i] = brain ? HalfFloats.bf16ToFloat(h) : HalfFloats.f16ToFloat(h);
                    }
                });
                yield make(v, shape);
            }
            case I8, U8 -> {
                boolean unsigned = e.dtype() == SafeTensorsDType.U8;
                int[] v = new int[n];
                read(e, n, (b, first, count) -> {
                    for (int i = 0; i < count; i++) v[first + i] = unsigned ? b.get(i) & 0xff : b.get(i);
                });
                yield make(v, shape);
            }
            case I16, U16 -> {
                boolean unsigned = e.dtype() == SafeTensorsDType.U16;
                int[] v = new int[n];
                read(e, n, (b, first, count) -> {
                    for (int i = 0; i < count; i++) v[first + i] = unsigned ? b.getShort(2 * i) & 0xffff : b.getShort(2 * i);
                });
                yield make(v, shape);
            }
            case U32 -> {
                long[] v = new long[n];
                read(e, n, (b, first, count) -> {
                    for (int i = 0; i < count; i++) v[first + i] = Integer.toUnsignedLong(b.getInt(4 * i));
                });
                yield make(v, shape);
            }
            default -> throw new AssertionError("unreadable dtype " + e.dtype() + " passed the check");
        };
    }

    /** Receives a tensor's bytes a chunk at a time: elements {@code [first, first + count)}, little-endian. */
    private interface Chunk { void accept(ByteBuffer bytes, int first, int count) throws SafeTensorsFormatException; }

    private void read(Entry e, int n, Chunk sink) throws IOException {
        int size = e.dtype().byteSize();
        int perChunk = CHUNK_BYTES / size;
        ByteBuffer buffer = ByteBuffer.allocate(Math.min(perChunk, n) * size).order(ByteOrder.LITTLE_ENDIAN);
        for (int first = 0; first < n; first += perChunk) {
            int count = Math.min(perChunk, n - first);
            buffer.clear().limit(count * size);
            readFully(file, channel, buffer, e.fileOffset() + (long) first * size);
            buffer.flip();
            sink.accept(buffer, first, count);
        }
    }

    /** A tensor over {@code values} with {@code shape}; {@code Tensor.of} reads an empty shape as "1-D", so scalars go through reshape. */
    private static Tensor make(Object values, int[] shape) {
        Tensor flat = switch (values) {
            case float[] v -> Tensor.of(v, v.length);
            case double[] v -> Tensor.of(v, v.length);
            case int[] v -> Tensor.of(v, v.length);
            case long[] v -> Tensor.of(v, v.length);
            case boolean[] v -> Tensor.of(v, v.length);
            default -> throw new AssertionError(values.getClass());
        };
        return flat.reshape(shape);
    }

    /** Reads every tensor, in header order, and the metadata. */
    public SafeTensors.Contents readAll() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (String name : entries.keySet()) tensors.put(name, tensor(name));
        return new SafeTensors.Contents(tensors, metadata);
    }

    @Override public void close() throws IOException {
        channel.close();
    }
}
