package dev.galvani.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * One recorded operation: what happened (the op name and its arguments), to which inputs, giving
 * which output. The tensor module records nodes; the autograd module holds one derivative rule per
 * op name and walks the nodes backwards. Nodes know nothing about derivatives.
 *
 * <p>Inputs are checked against the version they had when the node was recorded: an in-place write
 * to a tensor a node still needs makes its use fail with a clear message instead of a wrong gradient.
 */
public final class Node {

    private final String op;
    private Tensor[] inputs;
    private final int[] versions;
    private final int outputVersion;
    private final Object[] args;
    private Tensor output;

    Node(String op, Tensor[] inputs, Object[] args, Tensor output) {
        this.op = op;
        this.inputs = inputs;
        this.args = args;
        this.output = output;
        this.versions = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) versions[i] = inputs[i] == null ? 0 : inputs[i].storage.version();
        this.outputVersion = output.storage.version();
    }

    /** The operation's name, e.g. "exp", "add", "sum", "matmul", "view". */
    public String op() { return op; }

    public int inputCount() { return live().length; }

    /** Input {@code i} as it was when the op ran. */
    public Tensor input(int i) {
        Tensor t = live()[i];
        if (t != null && t.storage.version() != versions[i])
            throw new IllegalStateException("backward of " + op + ": input " + i + " " + t.shape() + " was modified by an in-place operation after "
                    + op + " used it (version " + versions[i] + ", now " + t.storage.version() + "); clone it before changing it");
        return t;
    }

    public List<Tensor> inputs() { return Arrays.asList(live()); }

    /** The tensor this node produced, checked like the inputs (rules such as exp's read its values). */
    public Tensor output() {
        live();
        if (output.storage.version() != outputVersion)
            throw new IllegalStateException("backward of " + op + ": its output " + output.shape() + " was modified by an in-place operation after "
                    + op + " produced it (version " + outputVersion + ", now " + output.storage.version() + "); clone it before changing it");
        return output;
    }

    public Object arg(int i) { return args[i]; }

    public int intArg(int i) { return (Integer) args[i]; }

    public int[] intsArg(int i) { return (int[]) args[i]; }

    public double doubleArg(int i) { return ((Number) args[i]).doubleValue(); }

    public int argCount() { return args.length; }

    /** Drops the references to inputs and output after a backward pass that does not retain the graph. */
    public void free() {
        inputs = null;
        output = null;
    }

    public boolean isFreed() { return inputs == null; }

    private Tensor[] live() {
        if (inputs == null)
            throw new IllegalStateException("backward through the graph a second time (at " + op + "): its saved tensors were freed by the first "
                    + "backward; call backward(seed, true) to retain the graph");
        return inputs;
    }

    @Override public String toString() { return op + "Backward"; }
}
