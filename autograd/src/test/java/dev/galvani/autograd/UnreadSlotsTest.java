package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Node;
import dev.galvani.tensor.Pooling;
import dev.galvani.tensor.Spiking;
import dev.galvani.tensor.Tensor;
import dev.galvani.tensor.TensorScope;
import dev.galvani.tensor.backend.LifSpec;
import dev.galvani.tensor.backend.Storage;
import dev.galvani.tensor.backend.Surrogate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The slots an op declares its derivative rule does not read ({@code Op.readsInput},
 * {@code readsOutput}) are really not read: the memory of those slots is released after the forward
 * and before the backward, and every gradient must come out bit for bit as without the release (a
 * rule that read one would fail with the released-memory error). Also the graph-read counts the
 * declarations feed, and the conditions of {@link TensorScope#releaseUnread}.
 */
class UnreadSlotsTest {

    private static final String RELEASED = "released by UnreadSlotsTest";

    /** A graph to differentiate: the node under test's first output and the loss it feeds. */
    record Graph(Tensor tested, Tensor loss) {}

    /** Builds the graph from the leaves. */
    interface Build { Graph apply(Tensor[] leaves); }

    /**
     * Builds the graph from fresh leaves twice, the second time releasing the unread slots of the
     * node under test; returns the leaves' gradients of each run and the number of released slots.
     */
    private static void assertRulesDoNotReadReleasedSlots(Build build, boolean createGraph, int[]... leafShapes) {
        List<float[]> plain = gradients(build, false, createGraph, leafShapes), released = gradients(build, true, createGraph, leafShapes);
        for (int i = 0; i < plain.size(); i++) assertArrayEquals(plain.get(i), released.get(i), "gradient of leaf " + i);
    }

    private static List<float[]> gradients(Build build, boolean release, boolean createGraph, int[]... leafShapes) {
        Tensor[] leaves = new Tensor[leafShapes.length];
        for (int i = 0; i < leaves.length; i++) leaves[i] = Tensor.randn(new Generator(10 + i), leafShapes[i]).requiresGrad(true);
        Graph g = build.apply(leaves);
        if (release) assertTrue(releaseUnreadSlots(g.tested().gradFn()) > 0, "the node under test declares an unread slot");
        List<Tensor> grads = Autograd.grad(List.of(g.loss()), List.of(leaves), null, false, createGraph, true);
        List<float[]> out = new ArrayList<>();
        for (Tensor t : grads) out.add(t == null ? new float[0] : t.toFloatArray());
        return out;
    }

    /** Releases the storage of every slot {@code n}'s op does not read, unless a slot it reads shares it; returns how many. */
    private static int releaseUnreadSlots(Node n) {
        Set<Storage> read = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Storage> unread = new ArrayList<>();
        for (int i = 0; i < n.inputCount(); i++) sort(n.inputs().get(i), n.op().readsInput(i), read, unread);
        for (int i = 0; i < n.outputCount(); i++) sort(n.outputs().get(i), n.op().readsOutput(i), read, unread);
        for (Tensor t : n.op().savedForBackward()) if (t != null) read.add(t.storage());
        int released = 0;
        for (Storage s : unread)
            if (!read.contains(s) && !s.isReleased()) {
                s.release(RELEASED);
                released++;
            }
        return released;
    }

    private static void sort(Tensor t, boolean reads, Set<Storage> read, List<Storage> unread) {
        if (t == null) return;
        if (reads) read.add(t.storage());
        else unread.add(t.storage());
    }

    /** A fresh non-leaf copy of a leaf (its own storage), whose rule reads nothing. */
    private static Tensor fresh(Tensor leaf) { return leaf.mul(1.0); }

    /** The loss Σ y · w for a constant w: its rule for y reads only w. */
    private static Tensor loss(Tensor y, long seed) { return y.mul(Tensor.randn(new Generator(seed), y.shape().dims())).sum(); }

    @Test
    void viewsReadOnlyShapes() {
        List<UnaryOperator<Tensor>> views = List.of(a -> a.reshape(6, 20), a -> a.permute(2, 0, 1), a -> a.unsqueeze(1).expand(4, 3, 6, 5),
                a -> a.narrow(1, 1, 4), a -> a.slice(2, 0, 5, 2), a -> a.select(0, 2), a -> a.flatten(0, 1), a -> a.flatten(0, 1).unflatten(0, 4, 6),
                a -> a.flip(1), a -> a.pad(1, 2));
        for (var view : views)
            for (boolean createGraph : new boolean[]{false, true})
                assertRulesDoNotReadReleasedSlots(l -> {
                    Tensor y = view.apply(fresh(l[0]));
                    return new Graph(y, loss(y, 3));
                }, createGraph, new int[]{4, 6, 5});
    }

    @Test
    void maxPoolingReadsOnlyItsIndices() {
        for (boolean createGraph : new boolean[]{false, true})
            assertRulesDoNotReadReleasedSlots(l -> {
                Tensor y = Pooling.maxPool2d(fresh(l[0]), 2);
                return new Graph(y, loss(y, 4));
            }, createGraph, new int[]{2, 3, 6, 8});
    }

    @Test
    void theFusedNeuronReadsNeitherItsSpikesNorItsLastMembrane() {
        for (boolean hard : new boolean[]{true, false})
            for (boolean plif : new boolean[]{false, true})
                for (boolean createGraph : new boolean[]{false, true}) {
                    LifSpec spec = new LifSpec(LifSpec.Kind.LIF, 0.5, true, 1.0, hard ? 0.0 : Double.NaN, false, false, Surrogate.atan());
                    assertRulesDoNotReadReleasedSlots(l -> {
                        Tensor x = fresh(l[0]).mul(1.5), k = plif ? fresh(l[1]).sigmoid() : null;
                        Spiking.LifResult r = Spiking.lif(x, null, k, spec, true);
                        Tensor loss = loss(r.spikes(), 5).add(loss(r.membrane(), 6)).add(loss(r.last(), 7));
                        return new Graph(r.spikes(), loss);
                    }, createGraph, new int[]{5, 37}, new int[]{});
                }
    }

    @Test
    void functionsReadWhatTheySavedOnly() {
        Function save = new Function() {
            @Override protected Tensor forward(Context ctx, Tensor... in) {
                ctx.saveForBackward(in[0].exp());
                return in[0].exp();
            }

            @Override protected Tensor[] backward(Context ctx, Tensor g) { return new Tensor[]{g.mul(ctx.saved(0))}; }
        };
        assertRulesDoNotReadReleasedSlots(l -> {
            Tensor y = save.apply(fresh(l[0]));
            return new Graph(y, loss(y, 8));
        }, false, new int[]{3, 4});
    }

    @Test
    void recordedNodesCountTheReadsOfTheirSlotsUntilFreed() {
        Tensor a = Tensor.randn(new Generator(1), 4, 5).requiresGrad(true);
        Storage s = a.storage();
        assertEquals(0, s.graphReads());
        Tensor v = a.reshape(20).permute(0);                      // views: no reads
        assertEquals(0, s.graphReads());
        Tensor p = a.mul(a);                                      // both inputs read, the same storage twice
        assertEquals(2, s.graphReads(), "mul reads both of its inputs, the views read none of a's values");
        Tensor e = v.exp();                                       // exp declares nothing: it counts as reading all
        assertEquals(3, s.graphReads());
        e.sum().add(p.sum()).backward(Tensor.scalar(DType.F32, 1.0), true);
        assertEquals(3, s.graphReads(), "a retained graph keeps its reads");
        e.sum().add(p.sum()).backward();
        assertEquals(0, s.graphReads(), "a freed graph reads nothing");
        assertTrue(p.gradFn().isFreed());
    }

    @Test
    void aFunctionsSavedTensorsCountAsRead() {
        Function scaleBy = new Function() {                         // y = x · w, saving x for dL/dw
            @Override protected Tensor forward(Context ctx, Tensor... in) {
                ctx.saveForBackward(in[0]);
                return in[0].mul(in[1]);
            }

            @Override protected Tensor[] backward(Context ctx, Tensor g) { return new Tensor[]{null, g.mul(ctx.saved(0)).sum()}; }
        };
        try (var scope = TensorScope.open()) {
            Tensor x = Tensor.randn(new Generator(2), 6), w = Tensor.scalar(DType.F32, 0.5).requiresGrad(true);
            Tensor y = scaleBy.apply(x, w);
            assertEquals(1, x.storage().graphReads(), "saved, not read as a slot");
            assertEquals(0, TensorScope.releaseUnread(x, RELEASED), "a saved input is read by the backward");
            y.sum().backward();
            assertEquals(0, x.storage().graphReads());
            assertEquals(x.sum().item(), w.grad().item());
        }
    }

    @Test
    void releaseUnreadGivesBackOnlyWhatTheInnermostScopeOwnsWhole() {
        Tensor outside = Tensor.randn(new Generator(3), 8);
        try (var outer = TensorScope.open()) {
            Tensor enclosing = Tensor.randn(new Generator(4), 8);
            try (var inner = TensorScope.open()) {
                assertEquals(0, TensorScope.releaseUnread(outside, RELEASED), "made outside every scope");
                assertEquals(0, TensorScope.releaseUnread(enclosing, RELEASED), "made in an enclosing scope");
                Tensor escaped = TensorScope.escape(Tensor.randn(new Generator(5), 8));
                assertEquals(0, TensorScope.releaseUnread(escaped, RELEASED), "taken out of the scopes");
                Tensor whole = Tensor.randn(new Generator(6), 4, 8);
                assertEquals(0, TensorScope.releaseUnread(whole.narrow(0, 0, 2), RELEASED), "a part of its storage");
                assertEquals(0, TensorScope.releaseUnread(whole.T(), RELEASED), "not in its storage's order");
                Tensor leaf = Tensor.randn(new Generator(7), 4, 8).requiresGrad(true);
                Tensor read = Tensor.randn(new Generator(8), 4, 8), y = read.mul(leaf);
                assertEquals(0, TensorScope.releaseUnread(read, RELEASED), "mul's rule reads it for the leaf's gradient");
                assertFalse(read.storage().isReleased());
                assertEquals(4 * 8 * 4, TensorScope.releaseUnread(whole.flatten(), RELEASED), "the whole storage, owned here, read by no rule");
                assertFalse(inner.owns(whole));
                var error = assertThrows(IllegalStateException.class, whole::toFloatArray);
                assertEquals(RELEASED, error.getMessage());
                y.sum().backward();
                assertArrayEquals(read.toFloatArray(), leaf.grad().toFloatArray());
            }
            assertFalse(enclosing.storage().isReleased());
        }
        assertFalse(outside.storage().isReleased());
    }
}
