package dev.galvani.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.Module;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both directions against the Python {@code safetensors} package, through committed fixtures in
 * {@code src/test/resources/safetensors/} (see the README there):
 * <ul>
 * <li>{@code python_written.safetensors}, written by {@code make_fixtures.py} with
 *     {@code safetensors.torch.save_file}, is read here and every value is compared, bit for bit,
 *     with {@code python_expected.txt}, which torch computed when it wrote the file;</li>
 * <li>the {@code galvani_written*.safetensors} files are what this test writes, byte for byte, so
 *     {@code check_galvani_written.py}, which verifies them with {@code safetensors.torch.load_file}
 *     and {@code safe_open}, checks what Galvani writes today. After an intended change of the
 *     output, regenerate them with {@code -Dgalvani.regenerateFixtures=true} and rerun the script.</li>
 * </ul>
 */
class PythonCompatibilityTest {

    @TempDir Path dir;

    private static final Path SOURCE_FIXTURES = Path.of("src/test/resources/safetensors");

    private static Path fixture(String name) throws URISyntaxException {
        var url = PythonCompatibilityTest.class.getResource("/safetensors/" + name);
        if (url == null) throw new AssertionError("missing test resource safetensors/" + name);
        return Path.of(url.toURI());
    }

    // ---- Python -> Galvani -----------------------------------------------------------------------

    @Test void readsEverythingPythonWrote() throws Exception {
        Path file = fixture("python_written.safetensors");
        List<String> lines = Files.readAllLines(fixture("python_expected.txt"), StandardCharsets.UTF_8);
        Map<String, String> expectedMetadata = new LinkedHashMap<>();
        List<String> expectedOrder = new ArrayList<>();
        SafeTensors.Contents contents = SafeTensors.read(file);
        try (SafeTensorsFile lazy = SafeTensors.open(file)) {
            for (String line : lines) {
                if (line.startsWith("#")) continue;
                String[] f = line.split("\t", -1);
                if (f[0].equals("meta")) {
                    expectedMetadata.put(utf8(f[1]), utf8(f[2]));
                    continue;
                }
                String name = f[1];
                expectedOrder.add(name);
                assertEquals(SafeTensorsDType.valueOf(f[2]), lazy.entry(name).dtype(), name);
                Tensor t = contents.tensors().get(name);
                int[] shape = f[3].isEmpty() ? new int[0] : java.util.Arrays.stream(f[3].split(",")).mapToInt(Integer::parseInt).toArray();
                assertArrayEquals(shape, t.shape().dims(), name + ": shape");
                assertEquals(DType.valueOf(f[4]), t.dtype(), name + ": Galvani dtype");
                String[] values = f[5].isEmpty() ? new String[0] : f[5].split(" ");
                assertEquals(values.length, t.numel(), name + ": numel");
                for (int i = 0; i < values.length; i++) {
                    String where = name + "[" + i + "]";
                    switch (t.dtype()) {
                        case F32 -> assertEquals(Integer.parseUnsignedInt(values[i], 16), Float.floatToRawIntBits(t.toFloatArray()[i]), where);
                        case F64 -> assertEquals(Long.parseUnsignedLong(values[i], 16), Double.doubleToRawLongBits(t.toDoubleArray()[i]), where);
                        case I32 -> assertEquals(Integer.parseInt(values[i]), t.toIntArray()[i], where);
                        case I64 -> assertEquals(Long.parseLong(values[i]), t.toLongArray()[i], where);
                        case BOOL -> assertEquals(values[i].equals("1"), t.toBooleanArray()[i], where);
                    }
                }
                // The lazy path reads the same thing.
                Tensor one = lazy.tensor(name);
                assertArrayEquals(t.shape().dims(), one.shape().dims());
                assertEquals(t.dtype(), one.dtype());
            }
        }
        assertEquals(expectedOrder, List.copyOf(contents.tensors().keySet()), "header order");
        assertEquals(expectedMetadata, contents.metadata());
        assertEquals(23, expectedOrder.size());
    }

