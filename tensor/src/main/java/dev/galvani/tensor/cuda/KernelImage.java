package dev.galvani.tensor.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * The kernels galvani-cuda-kernels compiled: the fatbin resource {@code dev/galvani/cuda/galvani.fatbin}
 * and its {@code kernels.properties} (what nvcc built it, for which architectures). A build without
 * nvcc has the properties with {@code built=false} and no fatbin.
 */
final class KernelImage {

    static final String FATBIN = "dev/galvani/cuda/galvani.fatbin", PROPERTIES = "dev/galvani/cuda/kernels.properties";

    private KernelImage() {}

    /** The fatbin's bytes, or empty when Galvani was built without nvcc (or the kernels jar is missing). */
    static Optional<byte[]> fatbin(ClassLoader loader) {
        try (InputStream in = loader.getResourceAsStream(FATBIN)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + FATBIN, e);
        }
    }

    /** What the build wrote about the kernels (empty properties when the kernels jar is not on the classpath). */
    static Properties properties(ClassLoader loader) {
        Properties p = new Properties();
        try (InputStream in = loader.getResourceAsStream(PROPERTIES)) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + PROPERTIES, e);
        }
        return p;
    }

    /** The architectures the fatbin holds, as the build listed them ("sm_80 sm_86 ... compute_120"), or "unknown". */
    static String architectures(ClassLoader loader) { return properties(loader).getProperty("archs", "unknown"); }
}
