package dev.galvani.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.io.SafeTensors;
import dev.galvani.optim.AdamW;
import dev.galvani.tensor.Device;
import dev.galvani.tensor.Generator;
import dev.galvani.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Galvani against PyTorch on whole models: values recorded by
 * {@code src/test/resources/reference/make_differential.py} (the torch version is in the file's
 * metadata). Tolerance: 1e-5 relative to the largest magnitude of each compared tensor, all in F32.
 * Each model runs on the CPU and on the checking device of the tensor test jar, with every kernel
 * family ({@code check:0}) and with the core only ({@code check:1}: the composed forms of
 * convolution, pooling, batch norm and AdamW), from the same recorded values.
 */
class DifferentialTest {

    static Map<String, Tensor> ref;

    @BeforeAll
    static void load() throws Exception {
        ref = SafeTensors.load(Path.of(DifferentialTest.class.getResource("/reference/differential.safetensors").toURI()));
    }

    static Map<String, Tensor> withPrefix(String prefix) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        ref.forEach((k, v) -> { if (k.startsWith(prefix)) m.put(k.substring(prefix.length()), v); });
        return m;
    }

    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.shape().dims(), actual.shape().dims(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        double scale = 0;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        double tol = 1e-5 * Math.max(scale, 1e-6);
        for (int i = 0; i < e.length; i++)
            assertTrue(Math.abs(e[i] - a[i]) <= tol, what + "[" + i + "]: galvani " + a[i] + ", torch " + e[i] + " (tolerance " + tol + ")");
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "check:0", "check:1"})
    void mlpCrossEntropyAndOneAdamWStep(String deviceName) {
        Device device = Device.parse(deviceName);
        Generator g = new Generator(0);
        Sequential mlp = new Sequential(new Linear(8, 16, true, g), new Activation.ReLU(), new Linear(16, 4, true, g));
        mlp.loadStateDict(withPrefix("mlp.param."));
        mlp.to(device);
        Tensor logits = mlp.forward(ref.get("mlp.x").to(device));
        assertEquals(device, logits.device());
        Tensor loss = F.crossEntropy(logits, ref.get("mlp.y").to(device));
        assertClose("mlp logits", ref.get("mlp.logits"), logits);
        assertClose("mlp loss", ref.get("mlp.loss"), loss);
        loss.backward();
        mlp.namedParameters().forEach((k, p) -> assertClose("mlp grad " + k, ref.get("mlp.grad." + k), p.grad()));
        new AdamW(mlp.parameters(), AdamW.options().lr(1e-2).weightDecay(0.01)).step();
        mlp.namedParameters().forEach((k, p) -> assertClose("mlp after AdamW " + k, ref.get("mlp.adamw." + k), p.value()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpu", "check:0", "check:1"})
    void cnnWithBatchNormAndLabelSmoothing(String deviceName) {
        Device device = Device.parse(deviceName);
        Generator g = new Generator(0);
        Sequential cnn = new Sequential(new Conv.Conv2d(1, 4, 3, 1, 1, 1, 1, true, g), new BatchNorm.BatchNorm2d(4), new Activation.ReLU(),
                new Pool.MaxPool2d(2), new Conv.Conv2d(4, 6, 3, 1, 1, 1, 1, true, g), new BatchNorm.BatchNorm2d(6), new Activation.ReLU(),
                new Pool.AvgPool2d(2), new Flatten(), new Linear(24, 3, true, g));
        cnn.loadStateDict(withPrefix("cnn.param."));
        cnn.to(device);
        cnn.train();
        Tensor logits = cnn.forward(ref.get("cnn.x").to(device));
        assertEquals(device, logits.device());
        Tensor loss = F.crossEntropy(logits, ref.get("cnn.y").to(device), F.CrossEntropy.DEFAULT.withLabelSmoothing(0.1));
        assertClose("cnn logits", ref.get("cnn.logits"), logits);
        assertClose("cnn loss", ref.get("cnn.loss"), loss);
        loss.backward();
        cnn.namedParameters().forEach((k, p) -> {
            if (k.equals("0.bias") || k.equals("4.bias")) {
                // A bias right before a batch norm is cancelled by the mean subtraction: its exact
                // gradient is 0, and both libraries return round-off (~1e-9), so check that instead.
                assertTrue(p.grad().abs().amax().item() < 1e-6 && ref.get("cnn.grad." + k).abs().amax().item() < 1e-6, k);
            } else {
                assertClose("cnn grad " + k, ref.get("cnn.grad." + k), p.grad());
            }
        });
        cnn.stateDict().forEach((k, v) -> assertClose("cnn state after the step " + k, ref.get("cnn.after." + k), v));
        cnn.eval();
        assertClose("cnn eval logits", ref.get("cnn.eval_logits"), cnn.forward(ref.get("cnn.x").to(device)));
    }
}
