package dev.galvani.data;

import dev.galvani.tensor.Tensor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017; github.com/zalandoresearch/fashion-mnist): 70,000
 * 28 x 28 grey-scale images of clothing in 10 classes, 60,000 for training and 10,000 for testing.
 *
 * <p>Both splits come as a {@link TensorDataset} with {@code inputs} F32 [N, 1, 28, 28], pixels
 * scaled to [0, 1], and {@code targets} I64 [N], class indices into {@link #CLASSES}.
 *
 * <h2>Where the files are looked for</h2>
 * The four IDX files ({@code train-images-idx3-ubyte}, {@code train-labels-idx1-ubyte},
 * {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each plain or with {@code .gz})
 * are looked for in the folder named by the environment variable {@code GALVANI_DATA} and its
 * {@code fashion-mnist} subfolder when it is set, and only there: a {@code GALVANI_DATA} that
 * points nowhere is an error, not a silent fall-back to another copy. When it is not set, they are
 * looked for in {@code /usr/share/datasets/fashion-mnist}, where
 * {@code apt-get install -y dataset-fashion-mnist} puts them.
 */
public final class FashionMNIST {

    /** The class names, indexed by label. */
    public static final List<String> CLASSES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /**
     * Mean of the training images' pixels after scaling to [0, 1], over all 60000 x 784 values
     * (0.28604). The figure commonly quoted for Fashion-MNIST; {@code FashionMNISTTest} recomputes it.
     */
    public static final double MEAN = 0.2860;
    /** Standard deviation (population) of the same pixels (0.35302); recomputed by {@code FashionMNISTTest}. */
    public static final double STD = 0.3530;

    /** The environment variable naming a folder that holds the data. */
    public static final String ENV = "GALVANI_DATA";
    /** The folder the {@code dataset-fashion-mnist} package installs to. */
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private static final int SIDE = 28;
    // 1/255 for every byte value, so the conversion loop is one table look-up per pixel.
    private static final float[] SCALE = new float[256];
    static {
        for (int v = 0; v < 256; v++) SCALE[v] = v / 255f;
    }

    private FashionMNIST() {}

    /** The 60,000 training images, from the first folder that has them (see the class comment). */
    public static TensorDataset train() throws IOException { return train(locate("train")); }

    /** The 10,000 test images, from the first folder that has them. */
    public static TensorDataset test() throws IOException { return test(locate("t10k")); }

    /** The training split from {@code dir}. */
    public static TensorDataset train(Path dir) throws IOException { return load(dir, "train"); }

    /** The test split from {@code dir}. */
    public static TensorDataset test(Path dir) throws IOException { return load(dir, "t10k"); }

    /** The first folder on the search path that holds both splits, if any. */
    public static Optional<Path> find() {
        for (Path dir : searchPath(System.getenv(ENV)))
            if (hasSplit(dir, "train") && hasSplit(dir, "t10k")) return Optional.of(dir);
        return Optional.empty();
    }

    /** Whether both splits can be found. */
    public static boolean isAvailable() { return find().isPresent(); }

    /**
     * Throws when {@code GALVANI_DATA} is set but holds no Fashion-MNIST: a task that would otherwise
     * fall back to generated data calls this first, so a mistyped folder is reported, not ignored.
     */
    public static void checkDataFolder() throws FileNotFoundException {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank() && find().isEmpty()) throw new FileNotFoundException(missingMessage("train", searchPath(env), env));
    }

    /** {@link Transforms#normalize} with Fashion-MNIST's {@link #MEAN} and {@link #STD}: inputs get mean 0 and deviation 1. */
    public static UnaryOperator<Batch> normalize() { return Transforms.normalize(MEAN, STD); }

    /** {@code dataset} with its inputs normalised once, up front (see {@link #normalize()} for the per-batch form). */
    public static TensorDataset normalized(TensorDataset dataset) {
        return dataset.map(Batch.INPUTS, x -> x.sub(MEAN).div(STD));
    }

    /**
     * Reads a pair of IDX files: images [N, 28, 28] and labels [N] in 0..9. Public for copies of the
     * data kept under other names.
     */
    public static TensorDataset read(Path imagesFile, Path labelsFile) throws IOException {
        IdxFile.Contents images = IdxFile.read(imagesFile, 3);
        IdxFile.Contents labels = IdxFile.read(labelsFile, 1);
        int n = images.dims()[0];
        if (images.dims()[1] != SIDE || images.dims()[2] != SIDE)
            throw images.error(8, "images are " + images.dims()[1] + " x " + images.dims()[2] + ", Fashion-MNIST's are 28 x 28");
        if (labels.dims()[0] != n)
            throw labels.error(4, labels.dims()[0] + " labels for the " + n + " images of " + imagesFile);

        byte[] pixels = images.data();
        float[] scaled = new float[n * SIDE * SIDE];
        for (int i = 0, at = images.headerBytes(); i < scaled.length; i++, at++) scaled[i] = SCALE[pixels[at] & 0xff];

        byte[] raw = labels.data();
        long[] classes = new long[n];
        for (int i = 0; i < n; i++) {
            int label = raw[labels.headerBytes() + i] & 0xff;
            if (label >= CLASSES.size())
                throw labels.error(labels.headerBytes() + i, "label " + label + " of example " + i + " is not a class index 0.." + (CLASSES.size() - 1));
            classes[i] = label;
        }
        return new TensorDataset(Tensor.of(scaled, n, 1, SIDE, SIDE), Tensor.of(classes, n));
    }

    /** The folders looked in, in order, given the value of {@code GALVANI_DATA} (null when unset). */
    static List<Path> searchPath(String galvaniData) {
        List<Path> dirs = new ArrayList<>();
        if (galvaniData != null && !galvaniData.isBlank()) {
            Path base = Path.of(galvaniData);
            dirs.add(base);
            dirs.add(base.resolve("fashion-mnist"));
        } else {
            dirs.add(SYSTEM_DIR);
        }
        return dirs;
    }

    private static Path locate(String split) throws FileNotFoundException {
        String env = System.getenv(ENV);
        List<Path> dirs = searchPath(env);
        for (Path dir : dirs) if (hasSplit(dir, split)) return dir;
        throw new FileNotFoundException(missingMessage(split, dirs, env));
    }

    /** What to tell a user who does not have the data: where we looked and the ways to fix it. */
    static String missingMessage(String split, List<Path> looked, String env) {
        String files = "no " + split + "-images-idx3-ubyte[.gz] with " + split + "-labels-idx1-ubyte[.gz] in " + looked;
        if (env != null && !env.isBlank())
            return "Fashion-MNIST not found where " + ENV + " points: " + files + " (" + ENV + "=" + env + "). "
                    + "Put the four files from https://github.com/zalandoresearch/fashion-mnist there, point " + ENV
                    + " at the folder that holds them, or unset it to use the system copy (apt-get install -y dataset-fashion-mnist).";
        return "Fashion-MNIST not found: " + files + " (" + ENV + " is not set). "
                + "Install it with `apt-get install -y dataset-fashion-mnist` (files go to " + SYSTEM_DIR + "), "
                + "or download the four files from https://github.com/zalandoresearch/fashion-mnist into a folder and set " + ENV + " to that folder.";
    }

    /** For a folder the caller named: only that folder is to blame, not GALVANI_DATA. */
    static String missingInMessage(String split, Path dir) {
        return "Fashion-MNIST not found in " + dir + ": no " + split + "-images-idx3-ubyte[.gz] with " + split + "-labels-idx1-ubyte[.gz]"
                + (Files.isDirectory(dir) ? "" : " (the folder does not exist)") + ". Put the four files from "
                + "https://github.com/zalandoresearch/fashion-mnist there, or call FashionMNIST.train() / test() without a folder to search "
                + ENV + " and " + SYSTEM_DIR + ".";
    }

    private static TensorDataset load(Path dir, String split) throws IOException {
        Optional<Path> images = file(dir, split + "-images-idx3-ubyte");
        Optional<Path> labels = file(dir, split + "-labels-idx1-ubyte");
        if (images.isEmpty() || labels.isEmpty())
            throw new FileNotFoundException(missingInMessage(split, dir));
        return read(images.get(), labels.get());
    }

    private static boolean hasSplit(Path dir, String split) {
        return file(dir, split + "-images-idx3-ubyte").isPresent() && file(dir, split + "-labels-idx1-ubyte").isPresent();
    }

    /** {@code dir/name}, or else {@code dir/name.gz}, if it is a file. */
    private static Optional<Path> file(Path dir, String name) {
        for (Path p : List.of(dir.resolve(name), dir.resolve(name + ".gz")))
            if (Files.isRegularFile(p)) return Optional.of(p);
        return Optional.empty();
    }
}
