package dev.galvani.io;

import static dev.galvani.io.HeaderParser.quote;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files: the header as compact JSON in the layout the reference implementation
 * writes (metadata first, then {@code dtype}, {@code shape}, {@code data_offsets} for each tensor),
 * padded with spaces to a multiple of 8 bytes so the data region starts 8-byte aligned; then each
 * tensor's elements, little-endian and row-major, in the order given.
 */
final class SafeTensorsWriter {

    private SafeTensorsWriter() {}

    /** Elements per chunk when converting tensor values to bytes. */
    private static final int CHUNK = 1 << 16;

    private record Planned(String name, Tensor tensor, SafeTensorsDType stored, long begin, long end) {}

    /** The body of an atomic write: fills the channel of the temporary file. */
    interface Body { void writeTo(FileChannel channel) throws IOException; }

    /**
     * Writes {@code tensors}; floating-point tensors are stored as {@code floatType} (F16, BF16, F32
     * or F64), or in their own type when it is null. Every argument is checked before the file is touched.
     */
    static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, SafeTensorsDType floatType) throws IOException {
        if (file == null) throw new IllegalArgumentException("safetensors write: file is null");
        if (tensors == null) throw new IllegalArgumentException(file + ": tensors map is null");
        if (floatType != null && floatType != SafeTensorsDType.F16 && floatType != SafeTensorsDType.BF16
                && floatType != SafeTensorsDType.F32 && floatType != SafeTensorsDType.F64)
            throw new IllegalArgumentException(file + ": floating-point tensors can be stored as F16, BF16, F32 or F64, not " + floatType);
        List<Planned> plan = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null) throw new IllegalArgumentException(file + ": a tensor name is null");
            if (name.equals("__metadata__")) throw new IllegalArgumentException(file + ": \"__metadata__\" is reserved for the metadata and cannot name a tensor");
            checkEncodable(file, "tensor name", name);
            if (t == null) throw new IllegalArgumentException(file + ": tensor " + quote(name) + " is null");
            SafeTensorsDType stored = floatType != null && t.dtype().isFloatingPoint() ? floatType : SafeTensorsDType.of(t.dtype());
            long bytes = t.numel() * stored.byteSize();
            plan.add(new Planned(name, t, stored, offset, offset + bytes));
            offset += bytes;
        }
        Map<String, String> meta = metadata == null ? Map.of() : metadata;
        for (Map.Entry<String, String> e : meta.entrySet()) {
            if (e.getKey() == null || e.getValue() == null)
                throw new IllegalArgumentException(file + ": metadata keys and values must not be null (" + e.getKey() + " = " + e.getValue() + ")");
            checkEncodable(file, "metadata key", e.getKey());
            checkEncodable(file, "metadata value", e.getValue());
        }
        byte[] header = header(plan, meta);
        writeAtomically(file, channel -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
            writeFully(channel, length);
            writeFully(channel, ByteBuffer.wrap(header));
            for (Planned p : plan) writeData(channel, p.tensor(), p.stored());
            long announced = 8L + header.length + (plan.isEmpty() ? 0 : plan.getLast().end());
            if (channel.position() != announced)     // a safety net: the header must describe the bytes exactly
                throw new IOException(file + ": wrote " + channel.position() + " bytes but the header announces " + announced);
        });
    }

    /** A string that cannot be UTF-8 encoded (a lone surrogate) would be silently replaced; refuse it instead. */
    private static void checkEncodable(Path file, String what, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) i++;
            else if (Character.isSurrogate(c))
                throw new IllegalArgumentException(file + ": " + what + " " + quote(s) + " has an unpaired surrogate at index " + i + " and cannot be written as UTF-8");
        }
    }

    /** The header JSON, padded with spaces to a multiple of 8 bytes. */
    private static byte[] header(List<Planned> plan, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append("\"__metadata__\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (!first) json.append(',');
                first = false;
                string(json, e.getKey()).append(':');
                string(json, e.getValue());
            }
            json.append('}');
            if (!plan.isEmpty()) json.append(',');
        }
        for (int i = 0; i < plan.size(); i++) {
            Planned p = plan.get(i);
            if (i > 0) json.append(',');
            string(json, p.name()).append(":{\"dtype\":\"").append(p.stored().name()).append("\",\"shape\":[");
            int[] dims = p.tensor().shape().dims();
            for (int d = 0; d < dims.length; d++) json.append(d > 0 ? "," : "").append(dims[d]);
            json.append("],\"data_offsets\":[").append(p.begin()).append(',').append(p.end()).append("]}");
        }
        json.append('}');
        byte[] utf8 = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (utf8.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        for (int i = utf8.length; i < padded; i++) out[i] = ' ';
        return out;
    }

    /** A JSON string as serde_json writes it: only '"', '\\' and control characters are escaped. */
    private static StringBuilder string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.append('"');
    }

    /** Streams a tensor's elements as {@code stored}, little-endian, a chunk at a time. */
    private static void writeData(FileChannel channel, Tensor t, SafeTensorsDType stored) throws IOException {
        int n = (int) t.numel();
        if (n == 0) return;
        int size = stored.byteSize();
        ByteBuffer buf = ByteBuffer.allocate(Math.min(CHUNK, n) * size).order(ByteOrder.LITTLE_ENDIAN);
        // Values come out of the tensor in row-major order whatever its strides (views included).
        DType source = t.dtype();
        float[] f = source == DType.F32 ? t.toFloatArray() : null;
        double[] d = source == DType.F64 ? t.toDoubleArray() : null;
        int[] i32 = source == DType.I32 ? t.toIntArray() : null;
        long[] i64 = source == DType.I64 ? t.toLongArray() : null;
        boolean[] b = source == DType.BOOL ? t.toBooleanArray() : null;
        for (int start = 0; start < n; start += CHUNK) {
            int count = Math.min(CHUNK, n - start);
            buf.clear();
            // Absolute puts (bulk where the type is unchanged), so the position stays at 0 for the write.
            switch (stored) {
                case F32 -> {
                    if (f != null) buf.asFloatBuffer().put(f, start, count);
                    else for (int k = 0; k < count; k++) buf.putFloat(4 * k, (float) d[start + k]);
                }
                case F64 -> {
                    if (d != null) buf.asDoubleBuffer().put(d, start, count);
                    else for (int k = 0; k < count; k++) buf.putDouble(8 * k, f[start + k]);
                }
                case F16 -> {
                    for (int k = 0; k < count; k++) buf.putShort(2 * k, HalfFloats.toF16(d != null ? d[start + k] : f[start + k]));
                }
                case BF16 -> {
                    for (int k = 0; k < count; k++) buf.putShort(2 * k, HalfFloats.toBf16(d != null ? d[start + k] : f[start + k]));
                }
                case I32 -> buf.asIntBuffer().put(i32, start, count);
                case I64 -> buf.asLongBuffer().put(i64, start, count);
                case BOOL -> {
                    for (int k = 0; k < count; k++) buf.put(k, (byte) (b[start + k] ? 1 : 0));
                }
                default -> throw new AssertionError(stored);
            }
            buf.limit(count * size);
            writeFully(channel, buf);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) channel.write(buffer);
    }

    /** Through {@link AtomicFiles}: readers see the old file or the complete new one, never half of one. */
    static void writeAtomically(Path file, Body body) throws IOException { AtomicFiles.writeChannel(file, body::writeTo); }
}
