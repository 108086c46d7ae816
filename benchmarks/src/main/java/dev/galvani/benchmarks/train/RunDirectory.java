package dev.galvani.benchmarks.train;

import dev.galvani.io.AtomicFiles;
import dev.galvani.io.SafeTensors;
import dev.galvani.monitor.TrainingCurves;
import dev.galvani.monitor.TrainingLog;
import dev.galvani.nn.Module;
import dev.galvani.optim.LRScheduler;
import dev.galvani.optim.Optimizer;
import dev.galvani.optim.StateDict;
import dev.galvani.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The folder a training task writes into. It is made and checked before any work starts, so an
 * unwritable {@code --out} costs nothing; after every epoch it gets the log, the curves and a
 * checkpoint (model, optimizer, schedule, epoch), so an interrupted run keeps what it did and
 * {@code --resume <folder>} continues after its last finished epoch.
 *
 * <p>A resumed run visits the same examples in the same order as an uninterrupted one (the loader's
 * order is a function of seed and epoch); dropout masks and augmentations draw afresh, so its
 * numbers are close to, not bit-equal with, those of a run that never stopped.
 */
final class RunDirectory {

    static final String CHECKPOINT = "checkpoint.safetensors", LOG = "log.csv", CURVES = "curves.png";
    private static final String MODEL = "model.", SCHEDULE = "schedule.", ARGS = "args";

    final Path dir;

    private RunDirectory(Path dir) { this.dir = dir; }

    /** A new folder {@code root/<task>-<time>}, made now and proven writable. */
    static RunDirectory create(Path root, String task) throws IOException {
        Path dir = root.resolve(task + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            Files.createDirectories(dir);
            Path probe = dir.resolve(".write-test");
            AtomicFiles.writeString(probe, "");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException("cannot write the run's outputs under --out " + root.toAbsolutePath() + " (" + describe(e)
                    + "); choose a writable folder with --out", e);
        }
        return new RunDirectory(dir);
    }

    /** An earlier run's folder, to continue it. */
    static RunDirectory existing(Path dir) throws IOException {
        if (!Files.isRegularFile(dir.resolve(CHECKPOINT)))
            throw new IOException("--resume " + dir + ": no " + CHECKPOINT + " there (a run writes one after each finished epoch)");
        if (!Files.isWritable(dir)) throw new IOException("--resume " + dir + ": the folder is not writable");
        return new RunDirectory(dir);
    }

    Path resolve(String name) { return dir.resolve(name); }

    /** The checkpoint metadata that describes a run: its settings, and its command line (one argument per line) for {@link #argsToResume}. */
    static Map<String, String> settings(Map<String, String> settings, String[] args) {
        Map<String, String> meta = new LinkedHashMap<>(settings);
        meta.put(ARGS, String.join("\n", args));
        return meta;
    }

    /**
     * The command line that continues the run in {@code dir}: the one that started it, then the
     * arguments given now (which win), without {@code --resume} itself.
     */
    static String[] argsToResume(Path dir, String[] now) throws IOException {
        existing(dir);
        String stored;
        try (var file = SafeTensors.open(dir.resolve(CHECKPOINT))) {
            stored = file.metadata().get(ARGS);
        }
        if (stored == null) throw new IOException("--resume " + dir + ": the checkpoint does not record the command line that started the run");
        java.util.List<String> args = new java.util.ArrayList<>();
        String[] before = stored.isEmpty() ? new String[0] : stored.split("\n");
        for (int i = 0; i < before.length; i++) {
            if (before[i].equals("--stop-after")) i++;          // the interruption was that run's; this one runs on
            else if (!before[i].startsWith("--stop-after=")) args.add(before[i]);
        }
        for (int i = 0; i < now.length; i++) {
            if (now[i].equals("--resume")) i++;                 // the folder is the caller's to keep, not part of the run's settings
            else if (!now[i].startsWith("--resume=")) args.add(now[i]);
        }
        return args.toArray(String[]::new);
    }

    /** After an epoch: the log, the curves and the checkpoint, each written whole or not at all. */
    void saveEpoch(int epoch, long step, TrainingLog log, String title, Module model, Optimizer optimizer, LRScheduler schedule,
                   Map<String, String> meta) throws IOException {
        log.writeCsv(resolve(LOG));
        TrainingCurves.save(resolve(CURVES), log, title, 1000, 700);
        StateDict opt = optimizer.stateDict();
        Map<String, Tensor> tensors = new LinkedHashMap<>(opt.tensors());
        model.stateDict().forEach((k, t) -> tensors.put(MODEL + k, t));
        Map<String, String> metadata = new LinkedHashMap<>(meta);
        metadata.putAll(opt.metadata());
        schedule.stateDict().forEach((k, v) -> metadata.put(SCHEDULE + k, v));
        metadata.put("epoch", Integer.toString(epoch));
        metadata.put("step", Long.toString(step));
        SafeTensors.write(resolve(CHECKPOINT), tensors, metadata);
    }

    /** Where a resumed run picks up. */
    record Resumed(int epoch, long step, TrainingLog log) {}

    /**
     * Loads the checkpoint into {@code model}, {@code optimizer} and {@code schedule} (made with the
     * same settings as the run that wrote it; the errors name any difference) and reads the log.
     */
    Resumed load(Module model, Optimizer optimizer, LRScheduler schedule, Map<String, String> expected) throws IOException {
        var contents = SafeTensors.read(resolve(CHECKPOINT));
        Map<String, String> meta = contents.metadata();
        StringBuilder differences = new StringBuilder();
        expected.forEach((k, v) -> {
            if (!v.equals(meta.get(k))) differences.append("; ").append(k).append(" is ").append(meta.get(k)).append(" there, ").append(v).append(" here");
        });
        if (!differences.isEmpty())
            throw new IllegalArgumentException("--resume " + dir + ": the run was made with other settings" + differences);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        contents.tensors().forEach((k, t) -> { if (k.startsWith(MODEL)) weights.put(k.substring(MODEL.length()), t); });
        model.loadStateDict(weights);
        optimizer.loadStateDict(new StateDict(contents.tensors(), meta));
        Map<String, String> scheduleState = new LinkedHashMap<>();
        meta.forEach((k, v) -> { if (k.startsWith(SCHEDULE)) scheduleState.put(k.substring(SCHEDULE.length()), v); });
        schedule.loadStateDict(scheduleState);
        TrainingLog log = Files.isRegularFile(resolve(LOG)) ? TrainingLog.readCsv(resolve(LOG)) : new TrainingLog();
        try {
            return new Resumed(Integer.parseInt(meta.get("epoch")), Long.parseLong(meta.get("step")), log);
        } catch (NumberFormatException | NullPointerException e) {
            throw new IOException(resolve(CHECKPOINT) + ": no readable epoch and step in its metadata", e);
        }
    }

    private static String describe(IOException e) {
        return e instanceof java.nio.file.AccessDeniedException ? "permission denied: " + e.getMessage()
                : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getFile() + ": " + f.getReason()
                : e.toString();
    }
}
