package dev.galvani.nn;

import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A list of modules whose parameters belong to the owner; it has no forward of its own. */
public final class ModuleList extends Module implements Iterable<Module> {

    private final List<Module> modules = new ArrayList<>();

    public ModuleList(Module... modules) { for (Module m : modules) add(m); }

    public ModuleList add(Module m) {
        registerModule(Integer.toString(modules.size()), m);
        modules.add(m);
        return this;
    }

    public Module get(int i) { return modules.get(i); }

    public int size() { return modules.size(); }

    @Override public Iterator<Module> iterator() { return List.copyOf(modules).iterator(); }

    @Override public Tensor forward(Tensor input) {
        throw new UnsupportedOperationException("ModuleList has no forward: iterate over it and call each module");
    }
}
