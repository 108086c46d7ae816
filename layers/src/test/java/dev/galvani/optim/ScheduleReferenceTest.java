package dev.galvani.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the schedule cases recorded from PyTorch by {@code make_reference.py} (schedules.txt):
 * the learning rate of every group (and the momentum or beta1 that OneCycleLR cycles) after each of
 * 25-30 steps, within 1e-6 relative.
 */
class ScheduleReferenceTest {

    private static final ReferenceFile REF = new ReferenceFile("/optim/schedules.txt");

    @Test
    void fixtureNamesItsTorchVersion() {
        assertNotNull(REF.torchVersion, "schedules.txt header names the torch version");
        assertTrue(REF.cases.size() >= 10, "cases: " + REF.cases.size());
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return REF.cases.stream().map(c -> dynamicTest(c.name(), () -> replay(c)));
    }

    private static void replay(ReferenceFile.Case c) {
        ReferenceFile.Line o = c.first("optimizer");
        Map<String, String> options = o.options(2);
        double[] lrs = ReferenceFile.numbers(options.remove("lrs"));
        List<ParamGroup> groups = new ArrayList<>();
        for (double lr : lrs) groups.add(new ParamGroup(List.of(new Parameter(Tensor.zeros(DType.F64, 2)))).lr(lr));
        Optimizer opt = OptimizerReferenceTest.optimizer(o.word(1), groups, options);
        LRScheduler schedule = build(opt, c.all("scheduler"));

        for (ReferenceFile.Line e : c.all("epoch")) {
            int epoch = Integer.parseInt(e.word(1));
            if (epoch > 0) {
                opt.step();                // no gradients: nothing moves, as in the recording
                schedule.step();
            }
            String at = c.name() + " epoch " + epoch;
            assertEquals(epoch, schedule.lastEpoch(), at);
            double[] lr = numbersAfter(e, "lr", lrs.length);
            assertClose(lr, schedule.lastLr(), at + " lastLr");
            assertClose(lr, opt.paramGroups().stream().mapToDouble(ParamGroup::lr).toArray(), at + " group lr");
            double[] momentum = numbersAfter(e, "momentum", lrs.length);
            if (momentum != null) {
                String key = opt.defaults().containsKey("beta1") ? "beta1" : "momentum";
                assertClose(momentum, opt.paramGroups().stream().mapToDouble(g -> g.get(key)).toArray(), at + " " + key);
            }
        }
    }

    private static double[] numbersAfter(ReferenceFile.Line line, String label, int count) {
        List<String> words = Arrays.asList(line.words());
        int at = words.indexOf(label);
        if (at < 0) return null;
        return words.subList(at + 1, at + 1 + count).stream().mapToDouble(Double::parseDouble).toArray();
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++)
            assertTrue(ReferenceFile.close(expected[i], actual[i]), what + " group " + i + ": got " + actual[i] + ", PyTorch " + expected[i]);
    }

    /** The schedule the "scheduler" lines describe (for SequentialLR, the lines after the first are its parts). */
    private static LRScheduler build(Optimizer opt, List<ReferenceFile.Line> lines) {
        ReferenceFile.Line first = lines.getFirst();
        if (!first.word(1).equals("SequentialLR")) return build(opt, first.word(1), first.options(2));
        List<LRScheduler> parts = new ArrayList<>();
        for (ReferenceFile.Line l : lines.subList(1, lines.size())) parts.add(build(opt, l.word(1), l.options(2)));
        int[] milestones = Arrays.stream(first.options(2).get("milestones").split(",")).mapToInt(Integer::parseInt).toArray();
        return new SequentialLR(opt, parts, milestones);
    }

    private static LRScheduler build(Optimizer opt, String type, Map<String, String> a) {
        return switch (type) {
            case "StepLR" -> a.containsKey("gamma")
                    ? new StepLR(opt, Integer.parseInt(a.get("step_size")), Double.parseDouble(a.get("gamma")))
                    : new StepLR(opt, Integer.parseInt(a.get("step_size")));
            case "CosineAnnealingLR" -> a.containsKey("eta_min")
                    ? new CosineAnnealingLR(opt, Integer.parseInt(a.get("T_max")), Double.parseDouble(a.get("eta_min")))
                    : new CosineAnnealingLR(opt, Integer.parseInt(a.get("T_max")));
            case "LinearLR" -> a.isEmpty() ? new LinearLR(opt)
                    : new LinearLR(opt, Double.parseDouble(a.getOrDefault("start_factor", Double.toString(1.0 / 3))),
                            Double.parseDouble(a.getOrDefault("end_factor", "1.0")), Integer.parseInt(a.getOrDefault("total_iters", "5")));
            case "OneCycleLR" -> {
                var o = OneCycleLR.options(ReferenceFile.numbers(a.get("max_lr")));
                if (a.containsKey("total_steps")) o.totalSteps(Integer.parseInt(a.get("total_steps")));
                if (a.containsKey("epochs")) o.epochs(Integer.parseInt(a.get("epochs")), Integer.parseInt(a.get("steps_per_epoch")));
                if (a.containsKey("pct_start")) o.pctStart(Double.parseDouble(a.get("pct_start")));
                if ("linear".equals(a.get("anneal_strategy"))) o.anneal(OneCycleLR.Anneal.LINEAR);
                if (a.containsKey("cycle_momentum")) o.cycleMomentum(Boolean.parseBoolean(a.get("cycle_momentum")));
                if (a.containsKey("base_momentum")) o.baseMomentum(Double.parseDouble(a.get("base_momentum")));
                if (a.containsKey("max_momentum")) o.maxMomentum(Double.parseDouble(a.get("max_momentum")));
                if (a.containsKey("div_factor")) o.divFactor(Double.parseDouble(a.get("div_factor")));
                if (a.containsKey("final_div_factor")) o.finalDivFactor(Double.parseDouble(a.get("final_div_factor")));
                if (a.containsKey("three_phase")) o.threePhase(Boolean.parseBoolean(a.get("three_phase")));
                yield new OneCycleLR(opt, o);
            }
            default -> throw new AssertionError("scheduler " + type);
        };
    }
}
