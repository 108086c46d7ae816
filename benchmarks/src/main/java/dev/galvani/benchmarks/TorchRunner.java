package dev.galvani.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code torch_cpu_bench.py} (shipped inside the jar, source in {@code benchmarks/scripts/}) in
 * a Python that can import torch, and returns its JSON. The Python is {@code TORCH_PYTHON} when
 * set, else the first of {@code python3} and {@code /tmp/torch/bin/python} that imports torch.
 */
final class TorchRunner {

    private TorchRunner() {}

    /** PyTorch's results, or why there are none: exactly one of the two is set. */
    record Outcome(Map<String, Object> results, String missing) {}

    static final String SCRIPT_RESOURCE = "torch_cpu_bench.py";

    static List<String> candidates() {
        String chosen = System.getenv("TORCH_PYTHON");
        // An explicit choice is respected: no silent fall-back to another Python.
        return chosen != null && !chosen.isBlank() ? List.of(chosen) : List.of("python3", "/tmp/torch/bin/python");
    }

    /** The first candidate Python that imports torch, or null. */
    static String findPython() {
        for (String candidate : candidates())
            if (importsTorch(candidate)) return candidate;
        return null;
    }

    /** What to tell the user when {@link #findPython()} found none. */
    static String noTorchReason() {
        return "torch is not importable with " + String.join(" or ", candidates()) + "; set TORCH_PYTHON to a Python that has torch";
    }

    /** Runs the script in {@code python} with {@code scriptArgs}; its progress lines go to this process's stderr. */
    @SuppressWarnings("unchecked")
    static Outcome run(String python, List<String> scriptArgs, int threads) {
        try {
            Path script = Files.createTempFile("torch_cpu_bench", ".py");
            try {
                try (InputStream in = TorchRunner.class.getResourceAsStream(SCRIPT_RESOURCE)) {
                    if (in == null) return new Outcome(null, SCRIPT_RESOURCE + " is missing from the jar (rebuild it)");
                    Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                List<String> command = new ArrayList<>(List.of(python, script.toString()));
                command.addAll(scriptArgs);
                ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
                // As well as torch.set_num_threads, so that no library under torch opens a pool of another size.
                pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
                pb.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
                Process p = pb.start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int rc = p.waitFor();
                if (rc != 0) return new Outcome(null, "torch_cpu_bench.py failed with " + python + " (exit " + rc + ")");
                return new Outcome((Map<String, Object>) Json.parse(out), null);
            } finally {
                Files.deleteIfExists(script);
            }
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            return new Outcome(null, "torch_cpu_bench.py could not run with " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted while PyTorch ran");
        }
    }

    private static boolean importsTorch(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;   // no such program
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
