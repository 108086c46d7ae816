package dev.galvani.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Argument checks, hand-worked values, composition and checkpoints of the learning-rate schedules. */
class SchedulerTest {

    private static SGD sgd(double... lrs) {
        List<ParamGroup> groups = new ArrayList<>();
        for (double lr : lrs) groups.add(new ParamGroup(List.of(new Parameter(Tensor.zeros(2)))).lr(lr));
        return new SGD(groups, SGD.options().momentum(0.9));
    }

    private static String message(Executable e) { return assertThrows(IllegalArgumentException.class, e).getMessage(); }

    private static double[] run(LRScheduler s, int steps) {
        double[] lrs = new double[steps + 1];
        lrs[0] = s.lastLr()[0];
        for (int i = 1; i <= steps; i++) {
            s.step();
            lrs[i] = s.lastLr()[0];
        }
        return lrs;
    }

    @Test
    void invalidArgumentsAreRejected() {
        SGD opt = sgd(0.1);
        assertEquals("StepLR: stepSize must be at least 1, got 0", message(() -> new StepLR(opt, 0)));
        assertEquals("CosineAnnealingLR: tMax must be at least 1, got 0", message(() -> new CosineAnnealingLR(opt, 0)));
        assertEquals("CosineAnnealingLR: etaMin must be a finite number >= 0, got -1.0", message(() -> new CosineAnnealingLR(opt, 5, -1)));
        assertEquals("LinearLR: startFactor must be in (0, 1], got 0.0", message(() -> new LinearLR(opt, 0, 1, 5)));
        assertEquals("LinearLR: endFactor must be in [0, 1], got 1.5", message(() -> new LinearLR(opt, 0.5, 1.5, 5)));
        assertEquals("LinearLR: totalIters must be at least 1, got 0", message(() -> new LinearLR(opt, 0.5, 1, 0)));
        assertEquals("OneCycleLR: set totalSteps, or epochs and stepsPerEpoch", message(() -> new OneCycleLR(opt, OneCycleLR.options(0.1))));
        assertEquals("OneCycleLR: totalSteps must be a positive integer, got 0", message(() -> new OneCycleLR(opt, 0.1, 0)));
        assertEquals("OneCycleLR: stepsPerEpoch must be a positive integer, got 0",
                message(() -> new OneCycleLR(opt, OneCycleLR.options(0.1).epochs(3, 0))));
        assertEquals("OneCycleLR: pctStart must be between 0 and 1, got 1.5",
                message(() -> new OneCycleLR(opt, OneCycleLR.options(0.1).totalSteps(10).pctStart(1.5))));
        assertEquals("OneCycleLR: expected 1 values for maxLr (one per parameter group), got 2",
                message(() -> new OneCycleLR(opt, OneCycleLR.options(0.1, 0.2).totalSteps(10))));
        assertEquals(0.1, opt.paramGroups().getFirst().lr(), "a rejected schedule leaves the optimizer alone");

        SGD other = sgd(0.1);
        LRScheduler foreign = new StepLR(other, 3);
        assertEquals("SequentialLR: scheduler 1 (StepLR) belongs to a different optimizer",
                message(() -> new SequentialLR(opt, List.of(new LinearLR(opt), foreign), 5)));
        assertEquals("SequentialLR: needs one milestone fewer than schedulers, got 2 schedulers and 2 milestones",
                message(() -> new SequentialLR(opt, List.of(new LinearLR(opt), new StepLR(opt, 3)), 5, 6)));
        assertEquals("SequentialLR: milestones must be increasing and >= 0, got [5, 5]",
                message(() -> new SequentialLR(opt, List.of(new LinearLR(opt), new StepLR(opt, 3), new StepLR(opt, 4)), 5, 5)));
    }

    @Test
    void oneCycleNeedsSomethingToCycle() {
        // An optimizer with neither momentum nor beta1.
        Optimizer plain = new Optimizer(List.of(new ParamGroup(List.of(new Parameter(Tensor.zeros(1))))), Map.of("lr", 0.1), Map.of()) {
            @Override protected void validate(ParamGroup group) {}

            @Override protected void update(Tensor param, Tensor grad, ParamState state, ParamGroup group) {
                param.addInPlace(grad, -group.lr());
            }
        };
        assertTrue(message(() -> new OneCycleLR(plain, 0.1, 10)).endsWith("has neither momentum nor beta1 to cycle; use cycleMomentum(false)"));
        new OneCycleLR(plain, OneCycleLR.options(0.1).totalSteps(10).cycleMomentum(false));
    }

    @Test
    void oneCycleHandWorked() {
        Adam opt = new Adam(List.of(new Parameter(Tensor.zeros(1))));
        OneCycleLR s = new OneCycleLR(opt, 0.1, 100);
        ParamGroup g = opt.paramGroups().getFirst();
        assertEquals(0.1 / 25, s.lastLr()[0], 1e-15);                       // initial_lr = max_lr / divFactor
        assertEquals(0.95, g.get("beta1"), 1e-15);                           // momentum starts at max_momentum
        double[] lrs = run(s, 99);
        assertEquals(0.1, lrs[29], 1e-15);                                   // the peak at pct_start * 100 - 1
        assertEquals(0.1 / 25 / 1e4, lrs[99], 1e-18);                        // min_lr at total_steps - 1
        assertEquals(0.95, g.get("beta1"), 1e-15);                           // and momentum back at its max
        assertEquals(0.999, g.get("beta2"));                                 // beta2 is not cycled
        s.step();                                                            // PyTorch allows total_steps steps
        double before = g.lr();
        String msg = assertThrows(IllegalStateException.class, s::step).getMessage();
        assertEquals("OneCycleLR: tried to step 101 times; the cycle has 100 steps", msg);
        assertEquals(before, g.lr());
        assertEquals(100, s.lastEpoch());
    }

