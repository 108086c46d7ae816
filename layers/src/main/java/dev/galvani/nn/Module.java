package dev.galvani.nn;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The base of every layer and model, as in PyTorch: named parameters, buffers and child modules,
 * train/eval mode, state dicts with PyTorch's dotted names ({@code layer.0.weight}), device moves,
 * and a readable tree in {@link #toString()}.
 *
 * <p>Subclasses register what they own in their constructor ({@link #registerParameter},
 * {@link #registerBuffer}, {@link #registerModule}) and implement {@link #forward}.
 */
public abstract class Module {

    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Tensor> buffers = new LinkedHashMap<>();
    private final Set<String> nonPersistent = new TreeSet<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** The computation. Modules with other signatures (containers, multi-input layers) document their own. */
    public abstract Tensor forward(Tensor input);

    // ---- registration ---------------------------------------------------------------------------

    /**
     * Registers {@code p} under {@code name} (non-empty, no '.', not yet used), as
     * {@code register_parameter}; null removes it. Returns {@code p}.
     */
    protected final Parameter registerParameter(String name, Parameter p) {
        checkName(name);
        if (p == null) parameters.remove(name);
        else parameters.put(name, p);
        return p;
    }

    /** Removes whatever is registered under {@code name}: a parameter, a buffer or a child (nothing if none). */
    protected final void unregister(String name) {
        parameters.remove(name);
        buffers.remove(name);
        nonPersistent.remove(name);
        children.remove(name);
    }

    /** Registers a parameter initialised with {@code initial}. */
    protected final Parameter registerParameter(String name, Tensor initial) { return registerParameter(name, new Parameter(initial)); }

    /** A tensor that belongs to the module's state but is not trained (running statistics, masks). */
    protected final Tensor registerBuffer(String name, Tensor value) { return registerBuffer(name, value, true); }

    /** As {@link #registerBuffer(String, Tensor)}; non-persistent buffers stay out of the state dict. */
    protected final Tensor registerBuffer(String name, Tensor value, boolean persistent) {
        checkName(name);
        buffers.put(name, value == null ? null : TensorScope.escape(value));
        if (!persistent) nonPersistent.add(name);
        return value;
    }

    /**
     * Registers a child module under {@code name}, as {@code add_module}: its parameters and buffers appear
     * under {@code name.}. Returns {@code module}.
     */
    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    /** The current value of a registered buffer (buffers are replaced when the module moves). */
    protected final Tensor buffer(String name) {
        Tensor t = buffers.get(name);
        if (t == null && !buffers.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + ": no buffer '" + name + "'");
        return t;
    }

    /** Replaces a buffer's value (e.g. a new running mean). */
    protected final void setBuffer(String name, Tensor value) {
        if (!buffers.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + ": no buffer '" + name + "'");
        buffers.put(name, value);
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": invalid name '" + name + "' (must be non-empty and contain no '.')");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": '" + name + "' is already registered");
    }

    // ---- traversal ------------------------------------------------------------------------------

    /** Every parameter of this module and its descendants, each once, in registration order. */
    public final List<Parameter> parameters() { return new ArrayList<>(namedParameters().values()); }

    /** Parameters by dotted name ({@code "0.weight"}, {@code "encoder.layer.1.bias"}). */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collectParameters("", out, seen);
        return out;
    }

    private void collectParameters(String prefix, Map<String, Parameter> out, Set<Parameter> seen) {
        parameters.forEach((n, p) -> { if (seen.add(p)) out.put(prefix + n, p); });
        children.forEach((n, c) -> c.collectParameters(prefix + n + ".", out, seen));
    }

    /** Buffers by dotted name (persistent and not). */
    public final Map<String, Tensor> namedBuffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> m.buffers.forEach((n, b) -> { if (b != null) out.put(prefix + n, b); }));
        return out;
    }

    /** Direct children by name. */
    public final Map<String, Module> namedChildren() { return Collections.unmodifiableMap(children); }

    /** The direct children in registration order, as {@code list(m.children())}. */
    public final List<Module> children() { return new ArrayList<>(children.values()); }

    /** This module and all descendants by dotted name ("" for this one). */
    public final Map<String, Module> namedModules() {
        Map<String, Module> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> out.put(prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1), m));
        return out;
    }

    private interface Visitor { void visit(String prefix, Module m); }

    private void visit(String prefix, Visitor v) {
        v.visit(prefix, this);
        children.forEach((n, c) -> c.visit(prefix + n + ".", v));
    }

    /**
     * The number of elements of all parameters, frozen ones included, as
     * {@code sum(p.numel() for p in m.parameters())}.
     */
    public final long parameterCount() { return parameters().stream().mapToLong(Parameter::numel).sum(); }

    // ---- modes ----------------------------------------------------------------------------------

    /** Training mode (dropout active, batch norm uses batch statistics); applies to all descendants. */
    public Module train() { return train(true); }

    /**
     * Sets training mode on ({@code true}) or off for this module and all descendants, as
     * {@code m.train(mode)}; returns this.
     */
    public Module train(boolean mode) {
        visit("", (p, m) -> m.training = mode);
        return this;
    }

    /** Evaluation mode. */
    public Module eval() { return train(false); }

    /** Whether this module is in training mode, PyTorch's {@code m.training}. */
    public final boolean isTraining() { return training; }

    /** Clears the gradients of all parameters. */
    public void zeroGrad() { parameters().forEach(Parameter::zeroGrad); }

    // ---- devices and types ----------------------------------------------------------------------

    /** Moves parameters and buffers to {@code device}; returns this module. */
    public Module to(Device device) {
        visit("", (p, m) -> {
            m.parameters.values().forEach(par -> par.to(device));
            m.buffers.replaceAll((n, b) -> b == null ? null : TensorScope.escape(b.to(device)));
        });
        return this;
    }

    /** Converts floating-point parameters and buffers to {@code dtype}. */
    public Module to(DType dtype) {
        if (!dtype.isFloatingPoint()) throw new IllegalArgumentException("Module.to: parameters must stay floating point, got " + dtype);
        visit("", (p, m) -> {
            m.parameters.values().forEach(par -> par.to(dtype));
            m.buffers.replaceAll((n, b) -> b == null || !b.dtype().isFloatingPoint() ? b : TensorScope.escape(b.to(dtype)));
        });
        return this;
    }

    // ---- state dicts ----------------------------------------------------------------------------

    /** Parameters and persistent buffers by dotted name, detached (they share storage with the module). */
    public final Map<String, Tensor> stateDict() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        visit("", (prefix, m) -> {
            m.parameters.forEach((n, p) -> out.put(prefix + n, p.value().detach()));
            m.buffers.forEach((n, b) -> { if (b != null && !m.nonPersistent.contains(n)) out.put(prefix + n, b.detach()); });
        });
        return out;
    }

    /** As {@link #loadStateDict(Map, boolean)} with strict checking. */
    public final void loadStateDict(Map<String, Tensor> state) { loadStateDict(state, true); }

    /**
     * Copies values into the parameters and buffers with the same names (converting dtype and device).
     * Nothing is changed unless every key fits: with {@code strict}, missing and unexpected keys are
     * errors; a shape mismatch is always an error. The message lists every problem at once.
     */
    public final void loadStateDict(Map<String, Tensor> state, boolean strict) {
        Map<String, Tensor> own = stateDict();
        List<String> missing = new ArrayList<>(), unexpected = new ArrayList<>(), misshaped = new ArrayList<>();
        for (String k : own.keySet()) if (!state.containsKey(k)) missing.add(k);
        for (String k : state.keySet()) if (!own.containsKey(k)) unexpected.add(k);
        own.forEach((k, t) -> {
            Tensor v = state.get(k);
            if (v != null && !v.shape().equals(t.shape())) misshaped.add(k + ": checkpoint " + v.shape() + ", model " + t.shape());
        });
        List<String> problems = new ArrayList<>();
        if (!misshaped.isEmpty()) problems.add("size mismatch for " + String.join("; ", misshaped));
        if (strict && !missing.isEmpty()) problems.add("missing keys: " + missing);
        if (strict && !unexpected.isEmpty()) problems.add("unexpected keys: " + unexpected);
        if (!problems.isEmpty())
            throw new IllegalArgumentException("loadStateDict into " + getClass().getSimpleName() + ": " + String.join("; ", problems));
        try (var _ = GradMode.disable()) {
            own.forEach((k, t) -> {
                Tensor v = state.get(k);
                if (v != null) t.copyFrom(v.to(t.device()));
            });
        }
    }

    // ---- calling and printing -------------------------------------------------------------------

    /** Runs {@link #forward}. */
    public Tensor apply(Tensor input) { return forward(input); }

    /** The one-line description inside the parentheses of {@link #toString()}, e.g. "in_features=3, out_features=4". */
    protected String extraRepr() { return ""; }

    /** PyTorch's module tree: {@code Sequential(\n  (0): Linear(in_features=3, ...)\n)}. */
    @Override public String toString() {
        String name = getClass().getSimpleName();
        if (children.isEmpty()) return name + "(" + extraRepr() + ")";
        StringBuilder sb = new StringBuilder(name).append("(");
        if (!extraRepr().isEmpty()) sb.append("\n  ").append(extraRepr());
        children.forEach((n, c) -> sb.append("\n  (").append(n).append("): ").append(c.toString().replace("\n", "\n  ")));
        return sb.append("\n)").toString();
    }
}
