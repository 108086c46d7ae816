package dev.galvani.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Replays the optimizer cases recorded from PyTorch by {@code make_reference.py} (optimizers.txt):
 * the same float64 problem, the same gradients (computed here with tensor operations from the same
 * formula), and compares every parameter after every step, then the state dict, within 1e-6
 * relative.
 */
class OptimizerReferenceTest {

    private static final ReferenceFile REF = new ReferenceFile("/optim/optimizers.txt");
    private static final List<String> ORDER = List.of("w", "U", "V", "Z");

    @Test
    void fixtureNamesItsTorchVersion() {
        assertNotNull(REF.torchVersion, "optimizers.txt header names the torch version");
        assertTrue(REF.cases.size() >= 15, "cases: " + REF.cases.size());
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return REF.cases.stream().map(c -> dynamicTest(c.name(), () -> replay(c)));
    }

    /** The problem's parameters w, U, V, Z at their recorded initial values (float64). */
    static Map<String, Parameter> initialParams() {
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (String n : ORDER) params.put(n, new Parameter(REF.tensors.get(n).clone()));
        return params;
    }

    private static void replay(ReferenceFile.Case c) {
        Map<String, Parameter> params = initialParams();

        List<ParamGroup> groups = new ArrayList<>();
        for (ReferenceFile.Line g : c.all("group")) {
            List<Parameter> members = Arrays.stream(g.words(), 1, g.words().length).filter(w -> !w.contains("=")).map(params::get).toList();
            ParamGroup group = new ParamGroup(members);
            g.options(1).forEach((k, v) -> setOption(group, k, v));
            groups.add(group);
        }
        Optimizer opt = optimizer(c.first("optimizer").word(1), groups, c.first("defaults").options(1));
        ReferenceFile.Line s = c.first("scheduler");
        LRScheduler schedule = s == null ? null : scheduler(opt, s.options(1));

        int steps = c.all("after").stream().mapToInt(l -> Integer.parseInt(l.word(1))).max().orElseThrow();
        for (int step = 1; step <= steps; step++) {
            setGradients(params);
            opt.step();
            if (schedule != null) schedule.step();
            for (ReferenceFile.Line after : c.all("after"))
                if (Integer.parseInt(after.word(1)) == step)
                    assertClose(after.values(), params.get(after.word(2)).value(), c.name() + " step " + step + " " + after.word(2));
        }
        assertNull(opt.state(params.get("Z")), "Z never had a gradient, so it has no state");
        assertStateDict(c, opt.stateDict());
    }

    /**
     * The gradients of loss = sum((A w - b)^2) + sum((U C - D)^2) + sum(k (V - E)^2); Z is not in
     * the loss. Matrix products are written as broadcast products and sums, so this test needs
     * only element-wise kernels and reductions.
     */
    static void setGradients(Map<String, Parameter> params) {
        Map<String, Tensor> d = REF.tensors;
        Tensor a = d.get("A"), c = d.get("C");
        try (var _ = GradMode.disable()) {
            Tensor w = params.get("w").value(), u = params.get("U").value(), v = params.get("V").value();
            Tensor r = a.mul(w).sum(1).sub(d.get("b"));                                 // A w - b            [3]
            w.setGrad(a.mul(r.unsqueeze(1)).sum(0).mul(2.0));                           // 2 A^T r            [4]
            Tensor s = u.unsqueeze(2).mul(c.unsqueeze(0)).sum(1).sub(d.get("D"));       // U C - D            [2, 3]
            u.setGrad(s.unsqueeze(1).mul(c.unsqueeze(0)).sum(2).mul(2.0));              // 2 S C^T            [2, 3]
            v.setGrad(d.get("k").mul(v.sub(d.get("E"))).mul(2.0));                     // 2 k (V - E)        [5]
        }
    }

    private static void assertStateDict(ReferenceFile.Case c, StateDict sd) {
        Map<String, double[]> expectedTensors = new LinkedHashMap<>();
        Map<String, String> expectedSteps = new LinkedHashMap<>();
        for (ReferenceFile.Line st : c.all("state")) {
            String key = "state." + st.word(1) + "." + st.word(2);
            if (st.word(2).equals("step")) expectedSteps.put(key, Long.toString((long) st.values()[0]));
            else expectedTensors.put(key, st.values());
        }
        assertEquals(new TreeSet<>(expectedTensors.keySet()), new TreeSet<>(sd.tensors().keySet()), c.name() + ": state tensors");
        expectedTensors.forEach((k, v) -> assertClose(v, sd.tensors().get(k), c.name() + " " + k));
        Map<String, String> steps = new LinkedHashMap<>(sd.metadata());
        steps.keySet().removeIf(k -> !k.startsWith("state."));
        assertEquals(expectedSteps, steps, c.name() + ": step counts");

        for (ReferenceFile.Line h : c.all("hyper")) {
            String prefix = "param_groups." + h.word(1) + ".";
            h.options(2).forEach((k, v) -> {
                if (k.equals("betas")) {
                    double[] b = ReferenceFile.numbers(v);
                    assertNumber(b[0], sd.metadata().get(prefix + "beta1"), c.name() + " " + prefix + "beta1");
                    assertNumber(b[1], sd.metadata().get(prefix + "beta2"), c.name() + " " + prefix + "beta2");
                } else if (v.equals("true") || v.equals("false")) {
                    assertEquals(v, sd.metadata().get(prefix + k), c.name() + " " + prefix + k);
                } else {
                    assertNumber(Double.parseDouble(v), sd.metadata().get(prefix + k), c.name() + " " + prefix + k);
                }
            });
        }
    }

