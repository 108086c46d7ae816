package dev.galvani.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {

    @TempDir Path dir;

    static Map<String, Tensor> everyDType() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("f32", Tensor.of(new float[]{0f, -0f, 1.5f, Float.MIN_VALUE, Float.MAX_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}, 2, 4));
        t.put("f64", Tensor.of(new double[]{0.1, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN}, 5));
        t.put("i32", Tensor.of(new int[]{Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 2, 2));
        t.put("i64", Tensor.of(new long[]{Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, 4));
        t.put("bool", Tensor.of(new boolean[]{true, false, false, true, true, false}, 3, 2));
        t.put("scalar", Tensor.of(new float[]{2.5f}, 1).reshape());
        t.put("empty", Tensor.zeros(0, 3));
        return t;
    }

    static void assertSameTensor(String name, Tensor expected, Tensor actual) {
        assertEquals(expected.dtype(), actual.dtype(), name + ": dtype");
        assertArrayEquals(expected.shape().dims(), actual.shape().dims(), name + ": shape");
        switch (expected.dtype()) {
            case F32 -> {
                float[] e = expected.toFloatArray(), a = actual.toFloatArray();
                for (int i = 0; i < e.length; i++)
                    assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), name + "[" + i + "]");
            }
            case F64 -> {
                double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
                for (int i = 0; i < e.length; i++)
                    assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]), name + "[" + i + "]");
            }
            case I32 -> assertArrayEquals(expected.toIntArray(), actual.toIntArray(), name);
            case I64 -> assertArrayEquals(expected.toLongArray(), actual.toLongArray(), name);
            case BOOL -> assertArrayEquals(expected.toBooleanArray(), actual.toBooleanArray(), name);
        }
    }

    @Test void everyDTypeRoundTripsWithMetadataAndOrder() throws IOException {
        Path file = dir.resolve("all.safetensors");
        Map<String, Tensor> tensors = everyDType();
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "pt");
        metadata.put("z-first?", "no: insertion order");
        metadata.put("escapes", "\"q\" \\ \n\t\u0001 ünï 🙂");
        SafeTensors.write(file, tensors, metadata);

        SafeTensors.Contents read = SafeTensors.read(file);
        assertEquals(List.copyOf(tensors.keySet()), List.copyOf(read.tensors().keySet()), "file order kept");
        assertEquals(List.copyOf(metadata.entrySet()), List.copyOf(read.metadata().entrySet()));
        tensors.forEach((name, t) -> assertSameTensor(name, t, read.tensors().get(name)));
        assertEquals(0, read.tensors().get("scalar").dim());

        // The header is padded with spaces to a multiple of 8, so the data region is 8-byte aligned.
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\","), header);
        assertTrue(header.contains("\"escapes\":\"\\\"q\\\" \\\\ \\n\\t\\u0001 ünï 🙂\""), header);
        assertTrue(header.contains("\"f32\":{\"dtype\":\"F32\",\"shape\":[2,4],\"data_offsets\":[0,32]}"), header);
        assertTrue(header.contains("\"scalar\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[126,130]}"), header);
        assertTrue(header.contains("\"empty\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[130,130]}"), header);
        assertEquals(8 + n + 130, bytes.length);
    }

    /** Byte-for-byte the outputs the reference implementation's own tests expect (safetensors/src/tensor.rs). */
    @Test void sameBytesAsTheReferenceImplementation() throws IOException {
        Path file = dir.resolve("ref.safetensors");
        SafeTensors.write(file, Map.of("attn.0", Tensor.arange(0, 6).to(DType.F32).reshape(1, 2, 3)), null);
        String json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";   // 64 bytes: no padding
        ByteBuffer expected = ByteBuffer.allocate(8 + 64 + 24).order(ByteOrder.LITTLE_ENDIAN).putLong(64)
                .put(json.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 6; i++) expected.putFloat(i);
        assertArrayEquals(expected.array(), Files.readAllBytes(file));

        // One byte shorter name: 7 spaces of padding (the reference's "forced alignment" case).
        SafeTensors.write(file, Map.of("attn0", Tensor.arange(0, 6).to(DType.F32).reshape(1, 1, 2, 3)), null);
        json = "{\"attn0\":{\"dtype\":\"F32\",\"shape\":[1,1,2,3],\"data_offsets\":[0,24]}}";
        expected = ByteBuffer.allocate(8 + 72 + 24).order(ByteOrder.LITTLE_ENDIAN).putLong(72)
                .put((json + "       ").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 6; i++) expected.putFloat(i);
        assertArrayEquals(expected.array(), Files.readAllBytes(file));

        SafeTensors.write(file, Map.of(), null);
        assertArrayEquals("\b\0\0\0\0\0\0\0{}      ".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(file));

        SafeTensors.write(file, Map.of(), Map.of("framework", "pt"));
        assertArrayEquals("(\0\0\0\0\0\0\0{\"__metadata__\":{\"framework\":\"pt\"}}     ".getBytes(StandardCharsets.US_ASCII), Files.readAllBytes(file));
    }

    @Test void viewsAreWrittenRowMajor() throws IOException {
        Path file = dir.resolve("views.safetensors");
        Tensor base = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        SafeTensors.write(file, Map.of("t", base.transpose(0, 1), "col", base.select(1, 1)), Map.of());
        Map<String, Tensor> read = SafeTensors.load(file);
        assertArrayEquals(new int[]{3, 2}, read.get("t").shape().dims());
        assertArrayEquals(new float[]{1, 4, 2, 5, 3, 6}, read.get("t").toFloatArray());
        assertArrayEquals(new float[]{2, 5}, read.get("col").toFloatArray());
    }

    @Test void writeAsHalfConvertsFloatsAndKeepsIntegers() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        float[] f = {0f, -0f, 1f / 3, 65519.99f, 65520f, 0x1p-25f, 4e-8f, Float.NaN, Float.NEGATIVE_INFINITY};
        double[] d = {1 + 0x1p-11 + 0x1p-40, -2.5, 1e300};
        tensors.put("f", Tensor.of(f, 9));
        tensors.put("d", Tensor.of(d, 3));
        tensors.put("count", Tensor.of(new long[]{3}, 1).reshape());
        tensors.put("mask", Tensor.of(new boolean[]{true, false}, 2));
        for (SafeTensorsDType type : List.of(SafeTensorsDType.F16, SafeTensorsDType.BF16)) {
            Path file = dir.resolve(type + ".safetensors");
            SafeTensors.writeAs(file, tensors, null, type);
            try (SafeTensorsFile sf = SafeTensors.open(file)) {
                assertEquals(type, sf.entry("f").dtype());
                assertEquals(type, sf.entry("d").dtype());
                assertEquals(SafeTensorsDType.I64, sf.entry("count").dtype());
                assertEquals(SafeTensorsDType.BOOL, sf.entry("mask").dtype());
                assertEquals(18, sf.entry("f").end() - sf.entry("f").begin());
                float[] rf = sf.tensor("f").toFloatArray(), rd = sf.tensor("d").toFloatArray();
                for (int i = 0; i < f.length; i++) {
                    short h = type == SafeTensorsDType.F16 ? HalfFloats.toF16(f[i]) : HalfFloats.toBf16(f[i]);
                    float back = type == SafeTensorsDType.F16 ? HalfFloats.f16ToFloat(h) : HalfFloats.bf16ToFloat(h);
                    assertEquals(Float.floatToRawIntBits(back), Float.floatToRawIntBits(rf[i]), type + " f[" + i + "]");
                }
                for (int i = 0; i < d.length; i++) {
                    short h = type == SafeTensorsDType.F16 ? HalfFloats.toF16(d[i]) : HalfFloats.toBf16(d[i]);
                    float back = type == SafeTensorsDType.F16 ? HalfFloats.f16ToFloat(h) : HalfFloats.bf16ToFloat(h);
                    assertEquals(back, rd[i], type + " d[" + i + "]");
                }
                assertEquals(3L, sf.tensor("count").itemLong());
                assertArrayEquals(new boolean[]{true, false}, sf.tensor("mask").toBooleanArray());
            }
        }
        // Hand-checked F16 values.
        float[] half = SafeTensors.load(dir.resolve("F16.safetensors")).get("f").toFloatArray();
        assertEquals(0.333251953125f, half[2]);
        assertEquals(65504f, half[3]);
        assertEquals(Float.POSITIVE_INFINITY, half[4]);
        assertEquals(0f, half[5]);                        // 2^-25, half the smallest subnormal: the tie goes to 0
        assertEquals(0x1p-24f, half[6]);                  // 4e-8 is nearer 2^-24 (5.96e-8) than 0
        float[] dh = SafeTensors.load(dir.resolve("F16.safetensors")).get("d").toFloatArray();
        assertEquals(1 + 0x1p-10f, dh[0]);
        assertEquals(Float.POSITIVE_INFINITY, dh[2]);

        Path other = dir.resolve("x.safetensors");
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.writeAs(other, tensors, null, SafeTensorsDType.I32));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.writeAs(other, tensors, null, null));
        assertFalse(Files.exists(other));
    }

    @Test void badArgumentsWriteNothing() throws IOException {
        Path file = dir.resolve("bad.safetensors");
        Map<String, Tensor> reserved = Map.of("__metadata__", Tensor.zeros(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, reserved, null));
        assertTrue(e.getMessage().contains("bad.safetensors") && e.getMessage().contains("reserved"), e.getMessage());

        Map<String, Tensor> nullTensor = new LinkedHashMap<>();
        nullTensor.put("w", null);
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, nullTensor, null));
        assertTrue(e.getMessage().contains("'w'"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of("bad\uD800", Tensor.zeros(1)), null));
        assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());

        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, Map.of(), nullValue));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, null, null));
        assertNoFilesBut(/* none */);
    }

    @Test void aFailedWriteKeepsTheOldFileAndLeavesNoTemporary() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.write(file, Map.of("a", Tensor.ones(3)), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(file);

        IOException e = assertThrows(IOException.class, () -> SafeTensorsWriter.writeAtomically(file, channel -> {
            channel.write(ByteBuffer.wrap(new byte[1000]));
            throw new IOException("disk full (simulated)");
        }));
        assertEquals("disk full (simulated)", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertThrows(IllegalStateException.class, () -> SafeTensorsWriter.writeAtomically(file, channel -> {
            throw new IllegalStateException("crash in the middle");
        }));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertNoFilesBut("ckpt.safetensors");

        // A target that cannot be replaced (a non-empty directory): the rename fails, the temporary goes.
        Path directory = Files.createDirectory(dir.resolve("taken.safetensors"));
        Files.writeString(directory.resolve("inside"), "x");
        assertThrows(IOException.class, () -> SafeTensors.write(directory, Map.of("a", Tensor.ones(2)), null));
        assertNoFilesBut("ckpt.safetensors", "taken.safetensors");

        // A successful write replaces the file.
        SafeTensors.write(file, Map.of("b", Tensor.zeros(2)), null);
        assertEquals(List.of("b"), SafeTensors.open(file).names());
        assertNoFilesBut("ckpt.safetensors", "taken.safetensors");
    }

    private void assertNoFilesBut(String... names) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(names).stream().sorted().toList(), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** Tensors larger than the reader's 1 MiB and the writer's 64 Ki-element chunks, read from several threads. */
    @Test void largeTensorsCrossChunkBoundaries() throws Exception {
        int n = 300_007;                                   // 1.2 MB of F32: two read chunks, five write chunks
        float[] f = new float[n];
        double[] d = new double[n / 2];
        boolean[] b = new boolean[1_100_003];
        for (int i = 0; i < n; i++) f[i] = i * 0.5f - 1000;
        for (int i = 0; i < d.length; i++) d[i] = Math.scalb((double) i, -3);
        for (int i = 0; i < b.length; i++) b[i] = i % 3 == 0;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("f", Tensor.of(f, n));
        tensors.put("d", Tensor.of(d, d.length));
        tensors.put("b", Tensor.of(b, b.length));
        Path file = dir.resolve("large.safetensors");
        SafeTensors.write(file, tensors, null);
        Path half = dir.resolve("large-f16.safetensors");
        SafeTensors.writeAs(half, Map.of("f", tensors.get("f")), null, SafeTensorsDType.F16);
        try (SafeTensorsFile sf = SafeTensors.open(file)) {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
            try {
                var ff = pool.submit(() -> sf.tensor("f"));
                var fd = pool.submit(() -> sf.tensor("d"));
                var fb = pool.submit(() -> sf.tensor("b"));
                assertArrayEquals(f, ff.get().toFloatArray());
                assertArrayEquals(d, fd.get().toDoubleArray());
                assertArrayEquals(b, fb.get().toBooleanArray());
            } finally {
                pool.shutdown();
            }
        }
        float[] h = SafeTensors.load(half).get("f").toFloatArray();
        for (int i = 0; i < n; i += 997) assertEquals(HalfFloats.f16ToFloat(HalfFloats.toF16(f[i])), h[i], "f16[" + i + "]");
        assertEquals(149003f, f[n - 1]);
        assertEquals(Float.POSITIVE_INFINITY, h[n - 1]);   // beyond the largest F16, 65504
    }

    @Test void lazyFileReadsOneTensor() throws IOException {
        Path file = dir.resolve("lazy.safetensors");
        SafeTensors.write(file, everyDType(), Map.of("k", "v"));
        SafeTensorsFile sf = SafeTensors.open(file);
        assertEquals(List.of("f32", "f64", "i32", "i64", "bool", "scalar", "empty"), sf.names());
        assertEquals(Map.of("k", "v"), sf.metadata());
        SafeTensorsFile.Entry e = sf.entry("i64");
        assertEquals(SafeTensorsDType.I64, e.dtype());
        assertArrayEquals(new long[]{4}, e.shape());
        assertEquals(88, e.begin());                      // after 8 F32, 5 F64 and 4 I32
        assertEquals(120, e.end());
        assertEquals(sf.entry("f32").fileOffset() + 88, e.fileOffset());
        assertArrayEquals(new long[]{Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, sf.tensor("i64").toLongArray());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> sf.tensor("nope"));
        assertTrue(missing.getMessage().contains("lazy.safetensors") && missing.getMessage().contains("'nope'"), missing.getMessage());
        Tensor kept = sf.tensor("f32");
        sf.close();
        sf.close();    // idempotent
        assertEquals(1.5f, kept.toFloatArray()[2], "tensors read before close stay valid");
        assertThrows(IllegalStateException.class, () -> sf.tensor("f32"));
    }
}
