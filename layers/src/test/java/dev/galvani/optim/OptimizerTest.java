package dev.galvani.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.nn.Parameter;
import dev.galvani.tensor.DType;
import dev.galvani.tensor.GradMode;
import dev.galvani.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Groups, defaults, argument checks, skipping, and checkpoints of the optimizers. */
class OptimizerTest {

    private static Parameter param(double... values) { return new Parameter(Tensor.of(values, values.length)); }

    private static String message(Class<? extends Throwable> type, Executable e) { return assertThrows(type, e).getMessage(); }

    // ---- arguments ------------------------------------------------------------------------------

    @Test
    void invalidHyperparametersAreRejectedWithPyTorchsReasons() {
        List<Parameter> ps = List.of(param(1, 2));
        assertEquals("SGD: options: invalid learning rate: -0.1",
                message(IllegalArgumentException.class, () -> new SGD(ps, SGD.options().lr(-0.1))));
        assertEquals("SGD: options: invalid momentum value: -0.5",
                message(IllegalArgumentException.class, () -> new SGD(ps, SGD.options().momentum(-0.5))));
        assertTrue(message(IllegalArgumentException.class, () -> new SGD(ps, SGD.options().nesterov(true)))
                .contains("Nesterov momentum requires a momentum and zero dampening"));
        assertTrue(message(IllegalArgumentException.class, () -> new SGD(ps, SGD.options().momentum(0.9).dampening(0.1).nesterov(true)))
                .contains("dampening 0.1"));
        assertEquals("Adam: options: invalid beta1 (betas[0]): 1.0 (must be in [0, 1))",
                message(IllegalArgumentException.class, () -> new Adam(ps, Adam.options().betas(1.0, 0.999))));
        assertEquals("AdamW: options: invalid beta2 (betas[1]): -0.1 (must be in [0, 1))",
                message(IllegalArgumentException.class, () -> new AdamW(ps, Adam.options().betas(0.9, -0.1))));
        assertEquals("Adam: options: invalid epsilon value: -1.0E-8",
                message(IllegalArgumentException.class, () -> new Adam(ps, Adam.options().eps(-1e-8))));
        assertEquals("AdamW: options: invalid weight_decay value: -0.01",
                message(IllegalArgumentException.class, () -> new AdamW(ps, Adam.options().weightDecay(-0.01))));
        assertEquals("Adam: options: invalid learning rate: NaN",
                message(IllegalArgumentException.class, () -> new Adam(ps, Adam.options().lr(Double.NaN))));
        assertEquals("RMSprop: options: invalid alpha value: -0.9",
                message(IllegalArgumentException.class, () -> new RMSprop(ps, RMSprop.options().alpha(-0.9))));
        assertEquals("RMSprop: options: invalid momentum value: -1.0",
                message(IllegalArgumentException.class, () -> new RMSprop(ps, RMSprop.options().momentum(-1))));
    }

