package dev.galvani.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Ops;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The engine's semantics on small hand-worked graphs. */
class EngineTest {

    private static Tensor vec(double... v) { return Tensor.of(v).requiresGrad(true); }

    private static void assertValues(double[] expected, Tensor t) { assertArrayEquals(expected, t.toDoubleArray(), 1e-12); }

    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = vec(1, 2, 3);
        x.mul(x).sum().backward();                     // d/dx sum(x^2) = 2x
        assertValues(new double[]{2, 4, 6}, x.grad());
        x.mul(x).sum().backward();
        assertValues(new double[]{4, 8, 12}, x.grad());
        x.setGrad(null);
        x.mul(3.0).sum().backward();
        assertValues(new double[]{3, 3, 3}, x.grad());
    }

    @Test
    void sliceGradientsGoStraightIntoOneBufferAndMixWithOtherPaths() {
        // L = Σ_t t·sum(x[t]) + sum(x[1:3] * x[1:3]) + 3 sum(x), x [4, 1000]: by hand, dL/dx[t, j] =
        // t + 3 + (t in {1, 2} ? 2 x[t, j] : 0).
        int steps = 4, n = 1000;
        Tensor x = Tensor.rand(new dev.galvani.tensor.Generator(3), DType.F64, steps, n).requiresGrad(true);
        Tensor hooked = x.mul(1.0);
        List<Tensor> seen = new ArrayList<>();
        hooked.registerHook(g -> { seen.add(g.clone()); return g; });
        Tensor loss = hooked.mul(3.0).sum();
        for (int t = 0; t < steps; t++) loss = loss.add(x.select(0, t).sum().mul(t));
        Tensor mid = x.narrow(0, 1, 2);
        loss = loss.add(mid.mul(mid).sum());
        loss.backward();
        double[] xs = x.toDoubleArray(), g = x.grad().toDoubleArray();
        for (int t = 0; t < steps; t++)
            for (int j = 0; j < n; j++)
                assertEquals(t + 3 + (t == 1 || t == 2 ? 2 * xs[t * n + j] : 0), g[t * n + j], 1e-12, "dL/dx[" + t + ", " + j + "]");
        assertValues(new double[steps * n], seen.getFirst().sub(3.0));      // the hook saw its own path's gradient only
    }

    @Test
    void aLoopOverTimeStepsCostsOneInputSizedGradientBuffer() {
        // x[t] for t < 16, as an unrolled neuron reads its input: one buffer of x's size, not a padded
        // copy of x and a sum per step (31 x-sized tensors).
        int steps = 16, n = 4096;
        Tensor x = Tensor.rand(new dev.galvani.tensor.Generator(4), DType.F64, steps, n).requiresGrad(true);
        Tensor loss = null;
        for (int t = 0; t < steps; t++) {
            Tensor term = x.select(0, t).sum().mul(t + 1);
            loss = loss == null ? term : loss.add(term);
        }
        long before = dev.galvani.tensor.Device.CPU.memoryStats().allocated();
        loss.backward();
        long backwardBytes = dev.galvani.tensor.Device.CPU.memoryStats().allocated() - before, xBytes = 8L * steps * n;
        assertTrue(backwardBytes < 4 * xBytes, "backward allocated " + backwardBytes + " bytes, x is " + xBytes);
        for (int t = 0; t < steps; t++) assertValues(Tensor.full(t + 1.0, n).toDoubleArray(), x.grad().select(0, t));
    }

    @Test
    void theGraphIsFreedUnlessRetained() {
        Tensor x = vec(1, 2);
        Tensor y = x.exp().sum();
        y.backward(Tensor.scalar(DType.F64, 1), true);
        y.backward(Tensor.scalar(DType.F64, 1), true);
        assertValues(new double[]{2 * Math.exp(1), 2 * Math.exp(2)}, x.grad());
        y.backward();                                   // frees
        assertTrue(y.gradFn().isFreed());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
        assertTrue(e.getMessage().contains("retain"), e.getMessage());
    }

    @Test
    void hooksObserveAndReplaceGradients() throws Exception {
        Tensor x = vec(1, 2, 3);
        Tensor h = x.mul(2.0);
        AtomicReference<Tensor> seen = new AtomicReference<>();
        h.registerHook(g -> { seen.set(g); return null; });        // observe only
        h.registerHook(g -> g.mul(10.0));                          // replace: what flows on is 10x
        h.sum().backward();
        assertValues(new double[]{1, 1, 1}, seen.get());
        assertValues(new double[]{20, 20, 20}, x.grad());
    }

    @Test
    void leafHooksRunOnTheCompleteGradientBeforeAccumulation() throws Exception {
        Tensor x = vec(1, 2);
        List<double[]> calls = new ArrayList<>();
        AutoCloseable handle = x.registerHook(g -> { calls.add(g.toDoubleArray()); return g.mul(-1.0); });
        x.mul(3.0).add(x).sum().backward();             // two paths into x: the hook sees their sum, once
        assertEquals(1, calls.size());
        assertArrayEquals(new double[]{4, 4}, calls.get(0));
        assertValues(new double[]{-4, -4}, x.grad());
        handle.close();
        x.sum().backward();
        assertValues(new double[]{-3, -3}, x.grad());   // hook gone: +1 each
    }

    @Test
    void retainGradKeepsAnIntermediateGradientOthersAreDropped() {
        Tensor x = vec(1, 2);
        Tensor h = x.mul(x).retainGrad();
        Tensor k = h.mul(3.0);
        k.sum().backward();
        assertValues(new double[]{3, 3}, h.grad());
        assertNull(k.grad());
        assertValues(new double[]{6, 12}, x.grad());
    }

    @Test
    void inputsThatDoNotRequireGradGetNothing() {
        Tensor x = vec(1, 2), w = Tensor.of(new double[]{5, 7});
        x.mul(w).sum().backward();
        assertValues(new double[]{5, 7}, x.grad());
        assertNull(w.grad());
        assertFalse(w.requiresGrad());
    }

    @Test
    void noGradRecordsNothingAndEnableGradTurnsItBackOn() {
        Tensor x = vec(1, 2);
        try (var _ = Autograd.noGrad()) {
            assertFalse(Autograd.isGradEnabled());
            Tensor y = x.mul(2.0);
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf());
            try (var _ = Autograd.enableGrad()) {
                assertTrue(x.mul(2.0).requiresGrad());
            }
            assertFalse(Autograd.isGradEnabled());
        }
        assertTrue(Autograd.isGradEnabled());
    }

    @Test
    void detachCutsTheGraph() {
        Tensor x = vec(1, 2);
        Tensor d = x.mul(2.0).detach();
        assertFalse(d.requiresGrad());
        x.mul(d).sum().backward();                      // d is a constant: d/dx (x * 2x_detached) = 2x
        assertValues(new double[]{2, 4}, x.grad());
    }

    @Test
    void autogradGradLeavesGradUntouched() {
        Tensor x = vec(1, 2), y = vec(3);
        Tensor out = x.mul(y).sum();                    // y broadcast: d/dy = x1 + x2
        List<Tensor> g = Autograd.grad(List.of(out), List.of(x, y));
        assertValues(new double[]{3, 3}, g.get(0));
        assertValues(new double[]{3}, g.get(1));
        assertNull(x.grad());
        assertNull(y.grad());
    }

    @Test
    void autogradGradUnusedInputs() {
        Tensor x = vec(1, 2), unused = vec(5);
        Tensor out = x.sum();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Autograd.grad(List.of(out), List.of(x, unused), null, true, false));
        assertTrue(e.getMessage().contains("allowUnused"), e.getMessage());
        List<Tensor> g = Autograd.grad(List.of(out), List.of(x, unused), null, false, true);
        assertValues(new double[]{1, 1}, g.get(0));
        assertNull(g.get(1));
        Tensor constant = Tensor.of(new double[]{1});
        assertThrows(IllegalArgumentException.class, () -> Autograd.grad(List.of(x.sum()), List.of(constant)));
    }

    @Test
    void autogradGradWithRespectToAnIntermediate() {
        Tensor x = vec(1, 2);
        Tensor h = x.mul(3.0);
        Tensor out = h.square().sum();
        List<Tensor> g = Autograd.grad(List.of(out), List.of(h, x), null, false, false);
        assertValues(new double[]{6, 12}, g.get(0));    // 2h
        assertValues(new double[]{18, 36}, g.get(1));   // 2h * 3
        assertNull(h.grad());
    }

    @Test
    void grad_onlyRunsNodesOnAPathToARequestedInput() {
        Tensor x = vec(1, 2), y = vec(3, 4);
        Tensor fromY = y.exp();
        Tensor out = x.sum().add(fromY.sum());
        Autograd.grad(List.of(out), List.of(x), null, false, false);
        assertFalse(fromY.gradFn().isFreed());          // y's branch was pruned: its node did not run
    }

    @Test
    void backwardWithSeveralRootsAndSeeds() {
        Tensor x = vec(1, 2);
        Tensor a = x.mul(2.0), b = x.square();
        Autograd.backward(List.of(a, b), List.of(Tensor.of(new double[]{1, 10}), Tensor.of(new double[]{100, 1000})));
        assertValues(new double[]{2 + 100 * 2, 20 + 1000 * 4}, x.grad());
    }

    @Test
    void aRootThatIsALeafReceivesItsSeed() {
        Tensor x = vec(1, 2);
        x.backward(Tensor.of(new double[]{3, 4}));
        assertValues(new double[]{3, 4}, x.grad());
    }

    @Test
    void inPlaceChangeOfASavedInputFailsInBackward() {
        Tensor x = vec(1, 2), w = Tensor.of(new double[]{5, 7});
        Tensor y = x.mul(w).sum();
        w.addInPlace(Tensor.of(new double[]{1, 1}));    // mul saved w for d/dx
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("modified by an in-place operation"), e.getMessage());
        assertTrue(e.getMessage().contains("mul"), e.getMessage());
    }

    @Test
    void inPlaceChangeOfASavedOutputFailsInBackward() {
        Tensor x = vec(1, 2);
        Tensor e = x.exp();                              // exp's rule reads its output
        Tensor y = e.sum();
        try (var _ = Autograd.noGrad()) {
            e.mulInPlace(2.0);
        }
        IllegalStateException err = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(err.getMessage().contains("its output"), err.getMessage());
    }

    @Test
    void diamondGraphsSumBothPaths() {
        Tensor x = vec(0.3, -1.2);
        Tensor a = x.mul(2.0);
        a.sin().add(a.cos()).sum().backward();          // d/dx [sin 2x + cos 2x] = 2 cos 2x - 2 sin 2x
        double[] xs = {0.3, -1.2}, expected = new double[2];
        for (int i = 0; i < 2; i++) expected[i] = 2 * Math.cos(2 * xs[i]) - 2 * Math.sin(2 * xs[i]);
        assertValues(expected, x.grad());
    }

    @Test
    void aTensorUsedTwiceInOneOp() {
        Tensor x = vec(3);
        x.mul(x).sum().backward();
        assertValues(new double[]{6}, x.grad());
    }

    @Test
    void deepChainsDoNotOverflowTheStack() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // A small thread stack: a recursive walk over 100k nodes would overflow it at once.
        Thread t = new Thread(null, () -> {
            try {
                Tensor x = Tensor.scalar(DType.F64, 0.5).requiresGrad(true);
                Tensor y = x;
                for (int i = 0; i < 100_000; i++) y = y.add(1.0);
                y.backward();
                assertEquals(100_000.5, y.itemDouble(), 0);
                assertEquals(1.0, x.grad().itemDouble(), 0);
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "deep-chain", 256 * 1024);
        t.start();
        t.join();
        if (failure.get() != null) throw new AssertionError("deep chain failed", failure.get());
    }

    @Test
    void broadcastingGradientsReduceToTheInputShape() {
        Tensor a = Tensor.of(new double[]{1, 2, 3}, 3, 1).requiresGrad(true);
        Tensor b = Tensor.of(new double[]{10, 20, 30, 40}).requiresGrad(true);
        Tensor s = Tensor.scalar(DType.F64, 2).requiresGrad(true);
        a.add(b).mul(s).sum().backward();               // [3, 4] result
        assertArrayEquals(new int[]{3, 1}, a.grad().shape().dims());
        assertValues(new double[]{8, 8, 8}, a.grad());  // 4 columns x s
        assertValues(new double[]{6, 6, 6, 6}, b.grad()); // 3 rows x s
        assertEquals(3 * 4 * 2 + 3 * 100, s.grad().itemDouble(), 1e-12);   // sum(a + b) = 4*6 + 3*100
        assertEquals(0, s.grad().dim());
    }

    @Test
    void gradientsKeepTheInputDtypeThroughCasts() {
        Tensor x = Tensor.of(new float[]{1, 2}).requiresGrad(true);
        x.to(DType.F64).mul(Tensor.of(new double[]{0.5, 0.25})).sum().backward();
        assertEquals(DType.F32, x.grad().dtype());
        assertArrayEquals(new float[]{0.5f, 0.25f}, x.grad().toFloatArray());
    }

    @Test
    void backwardNeedsGradAndASeedForNonScalars() {
        Tensor c = Tensor.of(new double[]{1, 2});
        assertThrows(IllegalStateException.class, () -> c.sum().backward());
        Tensor x = vec(1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.mul(2.0).backward());
        assertTrue(e.getMessage().contains("seed"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> Autograd.backward(List.of(x.mul(2.0)), List.of(Tensor.of(new double[]{1, 2, 3}))));
        assertTrue(e2.getMessage().contains("[3]"), e2.getMessage());
    }

    /** An op record no provider has a rule for. */
    record NoSuchOp() implements dev.galvani.tensor.Op {
        @Override public String name() { return "noSuchOp"; }
    }

    private static Tensor recorded(dev.galvani.tensor.Op op, Tensor out, Tensor input) {
        return dev.galvani.tensor.AutogradSupport.record(op, new Tensor[]{out}, new Tensor[]{input}, null)[0];
    }

    @Test
    void aMissingRuleSaysWhichOpAndWhy() {
        Tensor x = vec(1, 2);
        Tensor out = recorded(new NoSuchOp(), x.detach().mul(2.0), x);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> out.sum().backward());
        assertEquals("no derivative rule for op 'noSuchOp' (dev.galvani.autograd.EngineTest$NoSuchOp); is the module that defines its rule on the classpath?",
                e.getMessage());
    }

    @Test
    void aRuleReturningAWrongShapeOrDtypeIsNamed() {
        Tensor x = vec(1, 2);
        for (TestRules.Wrong op : new TestRules.Wrong[]{TestRules.WRONG_SHAPE, TestRules.WRONG_DTYPE, TestRules.WRONG_COUNT}) {
            Tensor out = recorded(op, x.detach().clone(), x);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> out.sum().backward());
            assertTrue(e.getMessage().startsWith("derivative rule for '" + op.name() + "'"), e.getMessage());
        }
    }

    @Test
    void rulesFromOtherModulesArriveThroughTheServiceLoader() {
        assertTrue(RuleRegistry.ops().contains(TestRules.Wrong.class));   // registered by this module's test resources
        assertTrue(RuleRegistry.ops().containsAll(List.of(Ops.Binary.class, Ops.Matmul.class, Ops.Reduction.class, Ops.View.class, Ops.Gather.class,
                Context.Call.class)));
    }

    @Test
    void duplicateRegistrationsFailLoudly() {
        DerivativeRules a = r -> r.add(NoSuchOp.class, (op, n, g) -> new Tensor[]{g});
        DerivativeRules b = r -> r.add(NoSuchOp.class, (op, n, g) -> new Tensor[]{g});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> RuleRegistry.load(List.of(a, b)));
        assertTrue(e.getMessage().contains("NoSuchOp") && e.getMessage().contains("twice, by"), e.getMessage());
    }

    @Test
    void theSeedIsNotAliasedIntoGrad() {
        Tensor x = vec(1, 2);
        Tensor seed = Tensor.of(new double[]{1, 1});
        x.view(2).backward(seed);
        seed.fill(5);
        assertValues(new double[]{1, 1}, x.grad());
        assertSame(DType.F64, x.grad().dtype());
        assertTrue(Arrays.equals(new int[]{2}, x.grad().shape().dims()));
    }
}
