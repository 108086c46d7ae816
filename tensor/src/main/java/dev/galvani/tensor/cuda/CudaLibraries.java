package dev.galvani.tensor.cuda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Finds the CUDA libraries Galvani opens through {@code java.lang.foreign} (cuBLAS, cuFFT), as DESIGN.md §4
 * says: each candidate name in turn ({@code libcublas.so.13}, then {@code .12}), looked for in the
 * folders of {@code GALVANI_CUDA_LIBS} (colon-separated), {@code CUDA_HOME/lib64}, the loader path
 * ({@code LD_LIBRARY_PATH}) and the usual install folders; failing those, the bare name is left to
 * the system loader ({@code ldconfig}'s cache). The environment and the file test are parameters, so
 * the search order is tested on the CPU with temporary folders.
 */
final class CudaLibraries {

    /** The usual install folders, searched after the environment's. */
    static final List<String> USUAL_FOLDERS = List.of("/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib",
            "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/nvidia/lib64");

    /** cuBLAS, newest first: CUDA 13's, then CUDA 12's. */
    static final List<String> CUBLAS = List.of("libcublas.so.13", "libcublas.so.12");

    /** cuFFT, newest first: CUDA 13's (cuFFT 12), then CUDA 12's (cuFFT 11). */
    static final List<String> CUFFT = List.of("libcufft.so.12", "libcufft.so.11");

    private final Map<String, String> env;
    private final Predicate<Path> exists;

    /**
     * A search over an environment.
     * @param env the environment variables ({@code System.getenv()} in use)
     * @param exists whether a file is there ({@code Files::isRegularFile} in use)
     */
    CudaLibraries(Map<String, String> env, Predicate<Path> exists) {
        this.env = env;
        this.exists = exists;
    }

    /** The search over this process's environment and file system. */
    static CudaLibraries system() { return new CudaLibraries(System.getenv(), p -> Files.isRegularFile(p) || Files.isSymbolicLink(p)); }

    /** The folders searched, in order, without duplicates. */
    List<Path> folders() {
        LinkedHashSet<String> dirs = new LinkedHashSet<>();
        split(env.get("GALVANI_CUDA_LIBS"), dirs);
        String cudaHome = env.get("CUDA_HOME");
        if (cudaHome != null && !cudaHome.isBlank()) dirs.add(Path.of(cudaHome, "lib64").toString());
        split(env.get("LD_LIBRARY_PATH"), dirs);
        dirs.addAll(USUAL_FOLDERS);
        List<Path> out = new ArrayList<>();
        for (String d : dirs) out.add(Path.of(d));
        return out;
    }

    /**
     * The first of {@code names} found: for each name in order, each folder in order. Empty when
     * none is in any folder (the caller may still try the bare names with the system loader).
     */
    Optional<Path> find(List<String> names) {
        List<Path> folders = folders();
        for (String name : names)
            for (Path folder : folders) {
                Path p = folder.resolve(name);
                if (exists.test(p)) return Optional.of(p);
            }
        return Optional.empty();
    }

    private static void split(String pathList, LinkedHashSet<String> into) {
        if (pathList == null) return;
        for (String d : pathList.split(":")) if (!d.isBlank()) into.add(d.trim());
    }
}