    @Test
    void groupsAreCheckedOneByOne() {
        Parameter a = param(1), b = param(2);
        assertEquals("Adam: param group 1: invalid learning rate: -1.0", message(IllegalArgumentException.class,
                () -> new Adam(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b)).lr(-1)), Adam.options())));
        assertEquals("Adam: param group 0 sets 'momentum', which Adam does not have (options: lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)",
                message(IllegalArgumentException.class, () -> new Adam(List.of(new ParamGroup(List.of(a)).set("momentum", 0.9)), Adam.options())));
        assertEquals("Adam: param group 0: option 'amsgrad' is a flag, got 1.0", message(IllegalArgumentException.class,
                () -> new Adam(List.of(new ParamGroup(List.of(a)).set("amsgrad", 1.0)), Adam.options())));
        assertTrue(message(IllegalArgumentException.class,
                () -> new SGD(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b, a))), SGD.options()))
                .startsWith("SGD: param group 1: a parameter (shape [1]) appears in more than one parameter group"));
        assertEquals("RMSprop: got an empty parameter list", message(IllegalArgumentException.class, () -> new RMSprop(List.of())));
    }

    @Test
    void aGroupValueMadeInvalidLaterStopsTheStepBeforeAnythingMoves() {
        Parameter p = param(1, 2);
        SGD opt = new SGD(List.of(p), SGD.options().lr(0.1));
        p.value().setGrad(Tensor.of(new double[]{1, 1}, 2));
        opt.paramGroups().getFirst().lr(-0.1);
        assertEquals("SGD: param group 0: invalid learning rate: -0.1", message(IllegalArgumentException.class, opt::step));
        assertArrayEquals(new double[]{1, 2}, p.value().toDoubleArray());
    }

    // ---- defaults and groups --------------------------------------------------------------------

    @Test
    void defaultsArePyTorchs() {
        List<Parameter> ps = List.of(param(1));
        assertEquals(Map.of("lr", 1e-3, "momentum", 0.0, "dampening", 0.0, "weight_decay", 0.0, "nesterov", false, "maximize", false),
                new SGD(ps).defaults());
        assertEquals(Map.of("lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weight_decay", 0.0, "amsgrad", false, "maximize", false),
                new Adam(ps).defaults());
        assertEquals(0.01, new AdamW(ps).defaults().get("weight_decay"));
        assertEquals(0.01, new AdamW(ps, Adam.options().lr(0.1)).defaults().get("weight_decay"), "AdamW keeps its default decay");
        assertEquals(Map.of("lr", 1e-2, "alpha", 0.99, "eps", 1e-8, "weight_decay", 0.0, "momentum", 0.0, "centered", false, "maximize", false),
                new RMSprop(ps).defaults());
    }

    @Test
    void groupsOverrideDefaultsAndAddParamGroupFillsTheRest() {
        Parameter a = param(1), b = param(2), c = param(3);
        Adam opt = new Adam(List.of(new ParamGroup(List.of(a)), new ParamGroup(List.of(b)).lr(0.5).set("amsgrad", true)),
                Adam.options().lr(0.01).weightDecay(0.1));
        ParamGroup g0 = opt.paramGroups().get(0), g1 = opt.paramGroups().get(1);
        assertEquals(0.01, g0.lr());
        assertEquals(0.5, g1.lr());
        assertTrue(g1.flag("amsgrad"));
        assertEquals(0.1, g1.weightDecay());
        opt.addParamGroup(new ParamGroup(List.of(c)).set("beta1", 0.5));
        assertEquals(3, opt.paramGroups().size());
        assertEquals(0.01, opt.paramGroups().get(2).lr());
        assertEquals(0.5, opt.paramGroups().get(2).get("beta1"));
        assertThrows(IllegalArgumentException.class, () -> opt.addParamGroup(new ParamGroup(List.of(a))));
        assertTrue(opt.toString().startsWith("Adam (\nParameter Group 0\n    amsgrad: false\n    beta1: 0.9"), opt.toString());
    }

    // ---- stepping -------------------------------------------------------------------------------

    @Test
    void parametersWithoutGradientsAreSkippedAndGetNoState() {
        Parameter used = param(1, 2), unused = param(3, 4);
        Adam opt = new Adam(List.of(used, unused), Adam.options().lr(0.1).weightDecay(0.5));
        used.value().setGrad(Tensor.of(new double[]{0.5, -0.5}, 2));
        opt.step();
        assertArrayEquals(new double[]{3, 4}, unused.value().toDoubleArray());
        assertNull(opt.state(unused));
        assertEquals(1, opt.state(used).step());
        // The first Adam step moves each element by lr (m^ / sqrt(v^) = sign(g) when eps is negligible).
        double g0 = 0.5 + 0.5 * 1, g1 = -0.5 + 0.5 * 2;
        assertArrayEquals(new double[]{1 - 0.1 * g0 / (Math.abs(g0) + 1e-8), 2 - 0.1 * g1 / (Math.abs(g1) + 1e-8)},
                used.value().toDoubleArray(), 1e-12);
        opt.zeroGrad();
        assertNull(used.grad());
    }

    @Test
    void sgdStepIsTheTextbookUpdate() {
        Parameter p = param(1, -2);
        SGD opt = new SGD(List.of(p), SGD.options().lr(0.1).momentum(0.9));
        p.value().setGrad(Tensor.of(new double[]{1, 2}, 2));
        opt.step();                                              // b = g; theta -= 0.1 b
        assertArrayEquals(new double[]{0.9, -2.2}, p.value().toDoubleArray(), 1e-15);
        opt.step();                                              // b = 0.9 g + g = 1.9 g
        assertArrayEquals(new double[]{0.9 - 0.19, -2.2 - 0.38}, p.value().toDoubleArray(), 1e-15);
        assertArrayEquals(new double[]{1.9, 3.8}, opt.state(p).get("momentum_buffer").toDoubleArray(), 1e-15);
    }

    @Test
    void float32ParametersKeepFloat32State() {
        Parameter p = new Parameter(Tensor.of(new float[]{1, 2, 3}, 3));
        RMSprop opt = new RMSprop(List.of(p), RMSprop.options().momentum(0.5).centered(true));
        p.value().setGrad(Tensor.of(new float[]{0.1f, -0.2f, 0.3f}, 3));
        opt.step();
        assertEquals(DType.F32, p.value().dtype());
        opt.state(p).buffers().values().forEach(t -> assertEquals(DType.F32, t.dtype()));
        assertEquals(List.of("square_avg", "grad_avg", "momentum_buffer"), List.copyOf(opt.state(p).buffers().keySet()));
    }

    @Test
    void closureStepReturnsTheLoss() {
        Parameter p = param(2);
        SGD opt = new SGD(List.of(p), SGD.options().lr(0.25));
        Tensor loss = opt.step(() -> {
            try (var _ = GradMode.disable()) {
                p.value().setGrad(p.value().mul(2.0));           // d/dp p^2
                return p.value().square().sum();
            }
        });
        assertEquals(4.0, loss.itemDouble());
        assertArrayEquals(new double[]{1.0}, p.value().toDoubleArray());
    }

    @Test
    void stepsWithGradientsFromAutograd() {
        Parameter p = param(1, -2);
        Tensor loss = p.value().square().sum();
        try {
            loss.backward();
        } catch (IllegalStateException e) {
            Assumptions.abort("autograd engine not on the classpath yet: " + e.getMessage());
        }
        new SGD(List.of(p), SGD.options().lr(0.25)).step();
        assertArrayEquals(new double[]{0.5, -1.0}, p.value().toDoubleArray(), 1e-12);
    }

    // ---- checkpoints ----------------------------------------------------------------------------

    @Test
    void stateDictUsesPyTorchsNames() {
        Map<String, Parameter> ps = OptimizerReferenceTest.initialParams();
        Adam opt = twoGroups(ps, g -> new Adam(g, Adam.options().lr(0.01).amsgrad(true)));
        OptimizerReferenceTest.setGradients(ps);
        opt.step();
        StateDict sd = opt.stateDict();
        assertEquals(List.of("state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq", "state.1.exp_avg", "state.1.exp_avg_sq",
                "state.1.max_exp_avg_sq", "state.2.exp_avg", "state.2.exp_avg_sq", "state.2.max_exp_avg_sq"), List.copyOf(sd.tensors().keySet()));
        assertEquals("Adam", sd.metadata().get("optimizer"));
        assertEquals("1", sd.metadata().get("state.0.step"));
        assertNull(sd.metadata().get("state.3.step"), "Z had no gradient");
        assertEquals("0,1", sd.metadata().get("param_groups.0.params"));
        assertEquals("2,3", sd.metadata().get("param_groups.1.params"));
        assertEquals("0.01", sd.metadata().get("param_groups.0.lr"));
        assertEquals("0.005", sd.metadata().get("param_groups.1.lr"));
        assertEquals("true", sd.metadata().get("param_groups.1.amsgrad"));
    }

    /** w, U in group 0 and V, Z in group 1 (lr halved there). */
    private static <O extends Optimizer> O twoGroups(Map<String, Parameter> ps, Function<List<ParamGroup>, O> make) {
        O opt = make.apply(List.of(new ParamGroup(List.of(ps.get("w"), ps.get("U"))), new ParamGroup(List.of(ps.get("V"), ps.get("Z")))));
        opt.paramGroups().get(1).lr(opt.paramGroups().get(0).lr() / 2);
        return opt;
    }

    /** Snapshot of a checkpoint, as writing it to a file would make. */
    private static StateDict copy(StateDict sd) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        sd.tensors().forEach((k, t) -> tensors.put(k, t.clone()));
        return new StateDict(tensors, sd.metadata());
    }

    private interface Setup {
        Optimizer optimizer(Map<String, Parameter> ps);

        default LRScheduler schedule(Optimizer opt) { return null; }
    }

    private static final Map<String, Setup> SETUPS = new LinkedHashMap<>();

    static {
        SETUPS.put("SGD nesterov", ps -> twoGroups(ps, g -> new SGD(g, SGD.options().lr(0.01).momentum(0.9).nesterov(true).weightDecay(0.01))));
        SETUPS.put("Adam amsgrad", ps -> twoGroups(ps, g -> new Adam(g, Adam.options().lr(0.02).amsgrad(true).weightDecay(0.1))));
        SETUPS.put("AdamW", ps -> twoGroups(ps, g -> new AdamW(g, Adam.options().lr(0.02))));
        SETUPS.put("RMSprop centered momentum", ps -> twoGroups(ps, g -> new RMSprop(g, RMSprop.options().lr(0.01).momentum(0.5).centered(true))));
        SETUPS.put("SGD + OneCycleLR", new Setup() {
            public Optimizer optimizer(Map<String, Parameter> ps) { return twoGroups(ps, g -> new SGD(g, SGD.options().lr(0.01).momentum(0.9))); }
            public LRScheduler schedule(Optimizer opt) { return new OneCycleLR(opt, OneCycleLR.options(0.02, 0.01).totalSteps(6)); }
        });
        SETUPS.put("Adam + warm-up and cosine", new Setup() {
            public Optimizer optimizer(Map<String, Parameter> ps) { return twoGroups(ps, g -> new Adam(g, Adam.options().lr(0.05))); }
            public LRScheduler schedule(Optimizer opt) { return SequentialLR.warmup(opt, 2, 0.1, new CosineAnnealingLR(opt, 4)); }
        });
    }

    @Test
    void resumingFromACheckpointGivesTheUninterruptedResult() {
        SETUPS.forEach((name, setup) -> {
            Map<String, Parameter> straight = OptimizerReferenceTest.initialParams();
            Optimizer opt = setup.optimizer(straight);
            LRScheduler schedule = setup.schedule(opt);
            StateDict saved = null;
            Map<String, String> savedSchedule = null;
            Map<String, Tensor> savedParams = new LinkedHashMap<>();
            for (int step = 1; step <= 5; step++) {
                OptimizerReferenceTest.setGradients(straight);
                opt.step();
                if (schedule != null) schedule.step();
                if (step == 3) {
                    saved = copy(opt.stateDict());
                    if (schedule != null) savedSchedule = schedule.stateDict();
                    straight.forEach((k, p) -> savedParams.put(k, p.value().clone()));
                }
            }

            Map<String, Parameter> resumed = OptimizerReferenceTest.initialParams();
            resumed.forEach((k, p) -> p.copyFrom(savedParams.get(k)));
            Optimizer fresh = setup.optimizer(resumed);
            LRScheduler freshSchedule = setup.schedule(fresh);     // made before loading, as PyTorch advises
            fresh.loadStateDict(saved);
            if (freshSchedule != null) freshSchedule.loadStateDict(savedSchedule);
            for (int step = 4; step <= 5; step++) {
                OptimizerReferenceTest.setGradients(resumed);
                fresh.step();
                if (freshSchedule != null) freshSchedule.step();
            }
            straight.forEach((k, p) -> assertArrayEquals(p.value().toDoubleArray(), resumed.get(k).value().toDoubleArray(), name + " " + k));
            if (schedule != null) assertArrayEquals(schedule.lastLr(), freshSchedule.lastLr(), name + " lr");
        });
    }

    @Test
    void loadingChecksEverythingAndChangesNothingOnError() {
        Map<String, Parameter> ps = OptimizerReferenceTest.initialParams();
        Adam opt = twoGroups(ps, g -> new Adam(g, Adam.options().lr(0.01)));
        OptimizerReferenceTest.setGradients(ps);
        opt.step();
        StateDict good = copy(opt.stateDict());

        assertEquals("SGD.loadStateDict: the checkpoint is from Adam, not SGD", message(IllegalArgumentException.class,
                () -> new SGD(List.of(ps.get("w"))).loadStateDict(good)));
        assertEquals("Adam.loadStateDict: the checkpoint has 2 parameter groups, the optimizer 1", message(IllegalArgumentException.class,
                () -> new Adam(List.of(ps.get("w"))).loadStateDict(good)));
        assertEquals("Adam.loadStateDict: param group 0 has 2 parameters in the checkpoint, 1 here", message(IllegalArgumentException.class,
                () -> new Adam(List.of(new ParamGroup(List.of(ps.get("w"))), new ParamGroup(List.of(ps.get("V"), ps.get("Z")))), Adam.options())
                        .loadStateDict(good)));

        // Same grouping over a parameter of another shape.
        Map<String, Parameter> other = OptimizerReferenceTest.initialParams();
        other.put("U", new Parameter(Tensor.zeros(DType.F64, 3, 2)));
        assertEquals("Adam.loadStateDict: state.1.exp_avg: shape [2, 3] in the checkpoint, parameter 1 has [3, 2]; "
                        + "state.1.exp_avg_sq: shape [2, 3] in the checkpoint, parameter 1 has [3, 2]",
                message(IllegalArgumentException.class, () -> twoGroups(other, g -> new Adam(g, Adam.options())).loadStateDict(good)));

        // Damaged metadata: every problem is reported, and the optimizer keeps its state.
        Map<String, String> meta = new LinkedHashMap<>(good.metadata());
        meta.remove("param_groups.0.amsgrad");
        meta.put("param_groups.0.lr", "fast");
        meta.put("param_groups.1.beta1", "1.5");
        String before = opt.stateDict().metadata().toString();
        double[] m = opt.state(ps.get("w")).get("exp_avg").toDoubleArray();
        String msg = message(IllegalArgumentException.class, () -> opt.loadStateDict(new StateDict(good.tensors(), meta)));
        assertTrue(msg.contains("param group 0 lacks options [amsgrad]"), msg);
        assertTrue(msg.contains("param_groups.0.lr: cannot read 'fast' as a number"), msg);
        assertTrue(msg.contains("param group 1: invalid beta1 (betas[0]): 1.5"), msg);
        assertEquals(before, opt.stateDict().metadata().toString());
        assertArrayEquals(m, opt.state(ps.get("w")).get("exp_avg").toDoubleArray());

        meta.clear();
        meta.putAll(good.metadata());
        meta.put("state.0.step", "-3");
        assertEquals("Adam.loadStateDict: state.0.step: cannot read '-3' as a step count",
                message(IllegalArgumentException.class, () -> opt.loadStateDict(new StateDict(good.tensors(), meta))));
        Map<String, Tensor> tensors = new LinkedHashMap<>(good.tensors());
        tensors.put("state.9.exp_avg", Tensor.zeros(DType.F64, 4));
        assertEquals("Adam.loadStateDict: unexpected tensor state.9.exp_avg (the optimizer has 4 parameters)",
                message(IllegalArgumentException.class, () -> opt.loadStateDict(new StateDict(tensors, good.metadata()))));
    }

    @Test
    void loadingCopiesStateToTheParametersDtypeAndIgnoresOtherKeys() {
        Parameter p64 = param(1, 2, 3);
        Adam a = new Adam(List.of(p64), Adam.options().lr(0.1));
        p64.value().setGrad(Tensor.of(new double[]{1, 2, 3}, 3));
        a.step();
        StateDict sd = a.stateDict();
        Map<String, Tensor> tensors = new LinkedHashMap<>(sd.tensors());
        tensors.put("model.weight", Tensor.zeros(2, 2));                 // one file may hold the model too
        Map<String, String> meta = new LinkedHashMap<>(sd.metadata());
        meta.put("scheduler", "StepLR");

        Parameter p32 = new Parameter(Tensor.of(new float[]{1, 2, 3}, 3));
        Adam b = new Adam(List.of(p32));
        b.loadStateDict(new StateDict(tensors, meta));
        Tensor m = b.state(p32).get("exp_avg");
        assertEquals(DType.F32, m.dtype());
        assertArrayEquals(sd.tensors().get("state.0.exp_avg").toFloatArray(), m.toFloatArray());
        assertEquals(0.1, b.paramGroups().getFirst().lr(), "hyperparameters come from the checkpoint");
        assertEquals(1, b.state(p32).step());
        a.step();
        assertArrayEquals(new float[]{0.1f, 0.2f, 0.3f}, m.toFloatArray(), 1e-7f, "the loaded state does not alias the saved tensors");
    }

    @Test
    void groupsCanBeEmptyButNotAllOfThem() {
        Parameter a = param(1);
        SGD opt = new SGD(List.of(new ParamGroup(List.of(a)), new ParamGroup(new ArrayList<>()).weightDecay(0.1)), SGD.options());
        assertEquals(2, opt.paramGroups().size());
        assertEquals("", opt.stateDict().metadata().get("param_groups.1.params"));
        opt.loadStateDict(opt.stateDict());
    }
}
