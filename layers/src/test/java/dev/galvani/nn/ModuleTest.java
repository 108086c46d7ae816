package dev.galvani.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.tensor.DType;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleTest {

    static Sequential model() {
        Generator g = new Generator(1);
        return new Sequential(new Linear(3, 4, true, g), new Activation.ReLU(), new BatchNorm.BatchNorm1d(4), new Linear(4, 2, false, g));
    }

    @Test
    void namesFollowPyTorch() {
        Sequential m = model();
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "3.weight"), List.copyOf(m.namedParameters().keySet()));
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "2.running_mean", "2.running_var", "2.num_batches_tracked", "3.weight"),
                List.copyOf(m.stateDict().keySet()));
        assertEquals(3 * 4 + 4 + 4 + 4 + 4 * 2, m.parameterCount());
        assertEquals(List.of("", "0", "1", "2", "3"), List.copyOf(m.namedModules().keySet()));
        m.parameters().forEach(p -> assertTrue(p.requiresGrad()));
    }

    @Test
    void toStringIsATree() {
        assertEquals("""
                Sequential(
                  (0): Linear(in_features=3, out_features=4, bias=True)
                  (1): ReLU()
                  (2): BatchNorm1d(4, eps=1.0E-5, momentum=0.1, affine=True, track_running_stats=True)
                  (3): Linear(in_features=4, out_features=2, bias=False)
                )""", model().toString());
    }

    @Test
    void trainAndEvalReachEveryDescendant() {
        Sequential m = model();
        m.eval();
        m.namedModules().values().forEach(c -> assertFalse(c.isTraining()));
        m.train();
        m.namedModules().values().forEach(c -> assertTrue(c.isTraining()));
    }

    @Test
    void stateDictRoundTripCopiesValuesInPlace() {
        Sequential a = model(), b = new Sequential(new Linear(3, 4, true, new Generator(9)), new Activation.ReLU(),
                new BatchNorm.BatchNorm1d(4), new Linear(4, 2, false, new Generator(9)));
        Tensor before = b.namedParameters().get("0.weight").value();
        b.loadStateDict(a.stateDict());
        assertSame(before, b.namedParameters().get("0.weight").value());                  // same tensor, new values
        a.stateDict().forEach((k, v) -> assertArrayEquals(v.toDoubleArray(), b.stateDict().get(k).toDoubleArray(), 0, k));
        Map<String, Tensor> sd = a.stateDict();
        assertNotSame(sd.get("0.weight"), a.namedParameters().get("0.weight").value());    // detached views
        assertFalse(sd.get("0.weight").requiresGrad());
    }

    @Test
    void strictLoadingNamesEveryProblemAndChangesNothing() {
        Sequential m = model();
        double[] original = m.stateDict().get("0.bias").toDoubleArray();
        Map<String, Tensor> sd = new LinkedHashMap<>(m.stateDict());
        sd.remove("3.weight");
        sd.put("extra.weight", Tensor.zeros(1));
        sd.put("0.weight", Tensor.zeros(5, 3));
        sd.put("0.bias", Tensor.full(7, 4));
        var e = assertThrows(IllegalArgumentException.class, () -> m.loadStateDict(sd));
        assertEquals("loadStateDict into Sequential: size mismatch for 0.weight: checkpoint [5, 3], model [4, 3]; missing keys: [3.weight]; "
                + "unexpected keys: [extra.weight]", e.getMessage());
        assertArrayEquals(original, m.stateDict().get("0.bias").toDoubleArray(), 0);
        sd.put("0.weight", Tensor.zeros(4, 3));
        m.loadStateDict(sd, false);                                                      // non-strict: missing/unexpected are fine
        assertArrayEquals(new double[]{7, 7, 7, 7}, m.stateDict().get("0.bias").toDoubleArray(), 0);
    }

    @Test
    void dtypeMovesParametersAndFloatingBuffers() {
        Sequential m = model();
        m.to(DType.F64);
        m.parameters().forEach(p -> assertEquals(DType.F64, p.value().dtype()));
        assertEquals(DType.F64, m.stateDict().get("2.running_mean").dtype());
        assertEquals(DType.I64, m.stateDict().get("2.num_batches_tracked").dtype());
        m.parameters().forEach(p -> assertTrue(p.requiresGrad()));
    }

    static final class Registering extends Module {
        @Override public Tensor forward(Tensor x) { return x; }
    }

    @Test
    void registrationErrors() {
        Registering m = new Registering();
        m.registerParameter("w", Tensor.zeros(2));
        assertEquals("Registering: 'w' is already registered",
                assertThrows(IllegalArgumentException.class, () -> m.registerParameter("w", Tensor.zeros(2))).getMessage());
        assertEquals("Registering: invalid name 'a.b' (must be non-empty and contain no '.')",
                assertThrows(IllegalArgumentException.class, () -> m.registerBuffer("a.b", Tensor.zeros(2))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Parameter(Tensor.zeros(DType.I64, 2)));
        assertThrows(UnsupportedOperationException.class, () -> new ModuleList().forward(Tensor.zeros(1)));
    }

    @Test
    void defaultInitialisationBounds() {
        Linear l = new Linear(100, 50, true, new Generator(3));
        double bound = 1 / Math.sqrt(100);
        assertTrue(l.weight.value().abs().amax().item() <= bound);
        assertTrue(l.weight.value().abs().amax().item() > 0.9 * bound);                  // and the range is used
        assertTrue(l.bias.value().abs().amax().item() <= bound);
    }
}