    private static void assertNumber(double expected, String actual, String what) {
        assertNotNull(actual, what + " is missing");
        assertTrue(ReferenceFile.close(expected, Double.parseDouble(actual)), what + ": got " + actual + " expected " + expected);
    }

    static void assertClose(double[] expected, Tensor actual, String what) {
        double[] got = actual.toDoubleArray();
        assertEquals(expected.length, got.length, what + ": size");
        for (int i = 0; i < got.length; i++)
            if (!ReferenceFile.close(expected[i], got[i]))
                fail(what + ": element " + i + " is " + got[i] + ", PyTorch " + expected[i] + "\n  got      " + Arrays.toString(got)
                        + "\n  expected " + Arrays.toString(expected));
    }

    // ---- building what the fixture describes ----------------------------------------------------

    private static void setOption(ParamGroup g, String key, String value) {
        if (key.equals("betas")) {
            double[] b = ReferenceFile.numbers(value);
            g.set("beta1", b[0]).set("beta2", b[1]);
        } else if (value.equals("true") || value.equals("false")) {
            g.set(key, Boolean.parseBoolean(value));
        } else {
            g.set(key, Double.parseDouble(value));
        }
    }

    static Optimizer optimizer(String type, List<ParamGroup> groups, Map<String, String> d) {
        switch (type) {
            case "SGD" -> {
                var o = SGD.options();
                d.forEach((k, v) -> {
                    switch (k) {
                        case "lr" -> o.lr(Double.parseDouble(v));
                        case "momentum" -> o.momentum(Double.parseDouble(v));
                        case "dampening" -> o.dampening(Double.parseDouble(v));
                        case "weight_decay" -> o.weightDecay(Double.parseDouble(v));
                        case "nesterov" -> o.nesterov(Boolean.parseBoolean(v));
                        case "maximize" -> o.maximize(Boolean.parseBoolean(v));
                        default -> fail("SGD option " + k);
                    }
                });
                return new SGD(groups, o);
            }
            case "Adam", "AdamW" -> {
                var o = Adam.options();
                d.forEach((k, v) -> {
                    switch (k) {
                        case "lr" -> o.lr(Double.parseDouble(v));
                        case "betas" -> o.betas(ReferenceFile.numbers(v)[0], ReferenceFile.numbers(v)[1]);
                        case "eps" -> o.eps(Double.parseDouble(v));
                        case "weight_decay" -> o.weightDecay(Double.parseDouble(v));
                        case "amsgrad" -> o.amsgrad(Boolean.parseBoolean(v));
                        case "maximize" -> o.maximize(Boolean.parseBoolean(v));
                        default -> fail(type + " option " + k);
                    }
                });
                return type.equals("Adam") ? new Adam(groups, o) : new AdamW(groups, o);
            }
            case "RMSprop" -> {
                var o = RMSprop.options();
                d.forEach((k, v) -> {
                    switch (k) {
                        case "lr" -> o.lr(Double.parseDouble(v));
                        case "alpha" -> o.alpha(Double.parseDouble(v));
                        case "eps" -> o.eps(Double.parseDouble(v));
                        case "weight_decay" -> o.weightDecay(Double.parseDouble(v));
                        case "momentum" -> o.momentum(Double.parseDouble(v));
                        case "centered" -> o.centered(Boolean.parseBoolean(v));
                        case "maximize" -> o.maximize(Boolean.parseBoolean(v));
                        default -> fail("RMSprop option " + k);
                    }
                });
                return new RMSprop(groups, o);
            }
            default -> throw new AssertionError("optimizer " + type);
        }
    }

    private static LRScheduler scheduler(Optimizer opt, Map<String, String> s) {
        return switch (s.get("type")) {
            case "OneCycleLR" -> {
                var o = OneCycleLR.options(ReferenceFile.numbers(s.get("max_lr"))).totalSteps(Integer.parseInt(s.get("total_steps")));
                if (s.containsKey("three_phase")) o.threePhase(Boolean.parseBoolean(s.get("three_phase")));
                if ("linear".equals(s.get("anneal_strategy"))) o.anneal(OneCycleLR.Anneal.LINEAR);
                yield new OneCycleLR(opt, o);
            }
            case "WarmupCosine" -> SequentialLR.warmup(opt, Integer.parseInt(s.get("warmup")), Double.parseDouble(s.get("start_factor")),
                    new CosineAnnealingLR(opt, Integer.parseInt(s.get("t_max"))));
            default -> throw new AssertionError("scheduler " + s);
        };
    }
}
