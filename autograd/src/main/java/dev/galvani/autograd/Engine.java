package dev.galvani.autograd;

import dev.galvani.tensor.AutogradSupport;
import dev.galvani.tensor.BackwardEngine;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Node;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backward engine (found by the tensor module with {@link java.util.ServiceLoader}), with
 * PyTorch's semantics:
 * <ul>
 *   <li>nodes run in topological order, each once, after every consumer of its outputs has sent
 *       its gradient; contributions to one tensor are summed; a node with several outputs gets one
 *       gradient per output (null for an output no gradient reached);</li>
 *   <li>a tensor's hooks see its gradient when it is complete (a leaf's before it is accumulated) and
 *       may replace it;</li>
 *   <li>{@link #backward}: leaves that require grad accumulate into {@code grad()}; other tensors
 *       keep theirs only after {@code retainGrad()}; {@link #grad}: gradients are returned and no
 *       {@code grad()} is touched, and only the nodes on a path to a requested input run;</li>
 *   <li>inputs that do not require grad get nothing; a node's saved tensors are freed after its rule
 *       ran unless {@code retainGraph}, so a second pass fails with {@link Node}'s message;</li>
 *   <li>with {@code createGraph} the rules and hooks run with recording on, so the gradients are
 *       themselves recorded and can be differentiated again (gradient penalties, Hessian-vector
 *       products, physics-informed losses); otherwise recording is off;</li>
 *   <li>each gradient is dropped as soon as its node has consumed it.</li>
 * </ul>
 * Every gradient a rule returns is checked against its input's shape, dtype and device, so that a
 * faulty rule fails at once, by name.
 */
public final class Engine implements BackwardEngine {

    /** An engine; it keeps no state between passes, so one instance serves every thread. */
    public Engine() {}

    @Override
    public void backward(List<Tensor> roots, List<Tensor> seeds, boolean retainGraph, boolean createGraph) {
        new Pass(roots, seeds, null, retainGraph || createGraph, createGraph).run();
    }

    @Override
    public List<Tensor> grad(List<Tensor> roots, List<Tensor> seeds, List<Tensor> inputs, boolean retainGraph, boolean createGraph, boolean allowUnused) {
        if (inputs == null || inputs.isEmpty()) throw new IllegalArgumentException("grad: no inputs to differentiate with respect to");
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (t == null) throw new IllegalArgumentException("grad: input " + i + " is null");
            if (!t.requiresGrad())
                throw new IllegalArgumentException("grad: input " + i + " " + t.shape() + " does not require grad, so it has no gradient; mark it with requiresGrad(true)");
        }
        Map<Tensor, Tensor> found = new Pass(roots, seeds, inputs, retainGraph || createGraph, createGraph).run();
        List<Tensor> result = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor g = found.get(inputs.get(i));
            if (g == null && !allowUnused)
                throw new IllegalArgumentException("grad: input " + i + " " + inputs.get(i).shape() + " was not used to compute the outputs "
                        + "(pass allowUnused = true to get null for it)");
            result.add(g == null ? null : createGraph ? g : g.contiguous());
        }
        return Collections.unmodifiableList(result);
    }

    /** One backward pass: its pending gradients, and what it hands back. */
    private static final class Pass {

        private final List<Tensor> roots;
        private final List<Tensor> seeds;
        /** The tensors {@code grad} asked for; null for {@code backward}. */
        private final Set<Tensor> requested;
        private final boolean retainGraph, createGraph;
        /** Gradients sent to the outputs of nodes that have not run yet, one slot per output. */
        private final Map<Node, Tensor[]> pending = new IdentityHashMap<>();
        /** Gradients sent to leaves, complete at the end of the pass. */
        private final Map<Tensor, Tensor> leafGrads = new IdentityHashMap<>();
        private final List<Tensor> leaves = new ArrayList<>();
        private final Map<Tensor, Tensor> captured = new IdentityHashMap<>();
        /** Accumulation buffers this pass allocated and nothing else references yet: safe to add into in place. */
        private final Set<Tensor> owned = Collections.newSetFromMap(new IdentityHashMap<>());
        /** For {@code grad}: nodes with a path to a requested tensor. */
        private Set<Node> needed;

        Pass(List<Tensor> roots, List<Tensor> seeds, List<Tensor> requested, boolean retainGraph, boolean createGraph) {
            if (roots == null || roots.isEmpty()) throw new IllegalArgumentException("backward: no tensors to differentiate");
            if (seeds != null && seeds.size() != roots.size())
                throw new IllegalArgumentException("backward: " + seeds.size() + " seed gradients for " + roots.size() + " tensors");
            this.roots = roots;
            this.seeds = seeds;
            this.retainGraph = retainGraph;
            this.createGraph = createGraph;
            if (requested == null) {
                this.requested = null;
            } else {
                this.requested = Collections.newSetFromMap(new IdentityHashMap<>());
                this.requested.addAll(requested);
            }
        }

        Map<Tensor, Tensor> run() {
            try (var _ = GradMode.set(createGraph)) {
                for (int i = 0; i < roots.size(); i++) send(roots.get(i), seed(i));
                List<Node> order = Graph.order(roots);
                if (requested != null) needed = neededNodes(order);
                for (Node node : order) {
                    Tensor[] g = pending.remove(node);
                    if (g == null) continue;    // no path from a root carried a gradient here
                    List<Tensor> outputs = node.outputs();
                    for (int i = 0; i < g.length; i++) if (g[i] != null) g[i] = complete(outputs.get(i), g[i]);
                    if (needed != null && !needed.contains(node)) continue;
                    runRule(node, g);
                }
                for (Tensor leaf : leaves) complete(leaf, leafGrads.remove(leaf));
            }
            return captured;
        }

        private Tensor seed(int i) {
            Tensor root = roots.get(i);
            if (root == null) throw new IllegalArgumentException("backward: tensor " + i + " is null");
            if (!root.requiresGrad())
                throw new IllegalStateException("backward: tensor " + i + " " + root.shape() + " does not require grad (no input of its computation "
                        + "had requiresGrad(true), or it was computed under noGrad)");
            Tensor s = seeds == null ? null : seeds.get(i);
            if (s == null) {
                if (root.numel() != 1)
                    throw new IllegalArgumentException("backward: a seed gradient is needed for a tensor of shape " + root.shape()
                            + " (only one-element tensors have the implicit seed 1)");
                return root.detach().onesLike();
            }
            if (!s.shape().equals(root.shape()))
                throw new IllegalArgumentException("backward: seed of shape " + s.shape() + " for a tensor of shape " + root.shape());
            return (createGraph ? s : s.detach()).to(root.dtype()).to(root.device());
        }

        /** A node is needed by {@code grad} when one of its inputs is requested or comes from a needed node. */
        private Set<Node> neededNodes(List<Node> order) {
            Set<Node> result = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int k = order.size() - 1; k >= 0; k--) {     // producers first
                Node node = order.get(k);
                for (Tensor t : node.inputs())
                    if (wanted(t, result)) {
                        result.add(node);
                        break;
                    }
            }
            return result;
        }

        private boolean wanted(Tensor t, Set<Node> neededSoFar) {
            if (t == null || !t.requiresGrad()) return false;
            if (requested == null) return true;
            return requested.contains(t) || (t.gradFn() != null && neededSoFar.contains(t.gradFn()));
        }

        /** Hooks, then what the pass keeps of a tensor's complete gradient. */
        private Tensor complete(Tensor t, Tensor g) {
            owned.remove(g);     // complete: hooks, .grad and rules may hold it from now on, so it is never added into again
            g = AutogradSupport.applyHooks(t, g);
            if (requested == null) {
                if (AutogradSupport.keepsGrad(t)) AutogradSupport.accumulate(t, g, createGraph);
            } else if (requested.contains(t)) {
                captured.put(t, g);
            }
            return g;
        }

        private void runRule(Node node, Tensor[] g) {
            if (!createGraph && placeSlice(node, g)) {
                if (!retainGraph) node.free();
                return;
            }
            Tensor[] grads;
            if (createGraph) grads = RuleRegistry.rule(node.op()).backward(node.op(), node, g);
            else {
                // The rule's temporaries (a mask, a product on the way to its result) go back to the
                // allocator as soon as it returns, not when the caller's step scope closes; what it
                // returns moves to the enclosing scope. (With createGraph they stay: the new graph reads them.)
                try (var ruleScope = TensorScope.open()) {
                    grads = RuleRegistry.rule(node.op()).backward(node.op(), node, g);
                    if (grads != null) for (Tensor r : grads) if (r != null) ruleScope.keep(r);
                }
            }
            List<Tensor> inputs = node.inputs();
            if (grads == null || grads.length != inputs.size())
                throw new IllegalStateException("derivative rule for '" + node.name() + "' returned " + (grads == null ? "null" : grads.length + " gradients")
                        + " for " + inputs.size() + " inputs");
            for (int i = 0; i < grads.length; i++) {
                Tensor t = inputs.get(i);
                if (grads[i] == null || !wanted(t, needed)) continue;
                check(node, i, t, grads[i]);
                send(t, grads[i]);
            }
            if (!retainGraph) node.free();
        }

        private void send(Tensor t, Tensor g) {
            Tensor previous = current(t);
            store(t, previous == null ? g : sum(previous, g));
        }

        /**
         * A slice's gradient added into its place in the input's gradient, which the pass keeps as one
         * buffer of its own: a loop over x[t] costs one input-sized buffer, not one zero-padded copy
         * (and one sum) per step. Only without createGraph (in place is not differentiable).
         */
        private void sendInto(Tensor t, Tensor g, java.util.function.UnaryOperator<Tensor> place) {
            Tensor previous = current(t), buffer;
            if (previous != null && owned.contains(previous)) buffer = previous;
            else {
                buffer = Tensor.zeros(t.dtype(), t.device(), t.shape().dims());
                owned.add(buffer);
                if (previous != null) buffer.addInPlace(previous);
            }
            place.apply(buffer).addInPlace(g);
            store(t, buffer);
        }

        /** previous + g: in place into a buffer the pass made itself (no one else holds it), else into a new one the pass then owns. */
        private Tensor sum(Tensor previous, Tensor g) {
            if (createGraph) return previous.add(g);
            if (owned.contains(previous)) return previous.addInPlace(g);
            Tensor s = previous.add(g);
            owned.add(s);
            return s;
        }

        /** The gradient gathered so far for t, or null. */
        private Tensor current(Tensor t) {
            Node producer = t.gradFn();
            if (producer == null) return leafGrads.get(t);
            Tensor[] slots = pending.get(producer);
            return slots == null ? null : slots[AutogradSupport.outputIndex(t)];
        }

        private void store(Tensor t, Tensor g) {
            Node producer = t.gradFn();
            if (producer == null) {
                if (leafGrads.put(t, g) == null) leaves.add(t);
                return;
            }
            pending.computeIfAbsent(producer, n -> new Tensor[n.outputCount()])[AutogradSupport.outputIndex(t)] = g;
        }

        /** Select and unit-step slice nodes: their gradient goes straight into its place (see {@link #sendInto}). */
        private boolean placeSlice(Node node, Tensor[] g) {
            if (g.length != 1 || g[0] == null) return false;
            Tensor input = node.inputs().get(0), grad = g[0];
            if (node.op() instanceof dev.galvani.tensor.Ops.Select op) {
                if (wanted(input, needed)) sendInto(input, grad, b -> b.select(op.dim(), op.index()));
                return true;
            }
            if (node.op() instanceof dev.galvani.tensor.Ops.Slice op && op.step() == 1) {
                if (wanted(input, needed)) sendInto(input, grad, b -> b.narrow(op.dim(), op.start(), grad.size(op.dim())));
                return true;
            }
            return false;
        }

        private static void check(Node node, int i, Tensor input, Tensor g) {
            if (!g.shape().equals(input.shape()) || g.dtype() != input.dtype() || !g.device().equals(input.device()))
                throw new IllegalStateException("derivative rule for '" + node.name() + "' returned a gradient of shape " + g.shape() + " " + g.dtype()
                        + " on " + g.device() + " for input " + i + " of shape " + input.shape() + " " + input.dtype() + " on " + input.device()
                        + " (the rule is wrong: a gradient must match its input)");
        }
    }
}
