package dev.galvani.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * One recorded operation: what happened (a typed {@link Op} record holding its arguments), to which
 * inputs, giving which outputs. The tensor module records nodes; the autograd module holds one
 * derivative rule per op type and walks the nodes backwards. Nodes know nothing about derivatives.
 *
 * <p>A node may have several outputs (a fused spiking step gives spikes and membrane state, a
 * custom {@code Function} may return several tensors); each output tensor knows its index. Inputs
 * and outputs are checked against the version they had when the node was recorded: an in-place
 * write to a tensor a node still needs makes its use fail with a clear message instead of a wrong
 * gradient.
 */
public final class Node {

    private final Op op;
    private Tensor[] inputs;
    private final int[] versions;
    private Tensor[] outputs;
    private final int[] outputVersions;

    Node(Op op, Tensor[] inputs, Tensor[] outputs) {
        this.op = op;
        this.inputs = inputs;
        this.outputs = outputs;
        this.versions = versionsOf(inputs);
        this.outputVersions = versionsOf(outputs);
        countReads(+1);
    }

    /**
     * Adds {@code delta} to the graph-read count of every storage this node's rule reads: the input
     * and output slots its op says it reads, and the tensors the op saved. Up when recorded, down
     * when freed, so a storage whose count is zero is read by no pending backward.
     */
    private void countReads(int delta) {
        for (int i = 0; i < inputs.length; i++) if (inputs[i] != null && op.readsInput(i)) inputs[i].storage.addGraphReads(delta);
        for (int i = 0; i < outputs.length; i++) if (outputs[i] != null && op.readsOutput(i)) outputs[i].storage.addGraphReads(delta);
        for (Tensor t : op.savedForBackward()) if (t != null) t.storage.addGraphReads(delta);
    }

    private static int[] versionsOf(Tensor[] ts) {
        int[] v = new int[ts.length];
        for (int i = 0; i < ts.length; i++) v[i] = ts[i] == null ? 0 : ts[i].storage.version();
        return v;
    }

    /** The recorded operation, e.g. {@code Ops.Unary(EXP)} or {@code Ops.Conv2d(spec)}. */
    public Op op() { return op; }

    /** The operation's name, e.g. "exp", "add", "sum", "matmul", "view". */
    public String name() { return op.name(); }

    /** The number of inputs the operation was recorded with (absent optional ones included). */
    public int inputCount() { return live().length; }

    /** Input {@code i} as it was when the op ran (null for an absent optional input). */
    public Tensor input(int i) { return checked(live()[i], versions[i], "input " + i); }

    /** The inputs, for shapes, dtypes and devices (not checked for in-place changes, which do not change those). */
    public List<Tensor> inputs() { return Arrays.asList(live()); }

    /** The number of outputs of the operation (1 except for multi-output functions). */
    public int outputCount() { return outputs == null ? outputVersions.length : outputs.length; }

    /** The only output of a single-output node, checked like the inputs (rules such as exp's read its values). */
    public Tensor output() { return output(0); }

    /** Output {@code i}, checked like the inputs. */
    public Tensor output(int i) {
        live();
        return checked(outputs[i], outputVersions[i], outputs.length == 1 ? "its output" : "output " + i);
    }

    /** The outputs, unchecked (for the engine, which matches gradients to them). */
    public List<Tensor> outputs() {
        live();
        return Arrays.asList(outputs);
    }

    /**
     * Drops the references to inputs and outputs after a backward pass that does not retain the
     * graph, and takes this node's reads off its storages' graph-read counts (once).
     */
    public void free() {
        if (inputs == null) return;
        countReads(-1);
        inputs = null;
        outputs = null;
    }

    /**
     * True once {@link #free()} has dropped the inputs and outputs (after a backward pass without
     * retainGraph).
     */
    public boolean isFreed() { return inputs == null; }

    private Tensor checked(Tensor t, int version, String what) {
        if (t != null && t.storage.version() != version)
            throw new IllegalStateException("backward of " + name() + ": " + what + " " + t.shape() + " was modified by an in-place operation after "
                    + name() + " " + (what.startsWith("input") ? "used" : "produced") + " it (version " + version + ", now " + t.storage.version()
                    + "); clone it before changing it");
        return t;
    }

    private Tensor[] live() {
        if (inputs == null)
            throw new IllegalStateException("backward through the graph a second time (at " + name() + "): its saved tensors were freed by the first "
                    + "backward; call backward(seed, true) to retain the graph");
        return inputs;
    }

    @Override public String toString() { return name() + "Backward"; }
}
