package dev.galvani.data;

import dev.galvani.tensor.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Spiking Heidelberg Digits (Cramer et al. 2020): spoken digits 0–9 in English and German (20
 * classes) as spikes of 700 cochlea channels, 8156 training and 2264 test recordings. The files,
 * {@code shd_train.h5} and {@code shd_test.h5}, are read with the layout of DCLS reference §12:
 * {@code /spikes/times} (seconds) and {@code /spikes/units} (channel 0..699) as variable-length
 * rows, {@code /labels}.
 *
 * <p>Each recording becomes frames of {@code dtMs} milliseconds (§12: 10 ms) whose 700 channels are
 * summed in groups of {@code group} adjacent ones (5: 140 inputs), as spike <em>counts</em>. Two
 * binnings (§12 step 4): {@link Binning#UNIFORM} (the default; SpikingJelly since 2024-03-30: a
 * uniform grid from the first spike) and {@link Binning#EVENT_ANCHORED} (what the DCLS paper used:
 * each frame starts at the first event not yet binned and takes the events within {@code dtMs} of
 * it, so silent gaps disappear). Results shift between the two.
 *
 * <p>The data cannot be downloaded here: get {@code shd_train.h5.zip} and {@code shd_test.h5.zip}
 * from https://zenkelab.org/datasets (MD5 of the HDF5 files: train
 * {@value #TRAIN_MD5}, test {@value #TEST_MD5}), unzip them into a folder and point
 * {@code GALVANI_DATA} at it (or at its parent, with the files in {@code shd/}).
 */
public final class SHD {

    /** The number of cochlea channels (700) and of classes (20: digits 0–9 in two languages). */
    public static final int CHANNELS = 700, CLASSES = 20;
    /** The file names of the training and test sets. */
    public static final String TRAIN_FILE = "shd_train.h5", TEST_FILE = "shd_test.h5";
    /** The MD5 checksums of the unzipped training and test HDF5 files. */
    public static final String TRAIN_MD5 = "f3252aeb598ac776c1b526422d90eecb", TEST_MD5 = "1503a5064faa34311c398fb0a1ed0a6f";

    /** How spikes are gathered into frames (DCLS reference §12). */
    public enum Binning {
        /** A uniform grid of {@code dtMs} frames starting at the first spike (SpikingJelly since 2024-03-30; the default). */
        UNIFORM,
        /** Each frame starts at the first event not yet binned and takes the events within {@code dtMs} of it (the DCLS paper). */
        EVENT_ANCHORED
    }

    /** One recording: spike times in seconds, channels, the label. */
    public record Recording(float[] times, int[] units, int label) {}

    /** One example after binning: frames F32 [T, channels / group] of spike counts, and the label. */
    public record Example(Tensor frames, int label) {}

    private SHD() {}

    /** The recordings of one file, checked: as many times as units per row, channels and labels in range. */
    public static List<Recording> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new FileNotFoundException(missingMessage(file));
        try (HdfFile h5 = new HdfFile(file)) {
            Object[] times = rows(h5, file, "/spikes/times");
            Object[] units = rows(h5, file, "/spikes/units");
            int[] labels = ints(h5.getDatasetByPath("/labels").getData(), file, "/labels");
            if (times.length != units.length || times.length != labels.length)
                throw new IOException(file + ": " + times.length + " time rows, " + units.length + " unit rows and " + labels.length + " labels");
            List<Recording> out = new ArrayList<>(times.length);
            for (int i = 0; i < times.length; i++) {
                float[] t = floats(times[i], file, "/spikes/times[" + i + "]");
                int[] u = ints(units[i], file, "/spikes/units[" + i + "]");
                if (t.length != u.length) throw new IOException(file + ": recording " + i + " has " + t.length + " times and " + u.length + " units");
                for (int k = 0; k < u.length; k++)
                    if (u[k] < 0 || u[k] >= CHANNELS) throw new IOException(file + ": recording " + i + ", spike " + k + ": unit " + u[k] + " is not a channel 0.." + (CHANNELS - 1));
                if (labels[i] < 0 || labels[i] >= CLASSES) throw new IOException(file + ": recording " + i + ": label " + labels[i] + " is not a class 0.." + (CLASSES - 1));
                out.add(new Recording(t, u, labels[i]));
            }
            return out;
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IOException(file + ": not an SHD file (" + e.getMessage() + ")", e);
        }
    }

    /** Spike counts per frame and channel group, F32 [frames, 700 / group]. */
    public static Tensor bin(Recording r, double dtMs, int group, Binning binning) {
        if (!(dtMs > 0)) throw new IllegalArgumentException("SHD: the frame length must be positive, got " + dtMs);
        if (group < 1 || CHANNELS % group != 0) throw new IllegalArgumentException("SHD: the channel group must divide 700, got " + group);
        int n = r.times().length, width = CHANNELS / group;
        if (n == 0) return Tensor.zeros(1, width);
        int[] frameOf = new int[n];
        int frames;
        if (binning == Binning.UNIFORM) {
            double first = r.times()[0] * 1000.0, last = r.times()[n - 1] * 1000.0 - first;
            frames = Math.max(1, (int) Math.ceil(last / dtMs));
            for (int k = 0; k < n; k++) frameOf[k] = Math.min(frames - 1, (int) Math.floor((r.times()[k] * 1000.0 - first) / dtMs));
        } else {
            frames = 0;
            double anchor = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < n; k++) {
                double t = r.times()[k] * 1000.0;
                if (t - anchor > dtMs) {            // the first event not yet binned starts a frame
                    anchor = t;
                    frames++;
                }
                frameOf[k] = frames - 1;
            }
        }
        float[] counts = new float[frames * width];
        for (int k = 0; k < n; k++) counts[frameOf[k] * width + r.units()[k] / group]++;
        return Tensor.of(counts, frames, width);
    }

    /** A data set of binned examples (binned once, up front). */
    public static dev.galvani.data.Dataset<Example> dataset(List<Recording> recordings, double dtMs, int group, Binning binning) {
        List<Example> examples = new ArrayList<>(recordings.size());
        for (Recording r : recordings) examples.add(new Example(bin(r, dtMs, group, binning), r.label()));
        return new dev.galvani.data.Dataset<>() {
            @Override public int size() { return examples.size(); }
            @Override public Example get(int index) { return examples.get(index); }
        };
    }

    /**
     * Pads each example at the end to the longest in the batch (§12 step 3): {@code inputs} F32
     * [B, T_max, channels], {@code targets} I64 [B], {@code lengths} I64 [B].
     */
    public static Collate<Example> padCollate() {
        return examples -> {
            int longest = examples.stream().mapToInt(e -> e.frames().size(0)).max().orElse(0);
            List<Tensor> padded = new ArrayList<>(examples.size());
            long[] labels = new long[examples.size()], lengths = new long[examples.size()];
            for (int i = 0; i < examples.size(); i++) {
                Tensor f = examples.get(i).frames();
                padded.add(f.pad(0, 0, 0, longest - f.size(0)));
                labels[i] = examples.get(i).label();
                lengths[i] = f.size(0);
            }
            return new Batch(List.of(Batch.INPUTS, Batch.TARGETS, "lengths"),
                    List.of(Tensor.stack(padded, 0), Tensor.of(labels, labels.length), Tensor.of(lengths, lengths.length)));
        };
    }

    /** The folder holding both files: {@code GALVANI_DATA} or its {@code shd/} subfolder. */
    public static Path locate() throws FileNotFoundException {
        String env = System.getenv(FashionMNIST.ENV);
        if (env != null && !env.isBlank())
            for (Path dir : List.of(Path.of(env), Path.of(env, "shd")))
                if (Files.isRegularFile(dir.resolve(TRAIN_FILE)) && Files.isRegularFile(dir.resolve(TEST_FILE))) return dir;
        throw new FileNotFoundException(missingMessage(env == null ? null : Path.of(env)));
    }

    static String missingMessage(Path where) {
        return "Spiking Heidelberg Digits not found" + (where == null ? " (GALVANI_DATA is not set)" : " at " + where)
                + ": download shd_train.h5.zip and shd_test.h5.zip from https://zenkelab.org/datasets, unzip them (MD5 of "
                + TRAIN_FILE + ": " + TRAIN_MD5 + ", of " + TEST_FILE + ": " + TEST_MD5 + ") into a folder, and set GALVANI_DATA to it"
                + " (or to its parent, with the files in shd/).";
    }

    private static Object[] rows(HdfFile h5, Path file, String path) throws IOException {
        Dataset d = h5.getDatasetByPath(path);
        if (!d.isVariableLength()) throw new IOException(file + ": " + path + " is not a variable-length dataset");
        return (Object[]) d.getData();
    }

    private static float[] floats(Object row, Path file, String what) throws IOException {
        if (row instanceof float[] f) return f;
        if (row instanceof double[] d) {
            float[] f = new float[d.length];
            for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
            return f;
        }
        throw new IOException(file + ": " + what + " holds " + row.getClass().getSimpleName() + ", not floating-point times");
    }

    private static int[] ints(Object row, Path file, String what) throws IOException {
        if (row instanceof int[] i) return i;
        if (row != null && row.getClass().isArray()) {
            int[] out = new int[Array.getLength(row)];
            for (int k = 0; k < out.length; k++) {
                Object v = Array.get(row, k);
                if (!(v instanceof Number num)) throw new IOException(file + ": " + what + " holds non-integers");
                out[k] = num.intValue();
            }
            return out;
        }
        throw new IOException(file + ": " + what + " is not an integer array");
    }
}