    private static String utf8(String hex) { return new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8); }

    /** Galvani modules with the parameter and buffer names of the PyTorch model in make_fixtures.py. */
    static final class Linear extends Module {
        Linear(int in, int out) {
            registerParameter("weight", Tensor.zeros(out, in));
            registerParameter("bias", Tensor.zeros(out));
        }
        @Override public Tensor forward(Tensor input) { throw new UnsupportedOperationException("not needed here"); }
    }

    static final class BatchNorm extends Module {
        BatchNorm(int features) {
            registerParameter("weight", Tensor.ones(features));
            registerParameter("bias", Tensor.zeros(features));
            registerBuffer("running_mean", Tensor.zeros(features));
            registerBuffer("running_var", Tensor.ones(features));
            registerBuffer("num_batches_tracked", Tensor.zeros(DType.I64));
        }
        @Override public Tensor forward(Tensor input) { throw new UnsupportedOperationException("not needed here"); }
    }

    /** PyTorch: {@code layer = Sequential(Linear(4, 3), ReLU(), Linear(3, 2)); bn = BatchNorm1d(3)}. */
    static final class Net extends Module {
        Net() {
            Module layer = registerModule("layer", new Module() {
                { registerModule("0", new Linear(4, 3)); registerModule("2", new Linear(3, 2)); }   // "1" is the ReLU: no state
                @Override public Tensor forward(Tensor input) { throw new UnsupportedOperationException(); }
            });
            registerModule("bn", new BatchNorm(3));
        }
        @Override public Tensor forward(Tensor input) { throw new UnsupportedOperationException("not needed here"); }
    }

    @Test void aPyTorchStateDictLoadsIntoAGalvaniModule() throws Exception {
        Map<String, Tensor> all = SafeTensors.load(fixture("python_written.safetensors"));
        Map<String, Tensor> stateDict = new LinkedHashMap<>(all);
        stateDict.keySet().removeIf(k -> k.startsWith("dtypes."));
        Net net = new Net();
        assertEquals(List.copyOf(net.stateDict().keySet()), List.of("layer.0.weight", "layer.0.bias", "layer.2.weight",
                "layer.2.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"));
        net.loadStateDict(stateDict);     // strict: every name and shape must match
        Map<String, Tensor> loaded = net.stateDict();
        stateDict.forEach((k, v) -> SafeTensorsRoundTripTest.assertSameTensor(k, v, loaded.get(k)));
        assertEquals(3L, loaded.get("bn.num_batches_tracked").itemLong());

        // And back out: save, read, load into a fresh module: the same state.
        Path file = dir.resolve("net.safetensors");
        SafeTensors.save(file, net.stateDict(), Map.of("format", "pt"));
        Net again = new Net();
        again.loadStateDict(SafeTensors.load(file));
        again.stateDict().forEach((k, v) -> SafeTensorsRoundTripTest.assertSameTensor(k, loaded.get(k), v));
        assertEquals(List.copyOf(loaded.keySet()), List.copyOf(SafeTensors.load(file).keySet()), "state dict order kept in the file");
    }

    // ---- Galvani -> Python -----------------------------------------------------------------------

    /** Metadata of galvani_written.safetensors; check_galvani_written.py expects exactly this. */
    static Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", "pt");
        m.put("producer", "galvani");
        m.put("note", "ünïcødé ✓ 🙂 \"quoted\" back\\slash tab\t newline\n ctrl\u0001");
        return m;
    }

    /** The tensors of galvani_written.safetensors; check_galvani_written.py rebuilds the same values. */
    static Map<String, Tensor> nativeTensors() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("dtypes.f32", Tensor.of(new float[]{0f, -0f, 1f, -2.5f, 0x1.555556p-2f,
                Float.MIN_VALUE, Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}, 2, 5));
        t.put("dtypes.f64", Tensor.of(new double[]{0.1, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NEGATIVE_INFINITY, Double.NaN}, 6));
        t.put("dtypes.i32", Tensor.of(new int[]{Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE}, 2, 2));
        t.put("dtypes.i64", Tensor.of(new long[]{Long.MIN_VALUE, -1, 0, Long.MAX_VALUE}, 4));
        t.put("dtypes.bool", Tensor.of(new boolean[]{true, false, true, false, false, true}, 2, 3));
        t.put("dtypes.scalar", Tensor.of(new float[]{2.5f}, 1).reshape());
        t.put("dtypes.empty", Tensor.zeros(0, 3));
        t.put("dtypes.transposed", Tensor.arange(0, 6).to(DType.F32).reshape(2, 3).transpose(0, 1));   // a view: [[0,3],[1,4],[2,5]]
        // A state dict with PyTorch's names; values k/8 - 1 and friends, exact in every type.
        Net net = new Net();
        Map<String, Tensor> values = new LinkedHashMap<>();
        net.stateDict().forEach((name, v) -> {
            int n = (int) v.numel();
            if (name.endsWith("num_batches_tracked")) values.put(name, Tensor.of(new long[]{3}, 1).reshape());
            else {
                float[] x = new float[n];
                for (int i = 0; i < n; i++) x[i] = (i + name.length()) / 8f - 1;
                values.put(name, Tensor.of(x, v.shape().dims()));
            }
        });
        net.loadStateDict(values);
        t.putAll(net.stateDict());
        return t;
    }

    /** The tensors of the F16 and BF16 files: rounding cases, from float and from double. */
    static Map<String, Tensor> halfTensors() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("from_f32", Tensor.of(new float[]{
                0f, -0f, 0x1.555556p-2f, 65504f, 65519f, 65520f, 0x1p-25f, 0x1.5p-25f, 0x1.5p-27f, -0x1.4f8b58p-17f,
                1 + 0x1p-11f, 1 + 3 * 0x1p-11f, 1 + 0x1p-8f, 1 + 3 * 0x1p-8f, 0x1.fefffep127f, Float.MAX_VALUE,
                Float.NaN, Float.NEGATIVE_INFINITY}, 18));
        t.put("from_f64", Tensor.of(new double[]{1 + 0x1p-11 + 0x1p-40, 1 + 0x1p-8 + 0x1p-40, 0.1, -2.5, 1e300, Double.MIN_VALUE, 0x1.8p-24}, 7));
        t.put("steps", Tensor.of(new long[]{1, 2}, 2));
        t.put("mask", Tensor.of(new boolean[]{true}, 1));
        return t;
    }

    private static final boolean REGENERATE = Boolean.getBoolean("galvani.regenerateFixtures");

    /** Writes a fixture and checks it equals the committed bytes (or, when regenerating, replaces them). */
    private void writeAndCompare(String name, IOConsumer<Path> writer) throws Exception {
        Path out = REGENERATE ? SOURCE_FIXTURES.resolve(name) : dir.resolve(name);
        writer.accept(out);
        if (REGENERATE) return;
        assertArrayEquals(Files.readAllBytes(fixture(name)), Files.readAllBytes(out),
                name + " differs from the committed fixture; if the change is intended, regenerate with -Dgalvani.regenerateFixtures=true "
                        + "and run check_galvani_written.py");
    }

    interface IOConsumer<T> { void accept(T t) throws IOException; }

    @Test void writesTheCommittedFixturesByteForByte() throws Exception {
        writeAndCompare("galvani_written.safetensors", p -> SafeTensors.write(p, nativeTensors(), metadata()));
        writeAndCompare("galvani_written_f16.safetensors", p -> SafeTensors.writeAs(p, halfTensors(), Map.of("dtype", "F16"), SafeTensorsDType.F16));
        writeAndCompare("galvani_written_bf16.safetensors", p -> SafeTensors.writeAs(p, halfTensors(), Map.of("dtype", "BF16"), SafeTensorsDType.BF16));
        // Galvani reads its own files back to the values it wrote (halves: to the rounded values).
        SafeTensors.Contents c = SafeTensors.read(fixture("galvani_written.safetensors"));
        nativeTensors().forEach((k, v) -> SafeTensorsRoundTripTest.assertSameTensor(k, v.contiguous(), c.tensors().get(k)));
        assertEquals(metadata(), c.metadata());
        float[] h = SafeTensors.load(fixture("galvani_written_f16.safetensors")).get("from_f64").toFloatArray();
        assertEquals(1 + 0x1p-10f, h[0], "rounded once, from the double");
        assertTrue(Files.readString(fixture("README.md")).contains("check_galvani_written.py"));
    }
}
