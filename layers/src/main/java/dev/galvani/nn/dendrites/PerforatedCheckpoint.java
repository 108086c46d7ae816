package dev.galvani.nn.dendrites;

import dev.galvani.io.SafeTensors;
import dev.galvani.nn.Module;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saves and restores a model with perforated dendrites as one safetensors file: the weights as the
 * state dict, and the structure (how many dendrite sets each {@link PerforatedNeuron} has) in the
 * metadata under {@value #KEY}, as {@code name=count} pairs separated by commas (the module's
 * dotted name, e.g. {@code 0=2,2=1} for layers 0 and 2 of a Sequential). Loading first gives every
 * neuron its saved number of dendrites, then loads the weights, so a model built without dendrites
 * reads a checkpoint taken after any number of restructurings.
 */
public final class PerforatedCheckpoint {

    /** The metadata key of the structure. */
    public static final String KEY = "galvani.dendrites";

    private PerforatedCheckpoint() {}

    /** The model's structure: each perforated neuron's dotted name and dendrite count, in module order. */
    public static Map<String, Integer> structure(Module model) {
        Map<String, Integer> out = new LinkedHashMap<>();
        model.namedModules().forEach((name, m) -> { if (m instanceof PerforatedNeuron n) out.put(name, n.dendriteCount()); });
        return out;
    }

    /** Writes the model's weights with its structure and {@code metadata} (may be empty) to {@code file}. */
    public static void save(Path file, Module model, Map<String, String> metadata) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(metadata == null ? Map.of() : metadata);
        StringBuilder s = new StringBuilder();
        structure(model).forEach((name, count) -> s.append(s.isEmpty() ? "" : ",").append(name).append('=').append(count));
        meta.put(KEY, s.toString());
        SafeTensors.save(file, model.stateDict(), meta);
    }

    /**
     * Gives the model the saved structure and loads the weights; returns the file's metadata.
     *
     * @throws IllegalArgumentException when the file has no structure, names a module that is not a
     *     perforated neuron of this model, or its weights do not fit
     */
    public static Map<String, String> load(Path file, Module model) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        String saved = c.metadata().get(KEY);
        if (saved == null) throw new IllegalArgumentException(file + ": no " + KEY + " in the metadata; it was not written by PerforatedCheckpoint.save");
        Map<String, Module> modules = model.namedModules();
        for (String pair : saved.isEmpty() ? new String[0] : saved.split(",")) {
            int eq = pair.lastIndexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (eq < 0 || !(modules.get(name) instanceof PerforatedNeuron n))
                throw new IllegalArgumentException(file + ": the structure names '" + name + "', which is not a PerforatedNeuron of this model (it has " + structure(model).keySet() + ")");
            try {
                n.restructure(Integer.parseInt(pair.substring(eq + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + ": bad dendrite count in '" + pair + "'");
            }
        }
        model.loadStateDict(c.tensors());
        return c.metadata();
    }
}
