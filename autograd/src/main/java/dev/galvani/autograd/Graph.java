package dev.galvani.autograd;

import dev.galvani.tensor.Node;
import dev.galvani.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The recorded nodes reachable from some roots, in an order where every node comes before the nodes
 * that produced its inputs (reverse post-order of a depth-first search), so that when the engine
 * reaches a node, every consumer of its outputs has already sent its gradient.
 *
 * <p>The search is iterative with an explicit stack: graphs unrolled over time (RNNs, SNNs) can be
 * hundreds of thousands of nodes deep, far beyond what the Java call stack holds.
 */
final class Graph {

    private Graph() {}

    /** Consumers before producers. */
    static List<Node> order(List<Tensor> roots) {
        Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> postOrder = new ArrayList<>();
        ArrayDeque<Frame> stack = new ArrayDeque<>();
        for (Tensor root : roots) {
            Node n = root.gradFn();
            if (n == null || !visited.add(n)) continue;
            stack.push(new Frame(n));
            while (!stack.isEmpty()) {
                Frame top = stack.peek();
                if (top.next < top.inputs.size()) {
                    Tensor t = top.inputs.get(top.next++);
                    Node child = t == null || !t.requiresGrad() ? null : t.gradFn();
                    if (child != null && visited.add(child)) stack.push(new Frame(child));
                } else {
                    stack.pop();
                    postOrder.add(top.node);
                }
            }
        }
        Collections.reverse(postOrder);
        return postOrder;
    }

    private static final class Frame {
        final Node node;
        final List<Tensor> inputs;   // fails here, with Node's message, when a freed graph is walked again
        int next;

        Frame(Node node) {
            this.node = node;
            this.inputs = node.inputs();
        }
    }
}