    @Test
    void oneCycleLengthFromEpochsEqualsTotalSteps() {
        double[] a = run(new OneCycleLR(sgd(0.1), OneCycleLR.options(0.3).epochs(4, 6)), 24);
        double[] b = run(new OneCycleLR(sgd(0.1), 0.3, 24), 24);
        assertArrayEquals(b, a);
    }

    @Test
    void closedFormsHandWorked() {
        assertArrayEquals(new double[]{1, 1, 0.5, 0.5, 0.25}, run(new StepLR(sgd(1), 2, 0.5), 4), 1e-15);
        // cos(pi * e / 4): 1, sqrt(1/2), 0, -sqrt(1/2), -1, then back up
        double h = Math.sqrt(0.5);
        assertArrayEquals(new double[]{1, (1 + h) / 2, 0.5, (1 - h) / 2, 0, (1 - h) / 2}, run(new CosineAnnealingLR(sgd(1), 4), 5), 1e-15);
        assertArrayEquals(new double[]{0.25, 0.5, 0.75, 1, 1}, run(new LinearLR(sgd(1), 0.25, 1, 3), 4), 1e-15);
    }

    @Test
    void warmupIsSequentialLinearThenTheNextSchedule() {
        SGD a = sgd(0.1, 0.01), b = sgd(0.1, 0.01);
        LRScheduler oneLine = SequentialLR.warmup(a, 3, 0.2, new CosineAnnealingLR(a, 10));
        LRScheduler spelled = new SequentialLR(b, List.of(new LinearLR(b, 0.2, 1.0, 3), new CosineAnnealingLR(b, 10)), 3);
        for (int i = 0; i < 15; i++) {
            assertArrayEquals(spelled.lastLr(), oneLine.lastLr());
            oneLine.step();
            spelled.step();
        }
    }

    @Test
    void theFirstScheduleFixesTheBaseLearningRate() {
        SGD opt = sgd(0.1);
        new StepLR(opt, 1, 0.5).step();                                      // lr is now 0.05
        CosineAnnealingLR cos = new CosineAnnealingLR(opt, 10);
        assertEquals(0.1, cos.lastLr()[0], 1e-15, "based on initial_lr, not the current lr");
        assertEquals(0.1, opt.paramGroups().getFirst().get("initial_lr"));
    }

    @Test
    void checkpointsResumeTheSchedule() {
        List<java.util.function.Function<SGD, LRScheduler>> makers = List.of(
                o -> new StepLR(o, 3, 0.5),
                o -> new OneCycleLR(o, OneCycleLR.options(0.5, 0.2).totalSteps(20).threePhase(true)),
                o -> SequentialLR.warmup(o, 4, 0.1, new CosineAnnealingLR(o, 12, 1e-3)));
        for (var make : makers) {
            SGD opt = sgd(0.1, 0.05);
            LRScheduler s = make.apply(opt);
            for (int i = 0; i < 7; i++) s.step();
            Map<String, String> saved = s.stateDict();
            StateDict savedOpt = opt.stateDict();
            double[] expected = run(s, 10);

            SGD opt2 = sgd(0.1, 0.05);
            LRScheduler s2 = make.apply(opt2);
            opt2.loadStateDict(savedOpt);
            s2.loadStateDict(saved);
            assertEquals(7, s2.lastEpoch());
            assertArrayEquals(expected, run(s2, 10), s.getClass().getSimpleName());
            assertEquals(opt.paramGroups().get(1).get("momentum"), opt2.paramGroups().get(1).get("momentum"));
        }
    }

    @Test
    void loadingSaysWhatDiffers() {
        Map<String, String> saved = new StepLR(sgd(0.1), 3, 0.5).stateDict();
        assertEquals("StepLR", saved.get("scheduler"));
        assertEquals("0", saved.get("last_epoch"));
        assertEquals("StepLR.loadStateDict: gamma is 0.5 in the checkpoint, 0.1 here",
                message(() -> new StepLR(sgd(0.1), 3).loadStateDict(saved)));
        assertEquals("CosineAnnealingLR.loadStateDict: the checkpoint is from StepLR, not CosineAnnealingLR; "
                        + "T_max is null in the checkpoint, 3 here; eta_min is null in the checkpoint, 0.0 here",
                message(() -> new CosineAnnealingLR(sgd(0.1), 3).loadStateDict(saved)));
        assertEquals("StepLR.loadStateDict: base_lrs has 1 values for 2 parameter groups; last_lr has 1 values for 2 parameter groups",
                message(() -> new StepLR(sgd(0.1, 0.2), 3, 0.5).loadStateDict(saved)));
        Map<String, String> damaged = new LinkedHashMap<>(saved);
        damaged.put("last_epoch", "soon");
        assertEquals("StepLR.loadStateDict: last_epoch: cannot read 'soon'", message(() -> new StepLR(sgd(0.1), 3, 0.5).loadStateDict(damaged)));
    }
}
