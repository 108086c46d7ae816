package dev.galvani.optim;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The base of the optimizers, with PyTorch's model: parameter groups that each carry their own
 * hyperparameters ({@link ParamGroup}), per-parameter state ({@link ParamState}), {@link #step()}
 * after the gradients are in, {@link #zeroGrad()} before the next backward pass, and checkpoints
 * ({@link #stateDict()}, {@link #loadStateDict}).
 *
 * <p>A subclass declares its options with their defaults, checks a group's values
 * ({@link #validate}) and updates one parameter from its gradient ({@link #update}); the base walks
 * the groups, skips parameters without a gradient and turns gradient recording off around the
 * updates (they are in-place writes to leaves that require grad).
 *
 * <p>State is created on each parameter's device at its first update; as in PyTorch, move the
 * model before making the optimizer.
 */
public abstract class Optimizer {

    private final String name = getClass().getSimpleName();
    private final Map<String, Object> defaults;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final Map<Parameter, ParamState> state = new IdentityHashMap<>();

    /**
     * Sets up the defaults and adds the groups, checking every option.
     *
     * @param groups       the parameter groups, each with the options it overrides
     * @param builtIn      every option this optimizer has, with PyTorch's default (Double or Boolean)
     * @param overrides    defaults chosen by the caller for all groups (a subset of {@code builtIn})
     */
    protected Optimizer(List<ParamGroup> groups, Map<String, Object> builtIn, Map<String, Object> overrides) {
        Objects.requireNonNull(groups, "groups");
        this.defaults = new LinkedHashMap<>(builtIn);
        this.defaults.putAll(checkedOptions(overrides, "the options"));
        checkGroup(new ParamGroup(List.of()).withOptions(defaults), "options");
        if (groups.stream().allMatch(g -> g.params().isEmpty())) throw new IllegalArgumentException(name + ": got an empty parameter list");
        groups.forEach(this::addParamGroup);
    }

    // ---- what a subclass provides ---------------------------------------------------------------

    /**
     * Checks a group's hyperparameters and throws {@link IllegalArgumentException} with a short
     * reason ("invalid learning rate: -0.1"). Called at construction, on every step (schedules and
     * users change values) and when loading a checkpoint. Reads only the group.
     */
    protected abstract void validate(ParamGroup group);

    /** Updates {@code param} in place from {@code grad}; gradient recording is off. */
    protected abstract void update(Tensor param, Tensor grad, ParamState state, ParamGroup group);

    /** Throws {@link IllegalArgumentException} with {@code reason} unless {@code ok}; for {@link #validate}. */
    protected static void require(boolean ok, String reason) {
        if (!ok) throw new IllegalArgumentException(reason);
    }

    // ---- groups ---------------------------------------------------------------------------------

    /**
     * Adds a group (for example newly unfrozen layers); options it does not set take this
     * optimizer's defaults. A parameter may belong to one group only.
     */
    public final void addParamGroup(ParamGroup group) {
        String where = "param group " + groups.size();
        Map<String, Object> options = new LinkedHashMap<>(defaults);
        options.putAll(checkedOptions(group.options(), where));
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        groups.forEach(g -> seen.addAll(g.params()));
        for (Parameter p : group.params())
            if (!seen.add(p)) throw new IllegalArgumentException(name + ": " + where + ": a parameter (shape "
                    + p.value().shape() + ") appears in more than one parameter group, or twice in this one");
        ParamGroup filled = group.withOptions(options);
        checkGroup(filled, where);
        groups.add(filled);
    }

    /** The groups with every option filled in; change their values to change later steps. */
    public final List<ParamGroup> paramGroups() { return Collections.unmodifiableList(groups); }

    /** This optimizer's default options (PyTorch's defaults with the caller's choices). */
    public final Map<String, Object> defaults() { return Collections.unmodifiableMap(defaults); }

    /** The state of a parameter, or null before its first update. */
    public final ParamState state(Parameter p) { return state.get(p); }

    private Map<String, Object> checkedOptions(Map<String, Object> options, String where) {
        for (var e : options.entrySet()) {
            Object known = defaults.get(e.getKey());
            if (known == null)
                throw new IllegalArgumentException(name + ": " + where + " sets '" + e.getKey() + "', which " + name
                        + " does not have (options: " + String.join(", ", defaults.keySet()) + ")");
            if (known.getClass() != e.getValue().getClass())
                throw new IllegalArgumentException(name + ": " + where + ": option '" + e.getKey() + "' is "
                        + (known instanceof Boolean ? "a flag" : "a number") + ", got " + e.getValue());
        }
        return options;
    }

    private void checkGroup(ParamGroup group, String where) {
        try {
            validate(group);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + where + ": " + e.getMessage(), e);
        }
    }

    // ---- stepping -------------------------------------------------------------------------------

    /** One update of every parameter that has a gradient. */
    public void step() {
        for (int i = 0; i < groups.size(); i++) checkGroup(groups.get(i), "param group " + i);
        try (var _ = GradMode.disable()) {
            for (ParamGroup g : groups)
                for (Parameter p : g.params()) {
                    Tensor grad = p.grad();
                    if (grad == null) continue;     // frozen or unused this step: no update, no state
                    update(p.value(), grad, state.computeIfAbsent(p, k -> new ParamState()), g);
                }
        }
    }

    /** Evaluates {@code closure} (which computes the loss and its gradients) with recording on, then steps. */
    public Tensor step(Supplier<Tensor> closure) {
        Tensor loss;
        try (var g = GradMode.enable()) {
            loss = closure.get();
        }
        step();
        return loss;
    }

    /** Drops the gradients of all parameters (PyTorch's default {@code set_to_none=True}). */
    public void zeroGrad() {
        groups.forEach(g -> g.params().forEach(Parameter::zeroGrad));
    }

    // ---- checkpoints ----------------------------------------------------------------------------

    /**
     * The state and hyperparameters, named as described in {@link StateDict}. The tensors share
     * storage with the optimizer: write them out (or clone them) before the next step.
     */
    public StateDict stateDict() {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("optimizer", name);
        int index = 0;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParamGroup g = groups.get(gi);
            List<String> indices = new ArrayList<>();
            for (Parameter p : g.params()) {
                String prefix = "state." + index + ".";
                ParamState s = state.get(p);
                if (s != null) {
                    if (s.step() > 0) meta.put(prefix + "step", Long.toString(s.step()));
                    s.buffers().forEach((k, t) -> tensors.put(prefix + k, t.detach()));
                }
                indices.add(Integer.toString(index++));
            }
            String prefix = "param_groups." + gi + ".";
            g.options().forEach((k, v) -> meta.put(prefix + k, v.toString()));
            meta.put(prefix + "params", String.join(",", indices));
        }
        return new StateDict(tensors, meta);
    }

    /**
     * Restores a checkpoint made by {@link #stateDict()} of an optimizer of the same class over
     * parameters of the same shapes, grouped the same way. The checkpoint's hyperparameters replace
     * the groups' (as in PyTorch); state tensors are copied to each parameter's device and dtype.
     * Keys outside {@code optimizer}, {@code state.*} and {@code param_groups.*} are ignored, so one
     * file may also hold the model and the schedule. Nothing changes unless everything fits; the
     * exception lists every difference.
     */
    public void loadStateDict(StateDict checkpoint) {
        CheckpointReader loaded;
        try (var _ = GradMode.disable()) {
            loaded = new CheckpointReader(checkpoint);
        }
        if (!loaded.problems.isEmpty())
            throw new IllegalArgumentException(name + ".loadStateDict: " + String.join("; ", loaded.problems));
        for (int gi = 0; gi < groups.size(); gi++) groups.get(gi).replaceOptions(loaded.options.get(gi));
        state.clear();
        loaded.states.forEach((index, s) -> state.put(loaded.params.get(index), s));
    }

    /** Reads and checks a checkpoint against this optimizer; collects every problem. */
    private final class CheckpointReader {
        final List<String> problems = new ArrayList<>();
        final List<Parameter> params = new ArrayList<>();                // by checkpoint index
        final List<Map<String, Object>> options = new ArrayList<>();     // by group
        final Map<Integer, ParamState> states = new LinkedHashMap<>();

        CheckpointReader(StateDict checkpoint) {
            Map<String, String> meta = checkpoint.metadata();
            String kind = meta.get("optimizer");
            if (!name.equals(kind)) {     // another optimizer's options would only add noise to the message
                problems.add(kind == null ? "no 'optimizer' entry (not an optimizer checkpoint?)" : "the checkpoint is from " + kind + ", not " + name);
                return;
            }
            readGroups(meta);
            if (!problems.isEmpty()) return;      // without the index mapping, the state cannot be read
            readState(checkpoint);
        }

        private void readGroups(Map<String, String> meta) {
            int count = 0;
            while (meta.containsKey("param_groups." + count + ".params")) count++;
            if (count != groups.size()) {
                problems.add("the checkpoint has " + count + " parameter groups, the optimizer " + groups.size());
                return;
            }
            Map<Integer, Parameter> byIndex = new LinkedHashMap<>();
            for (int gi = 0; gi < count; gi++) {
                String prefix = "param_groups." + gi + ".";
                String[] indices = meta.get(prefix + "params").isBlank() ? new String[0] : meta.get(prefix + "params").split(",");
                List<Parameter> own = groups.get(gi).params();
                if (indices.length != own.size()) {
                    problems.add("param group " + gi + " has " + indices.length + " parameters in the checkpoint, " + own.size() + " here");
                    continue;
                }
                for (int i = 0; i < indices.length; i++) {
                    Integer index = parseIndex(indices[i].trim());
                    if (index == null || byIndex.put(index, own.get(i)) != null)
                        problems.add(prefix + "params: bad or repeated index '" + indices[i] + "'");
                }
                options.add(readOptions(meta, gi));
            }
            for (int i = 0; i < byIndex.size(); i++) params.add(byIndex.get(i));
            if (problems.isEmpty() && params.contains(null)) problems.add("param_groups.*.params: the indices are not 0.." + (byIndex.size() - 1));
        }

        private Map<String, Object> readOptions(Map<String, String> meta, int gi) {
            String prefix = "param_groups." + gi + ".";
            Map<String, Object> out = new LinkedHashMap<>();
            Set<String> missing = new TreeSet<>(defaults.keySet());
            int before = problems.size();
            meta.forEach((key, text) -> {
                if (!key.startsWith(prefix) || key.equals(prefix + "params")) return;
                String option = key.substring(prefix.length());
                missing.remove(option);
                Object value = parseOption(text, defaults.get(option));
                if (value == null) problems.add(key + ": cannot read '" + text + "' as " + (defaults.get(option) instanceof Boolean ? "a flag" : "a number"));
                else out.put(option, value);
            });
            if (!missing.isEmpty()) problems.add("param group " + gi + " lacks options " + missing);
            else if (problems.size() == before) {
                try {
                    validate(new ParamGroup(List.of()).withOptions(out));
                } catch (IllegalArgumentException e) {
                    problems.add("param group " + gi + ": " + e.getMessage());
                }
            }
            return out;
        }

        private void readState(StateDict checkpoint) {
            checkpoint.metadata().forEach((key, text) -> {
                if (!key.startsWith("state.")) return;
                String[] parts = key.split("\\.", 3);
                Integer index = parts.length == 3 ? parseIndex(parts[1]) : null;
                if (index == null || index >= params.size() || !parts[2].equals("step")) {
                    problems.add("unexpected entry " + key);
                    return;
                }
                try {
                    long step = Long.parseLong(text.trim());
                    if (step < 0) throw new NumberFormatException();
                    stateAt(index).setStep(step);
                } catch (NumberFormatException e) {
                    problems.add(key + ": cannot read '" + text + "' as a step count");
                }
            });
            checkpoint.tensors().forEach((key, t) -> {
                if (!key.startsWith("state.")) return;
                String[] parts = key.split("\\.", 3);
                Integer index = parts.length == 3 ? parseIndex(parts[1]) : null;
                if (index == null || index >= params.size() || parts[2].isEmpty()) {
                    problems.add("unexpected tensor " + key + (index != null ? " (the optimizer has " + params.size() + " parameters)" : ""));
                    return;
                }
                Tensor p = params.get(index).value();
                if (!t.shape().equals(p.shape())) {
                    problems.add(key + ": shape " + t.shape() + " in the checkpoint, parameter " + index + " has " + p.shape());
                    return;
                }
                Tensor copy = t.to(p.device()).to(p.dtype());
                stateAt(index).put(parts[2], (copy == t ? t.clone() : copy).detach());
            });
        }

        private ParamState stateAt(int index) { return states.computeIfAbsent(index, i -> new ParamState()); }
    }

    private static Integer parseIndex(String s) {
        try {
            int i = Integer.parseInt(s);
            return i >= 0 ? i : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Parses an option value; {@code like} (the default, or null for options a schedule added) gives the type. */
    private static Object parseOption(String text, Object like) {
        String s = text.trim();
        if (s.equals("true") || s.equals("false")) return like instanceof Double ? null : Boolean.valueOf(s);
        if (like instanceof Boolean) return null;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    // ---- printing -------------------------------------------------------------------------------

    /** PyTorch's layout: the class, then each group's options. */
    @Override public String toString() {
        StringBuilder sb = new StringBuilder(name).append(" (");
        for (int i = 0; i < groups.size(); i++) {
            sb.append("\nParameter Group ").append(i);
            Map<String, Object> options = groups.get(i).options();
            new TreeSet<>(options.keySet()).forEach(k -> sb.append("\n    ").append(k).append(": ").append(options.get(k)));
        }
        return sb.append("\n)").toString();
    }
}
