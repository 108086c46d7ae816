package dev.galvani.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SHD loader on a file in the exact HDF5 layout of the real data (written by
 * benchmarks/scripts/make_shd_fixture.py with h5py); every expected frame is worked by hand.
 */
class SHDTest {

    private static Path fixture() throws URISyntaxException {
        return Path.of(SHDTest.class.getResource("/shd/shd_fixture.h5").toURI());
    }

    /** Frame f, channel group g of a binned recording. */
    private static float at(Tensor frames, int f, int g) { return frames.toFloatArray()[f * frames.size(1) + g]; }

    @Test void recordingsReadAsWritten() throws Exception {
        List<SHD.Recording> rs = SHD.read(fixture());
        assertEquals(3, rs.size());
        assertArrayEquals(new int[]{0, 4, 5, 699}, rs.get(0).units());
        assertEquals(0.0305f, rs.get(0).times()[3], 2e-5f, "float16 seconds");
        assertEquals(List.of(3, 0, 19), rs.stream().map(SHD.Recording::label).toList());
        assertEquals(0, rs.get(1).times().length);
    }

    @Test void uniformBinningIsAGridFromTheFirstSpike() throws Exception {
        List<SHD.Recording> rs = SHD.read(fixture());
        // times 0, 4, 12, 30.5 ms: ceil(30.5 / 10) = 4 frames; units 0 and 4 share group 0, 5 is group 1, 699 group 139.
        Tensor a = SHD.bin(rs.get(0), 10, 5, SHD.Binning.UNIFORM);
        assertArrayEquals(new int[]{4, 140}, a.shape().dims());
        assertEquals(2, at(a, 0, 0));
        assertEquals(1, at(a, 1, 1));
        assertEquals(1, at(a, 3, 139));
        assertEquals(4, a.sum().item(), "every spike counted once");
        // 100, 100.1, 200 ms: 10 frames, the last spike on the boundary goes to the last frame.
        Tensor c = SHD.bin(rs.get(2), 10, 5, SHD.Binning.UNIFORM);
        assertEquals(10, c.size(0));
        assertEquals(2, at(c, 0, 2), "units 10 and 11: group 2");
        assertEquals(1, at(c, 9, 2));
        assertArrayEquals(new int[]{1, 140}, SHD.bin(rs.get(1), 10, 5, SHD.Binning.UNIFORM).shape().dims(), "no spikes: one empty frame");
    }

    @Test void eventAnchoredBinningDropsSilentGaps() throws Exception {
        List<SHD.Recording> rs = SHD.read(fixture());
        // Frames start at 0 (0, 4), 12 (12) and 30.5 (30.5) ms.
        Tensor a = SHD.bin(rs.get(0), 10, 5, SHD.Binning.EVENT_ANCHORED);
        assertArrayEquals(new int[]{3, 140}, a.shape().dims());
        assertEquals(2, at(a, 0, 0));
        assertEquals(1, at(a, 1, 1));
        assertEquals(1, at(a, 2, 139));
        // 100 and 100.1 ms in one frame, 200 ms in the next: the 100 ms gap is gone.
        assertEquals(2, SHD.bin(rs.get(2), 10, 5, SHD.Binning.EVENT_ANCHORED).size(0));
        assertEquals(700, SHD.bin(rs.get(0), 10, 1, SHD.Binning.UNIFORM).size(1), "group 1 keeps the 700 channels");
    }

    @Test void batchesArePaddedToTheirLongestExample() throws Exception {
        var data = SHD.dataset(SHD.read(fixture()), 10, 5, SHD.Binning.UNIFORM);
        Batch b = SHD.padCollate().collate(List.of(data.get(0), data.get(2)));
        assertArrayEquals(new int[]{2, 10, 140}, b.inputs().shape().dims());
        assertArrayEquals(new long[]{3, 19}, b.targets().toLongArray());
        assertArrayEquals(new long[]{4, 10}, b.get("lengths").toLongArray());
        assertEquals(0, b.inputs().narrow(0, 0, 1).narrow(1, 4, 6).sum().item(), "padding is zeros");
        var loader = DataLoader.builder(data, SHD.padCollate()).batchSize(3).prefetch(0).build();
        assertEquals(3, loader.iterator().next().targets().numel());
    }

    @Test void missingAndMalformedFilesSayWhatToDo(@TempDir Path dir) throws IOException {
        var e = assertThrows(FileNotFoundException.class, () -> SHD.read(dir.resolve(SHD.TRAIN_FILE)));
        assertTrue(e.getMessage().contains("zenkelab.org/datasets") && e.getMessage().contains(SHD.TRAIN_MD5), e.getMessage());
        Path junk = Files.writeString(dir.resolve("junk.h5"), "not hdf5");
        var bad = assertThrows(IOException.class, () -> SHD.read(junk));
        assertTrue(bad.getMessage().startsWith(junk.toString()), bad.getMessage());
    }
}
