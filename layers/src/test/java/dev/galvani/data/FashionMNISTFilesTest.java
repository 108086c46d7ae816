package dev.galvani.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The IDX reader and the file search on small files written here: needs no installed data. */
class FashionMNISTFilesTest {

    @TempDir Path dir;

    /** An IDX file of unsigned bytes: magic 0x0000_08_rank, the sizes, then {@code values}. */
    private static byte[] idx(int[] dims, byte[] values) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + values.length);  // big-endian, as IDX is
        b.putInt(0x0800 | dims.length);
        for (int d : dims) b.putInt(d);
        b.put(values);
        return b.array();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(out)) { z.write(data); }
        return out.toByteArray();
    }

    /** Three 28 x 28 images whose pixel p of image i is (i * 7 + p) mod 256, and labels 4, 0, 9. */
    private static byte[] threeImages() {
        byte[] px = new byte[3 * 784];
        for (int i = 0; i < px.length; i++) px[i] = (byte) ((i / 784) * 7 + i % 784);
        return idx(new int[]{3, 28, 28}, px);
    }

    private static final byte[] LABELS = idx(new int[]{3}, new byte[]{4, 0, 9});

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    @Test void readsPlainAndGzipFiles() throws IOException {
        write("train-images-idx3-ubyte.gz", gzip(threeImages()));
        write("train-labels-idx1-ubyte", LABELS);
        TensorDataset ds = FashionMNIST.train(dir);
        assertEquals(3, ds.size());
        assertArrayEquals(new int[]{3, 1, 28, 28}, ds.tensors().inputs().shape().dims());
        assertArrayEquals(new long[]{4, 0, 9}, ds.tensors().targets().toLongArray());
        float[] second = ds.get(1).inputs().contiguous().toFloatArray();
        assertEquals(7 / 255f, second[0]);
        assertEquals(((7 + 300) % 256) / 255f, second[300]);
    }

    @Test void wrongMagicNumberNamesFileAndOffset() throws IOException {
        Path images = write("imgs", LABELS);  // a labels file where images belong
        Path labels = write("labels", LABELS);
        var e = assertThrows(IOException.class, () -> FashionMNIST.read(images, labels));
        assertEquals(images + ": byte 0: magic number 0x00000801 is not that of an IDX file of unsigned bytes in 3 dimensions (0x00000803)",
                e.getMessage());
    }

    @Test void truncatedDataNamesFileAndOffset() throws IOException {
        byte[] full = threeImages();
        Path images = write("imgs", Arrays.copyOf(full, full.length - 100));
        Path labels = write("labels", LABELS);
        var e = assertThrows(IOException.class, () -> FashionMNIST.read(images, labels));
        assertEquals(images + ": byte " + (full.length - 100) + ": data ends early: 3 x 28 x 28 = 2352 values expected, 2252 present (truncated file?)",
                e.getMessage());
    }

    @Test void truncatedHeaderAndTrailingBytes() throws IOException {
        Path labels = write("labels", LABELS);
        Path shortHeader = write("short", Arrays.copyOf(threeImages(), 10));
        var e = assertThrows(IOException.class, () -> FashionMNIST.read(shortHeader, labels));
        assertTrue(e.getMessage().startsWith(shortHeader + ": byte 10: header ends early"), e.getMessage());

        byte[] full = threeImages();
        Path longer = write("long", Arrays.copyOf(full, full.length + 5));
        e = assertThrows(IOException.class, () -> FashionMNIST.read(longer, labels));
        assertTrue(e.getMessage().startsWith(longer + ": byte " + full.length + ": data runs on"), e.getMessage());
    }

    @Test void cutOffGzipStreamIsReported() throws IOException {
        byte[] gz = gzip(threeImages());
        Path images = write("imgs.gz", Arrays.copyOf(gz, gz.length / 2));
        var e = assertThrows(IOException.class, () -> FashionMNIST.read(images, write("labels", LABELS)));
        assertTrue(e.getMessage().startsWith(images + ": gzip stream is corrupt or cut off after "), e.getMessage());
    }

    @Test void offsetsInGzipFilesCountDecompressedBytes() throws IOException {
        byte[] full = threeImages();
        Path images = write("imgs.gz", gzip(Arrays.copyOf(full, full.length - 1)));
        var e = assertThrows(IOException.class, () -> FashionMNIST.read(images, write("labels", LABELS)));
        assertTrue(e.getMessage().startsWith(images + ": byte " + (full.length - 1) + " of the decompressed data: data ends early"), e.getMessage());
    }

    @Test void labelsMustMatchImagesAndBeClasses() throws IOException {
        Path images = write("imgs", threeImages());
        Path two = write("two", idx(new int[]{2}, new byte[]{1, 2}));
        var e = assertThrows(IOException.class, () -> FashionMNIST.read(images, two));
        assertEquals(two + ": byte 4: 2 labels for the 3 images of " + images, e.getMessage());

        Path bad = write("bad", idx(new int[]{3}, new byte[]{1, 12, 2}));
        e = assertThrows(IOException.class, () -> FashionMNIST.read(images, bad));
        assertEquals(bad + ": byte 9: label 12 of example 1 is not a class index 0..9", e.getMessage());
    }

    @Test void imagesMustBe28By28() throws IOException {
        Path images = write("imgs", idx(new int[]{1, 2, 2}, new byte[4]));
        var e = assertThrows(IOException.class, () -> FashionMNIST.read(images, write("labels", idx(new int[]{1}, new byte[1]))));
        assertEquals(images + ": byte 8: images are 2 x 2, Fashion-MNIST's are 28 x 28", e.getMessage());
    }

    @Test void aFolderTheCallerNamedIsTheOneBlamed() {
        var e = assertThrows(FileNotFoundException.class, () -> FashionMNIST.test(dir));
        String m = e.getMessage();
        assertTrue(m.startsWith("Fashion-MNIST not found in " + dir + ": no t10k-images-idx3-ubyte[.gz]"), m);
        assertFalse(m.contains("set GALVANI_DATA") || m.contains("is not set"), "GALVANI_DATA played no part: " + m);
        var gone = assertThrows(FileNotFoundException.class, () -> FashionMNIST.train(dir.resolve("nowhere")));
        assertTrue(gone.getMessage().contains("(the folder does not exist)"), gone.getMessage());
    }

    @Test void searchingWithoutGalvaniDataSaysHowToInstall() {
        String m = FashionMNIST.missingMessage("train", FashionMNIST.searchPath(null), null);
        assertTrue(m.contains("apt-get install -y dataset-fashion-mnist") && m.contains("set GALVANI_DATA") && m.contains("GALVANI_DATA is not set"), m);
    }

    @Test void aGalvaniDataThatPointsNowhereIsNamedNotIgnored() {
        String m = FashionMNIST.missingMessage("train", FashionMNIST.searchPath("/data"), "/data");
        assertTrue(m.startsWith("Fashion-MNIST not found where GALVANI_DATA points: no train-images-idx3-ubyte[.gz]"), m);
        assertTrue(m.contains("[/data, /data/fashion-mnist]") && m.contains("GALVANI_DATA=/data") && m.contains("unset it"), m);
    }

    @Test void galvaniDataReplacesTheSystemFolder() {
        assertEquals(List.of(Path.of("/data"), Path.of("/data/fashion-mnist")), FashionMNIST.searchPath("/data"));
        assertEquals(List.of(FashionMNIST.SYSTEM_DIR), FashionMNIST.searchPath(null));
        assertEquals(List.of(FashionMNIST.SYSTEM_DIR), FashionMNIST.searchPath(" "));
    }
}
