package dev.galvani.optim;

import dev.galvani.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Parameters that share hyperparameters, as PyTorch's {@code param_groups} entries: the parameters
 * plus named options ({@code lr}, {@code weight_decay}, {@code momentum}, ...), each a number or a
 * flag. Option names are PyTorch's, except that Adam's {@code betas} pair is two options,
 * {@code beta1} and {@code beta2}.
 *
 * <p>Given to an optimizer, a group holds only what it overrides:
 * <pre>{@code
 * new Adam(List.of(new ParamGroup(body.parameters()),
 *                  new ParamGroup(head.parameters()).lr(1e-2).weightDecay(0)), Adam.options().lr(1e-3))
 * }</pre>
 * The optimizer keeps its own copy with every option filled in ({@link Optimizer#paramGroups()});
 * change that copy's values (as schedules do) to change the next step.
 */
public final class ParamGroup {

    private final List<Parameter> params;
    /** Option name to a Double or a Boolean, in insertion order. */
    private final Map<String, Object> options = new LinkedHashMap<>();

    /** A group of these parameters with no options of its own (the optimizer's defaults apply). */
    public ParamGroup(Iterable<Parameter> params) {
        Objects.requireNonNull(params, "params");
        List<Parameter> list = new ArrayList<>();
        for (Parameter p : params) list.add(Objects.requireNonNull(p, "ParamGroup: a parameter is null"));
        this.params = Collections.unmodifiableList(list);
    }

    /** The group's parameters (unmodifiable), PyTorch's {@code group['params']}. */
    public List<Parameter> params() { return params; }

    /** The options set on this group, by name (Double or Boolean values). */
    public Map<String, Object> options() { return Collections.unmodifiableMap(options); }

    /** Whether option {@code name} is set on this group. */
    public boolean has(String name) { return options.containsKey(name); }

    /** A numeric option. */
    public double get(String name) {
        if (options.get(name) instanceof Double d) return d;
        throw new IllegalArgumentException(missing(name, "a number"));
    }

    /** A boolean option. */
    public boolean flag(String name) {
        if (options.get(name) instanceof Boolean b) return b;
        throw new IllegalArgumentException(missing(name, "a flag"));
    }

    /** Sets numeric option {@code name}, as {@code group[name] = value}; returns this group. */
    public ParamGroup set(String name, double value) {
        options.put(checkName(name), value);
        return this;
    }

    /** Sets flag option {@code name}, as {@code group[name] = value}; returns this group. */
    public ParamGroup set(String name, boolean value) {
        options.put(checkName(name), value);
        return this;
    }

    /** The learning rate, {@code group['lr']} (an error when it is not set). */
    public double lr() { return get("lr"); }

    /** Sets the learning rate, {@code group['lr'] = lr}; returns this group. */
    public ParamGroup lr(double lr) { return set("lr", lr); }

    /** The weight decay, {@code group['weight_decay']} (an error when it is not set). */
    public double weightDecay() { return get("weight_decay"); }

    /** Sets the weight decay, {@code group['weight_decay'] = weightDecay}; returns this group. */
    public ParamGroup weightDecay(double weightDecay) { return set("weight_decay", weightDecay); }

    /** A copy with the same parameters and the given options (the optimizer's filled-in group). */
    ParamGroup withOptions(Map<String, Object> values) {
        ParamGroup g = new ParamGroup(params);
        g.options.putAll(values);
        return g;
    }

    /** Replaces every option (loading a checkpoint). */
    void replaceOptions(Map<String, Object> values) {
        options.clear();
        options.putAll(values);
    }

    private String missing(String name, String kind) {
        Object v = options.get(name);
        return v == null ? "param group has no option '" + name + "' (options: " + options.keySet() + ")"
                : "param group option '" + name + "' is " + v + ", not " + kind;
    }

    private static String checkName(String name) {
        if (name == null || name.isEmpty() || name.contains(".") || name.equals("params"))
            throw new IllegalArgumentException("ParamGroup: invalid option name '" + name + "' (non-empty, no '.', not 'params')");
        return name;
    }

    @Override public String toString() { return "ParamGroup(" + params.size() + " parameters, " + options + ")"; }
}
