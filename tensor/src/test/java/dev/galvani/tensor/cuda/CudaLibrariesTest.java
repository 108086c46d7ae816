package dev.galvani.tensor.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library search order of DESIGN.md §4, on temporary folders. */
class CudaLibrariesTest {

    @TempDir Path tmp;

    private Path lib(String folder, String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(folder));
        return Files.writeString(dir.resolve(name), "not really a library");
    }

    @Test
    void foldersComeFromGalvaniCudaLibsThenCudaHomeThenTheLoaderPathThenTheUsualOnes() {
        CudaLibraries l = new CudaLibraries(Map.of("GALVANI_CUDA_LIBS", "/a:/b", "CUDA_HOME", "/opt/cuda", "LD_LIBRARY_PATH", "/c::/a"), p -> false);
        List<Path> f = l.folders();
        assertEquals(List.of(Path.of("/a"), Path.of("/b"), Path.of("/opt/cuda/lib64"), Path.of("/c")), f.subList(0, 4));
        assertEquals(Path.of(CudaLibraries.USUAL_FOLDERS.getFirst()), f.get(4));
        assertEquals(4 + CudaLibraries.USUAL_FOLDERS.size(), f.size(), "no duplicates, no empty entries");
    }

    @Test
    void cuda13sLibraryWinsOverCuda12sWhereverEachIs() throws IOException {
        Path v12 = lib("first", "libcublas.so.12");
        Path v13 = lib("later", "libcublas.so.13");
        CudaLibraries l = new CudaLibraries(Map.of("GALVANI_CUDA_LIBS", tmp.resolve("first") + ":" + tmp.resolve("later")), Files::isRegularFile);
        assertEquals(Optional.of(v13), l.find(CudaLibraries.CUBLAS));
        CudaLibraries only12 = new CudaLibraries(Map.of("LD_LIBRARY_PATH", tmp.resolve("first").toString()), Files::isRegularFile);
        assertEquals(Optional.of(v12), only12.find(CudaLibraries.CUBLAS));
    }

    @Test
    void anEarlierFolderWinsForTheSameNameAndNothingFoundIsEmpty() throws IOException {
        lib("home/lib64", "libcublas.so.13");
        Path mine = lib("mine", "libcublas.so.13");
        CudaLibraries l = new CudaLibraries(Map.of("CUDA_HOME", tmp.resolve("home").toString(), "GALVANI_CUDA_LIBS", tmp.resolve("mine").toString()),
                Files::isRegularFile);
        assertEquals(Optional.of(mine), l.find(CudaLibraries.CUBLAS));
        CudaLibraries none = new CudaLibraries(Map.of(), p -> p.startsWith(tmp));
        assertTrue(none.find(CudaLibraries.CUBLAS).isEmpty());
    }

    /** cuFFT as PyTorch's CUDA 13 wheels ship it (libcufft.so.12 in nvidia/cufft/lib) wins over CUDA 12's .11. */
    @Test
    void cufft12WinsOverCufft11() throws IOException {
        Path v11 = lib("old", "libcufft.so.11");
        Path v12 = lib("nvidia/cufft/lib", "libcufft.so.12");
        CudaLibraries l = new CudaLibraries(Map.of("GALVANI_CUDA_LIBS", tmp.resolve("old") + ":" + tmp.resolve("nvidia/cufft/lib")), Files::isRegularFile);
        assertEquals(Optional.of(v12), l.find(CudaLibraries.CUFFT));
        assertEquals(Optional.of(v11), new CudaLibraries(Map.of("GALVANI_CUDA_LIBS", tmp.resolve("old").toString()), Files::isRegularFile).find(CudaLibraries.CUFFT));
    }
}
