package dev.galvani.nn;

import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A list of modules whose parameters belong to the owner; it has no forward of its own. */
public final class ModuleList extends Module implements Iterable<Module> {

    private final List<Module> modules = new ArrayList<>();

    /**
     * A list of these modules, registered as {@code "0"}, {@code "1"}, ..., as {@code nn.ModuleList([...])}.
     */
    public ModuleList(Module... modules) { for (Module m : modules) add(m); }

    /** Appends and registers {@code m}, as {@code append}; returns this list. */
    public ModuleList add(Module m) {
        registerModule(Integer.toString(modules.size()), m);
        modules.add(m);
        return this;
    }

    /** Module {@code i}, as {@code modules[i]}. */
    public Module get(int i) { return modules.get(i); }

    /** The number of modules, as {@code len(modules)}. */
    public int size() { return modules.size(); }

    @Override public Iterator<Module> iterator() { return List.copyOf(modules).iterator(); }

    @Override public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("ModuleList has no forward: iterate over it and call each module");
    }
}
