package dev.galvani.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.galvani.io.SafeTensors;
import dev.galvani.tensor.Convolution;
import dev.galvani.tensor.Tensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The functional forms and losses against PyTorch, in F64: outputs and the gradients of
 * sum(output * R) for every float input, as recorded by
 * {@code src/test/resources/reference/make_functional.py} (torch version in the file's metadata).
 */
class FunctionalTest {

    static final Map<String, Function<Map<String, Tensor>, Tensor>> CASES = new LinkedHashMap<>();
    static {
        CASES.put("ce_weighted_ignore", in -> F.crossEntropy(in.get("logits"), in.get("target"),
                F.CrossEntropy.DEFAULT.withWeight(in.get("c_weight")).withIgnoreIndex(-100).withLabelSmoothing(0.2)));
        CASES.put("ce_probabilities", in -> F.crossEntropy(in.get("logits"), in.get("target"), F.CrossEntropy.DEFAULT.withLabelSmoothing(0.1)));
        CASES.put("ce_spatial_none", in -> F.crossEntropy(in.get("logits"), in.get("target"), F.CrossEntropy.DEFAULT.withReduction(F.Reduction.NONE)));
        CASES.put("nll_sum", in -> F.nllLoss(F.logSoftmax(in.get("x"), 1), in.get("target"), F.CrossEntropy.DEFAULT.withReduction(F.Reduction.SUM)));
        CASES.put("mse", in -> F.mseLoss(in.get("a"), in.get("b")));
        CASES.put("l1_sum", in -> F.l1Loss(in.get("a"), in.get("b"), F.Reduction.SUM));
        CASES.put("smooth_l1", in -> F.smoothL1Loss(in.get("a"), in.get("b"), 0.5, F.Reduction.MEAN));
        CASES.put("bce_logits", in -> F.binaryCrossEntropyWithLogits(in.get("x"), in.get("y"), in.get("c_w"), in.get("c_pw"), F.Reduction.MEAN));
        CASES.put("softmax", in -> F.softmax(in.get("x"), -1));
        CASES.put("log_softmax", in -> F.logSoftmax(in.get("x"), 0));
        CASES.put("layer_norm", in -> F.layerNorm(in.get("x"), new int[]{3, 4}, in.get("w"), in.get("b"), 1e-5));
        CASES.put("group_norm", in -> F.groupNorm(in.get("x"), 2, in.get("w"), in.get("b"), 1e-5));
        CASES.put("batch_norm_1d_train", in -> F.batchNorm(in.get("x"), null, null, in.get("w"), in.get("b"), true, 0.1, 1e-5));
        CASES.put("adaptive_avg_pool", in -> F.adaptiveAvgPool2d(in.get("x"), 3, 2));
        CASES.put("conv_transpose", in -> Convolution.convTranspose2d(in.get("x"), in.get("w"), in.get("b"), 2, 1, 1, 1, 1));
        CASES.put("conv1d", in -> F.conv1d(in.get("x"), in.get("w"), in.get("b"), 2, 1, 1, 1));
        CASES.put("embedding", in -> F.embedding(in.get("idx"), in.get("w")));
        CASES.put("leaky_relu", in -> F.leakyRelu(in.get("x"), 0.1));
        CASES.put("elu", in -> F.elu(in.get("x"), 1.5));
        CASES.put("linear", in -> F.linear(in.get("x"), in.get("w"), in.get("b")));
    }

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() throws Exception {
        Map<String, Tensor> ref = SafeTensors.load(Path.of(FunctionalTest.class.getResource("/reference/functional.safetensors").toURI()));
        TreeSet<String> recorded = new TreeSet<>();
        ref.keySet().forEach(k -> { if (k.endsWith(".out")) recorded.add(k.substring(0, k.length() - 4)); });
        assertEquals(recorded, new TreeSet<>(CASES.keySet()), "every recorded case has a Galvani call and vice versa");
        return CASES.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue(), ref)));
    }

    static void check(String name, Function<Map<String, Tensor>, Tensor> call, Map<String, Tensor> ref) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        ref.forEach((k, v) -> {
            if (!k.startsWith(name + ".in.")) return;
            String arg = k.substring((name + ".in.").length());
            inputs.put(arg, v.dtype().isFloatingPoint() && !arg.startsWith("c_") ? v.clone().requiresGrad(true) : v);
        });
        Tensor out = call.apply(inputs);
        assertClose(name + " output", ref.get(name + ".out"), out);
        out.mul(ref.get(name + ".r")).sum().backward();
        inputs.forEach((arg, t) -> {
            Tensor expected = ref.get(name + ".grad." + arg);
            if (expected != null) assertClose(name + " gradient of " + arg, expected, t.grad());
        });
    }

    static void assertClose(String what, Tensor expected, Tensor actual) {
        assertTrue(actual != null, what + ": missing");
        assertArrayEquals(expected.shape().dims(), actual.shape().dims(), what + ": shape");
        double[] e = expected.toDoubleArray(), a = actual.toDoubleArray();
        for (int i = 0; i < e.length; i++)
            assertTrue(Math.abs(e[i] - a[i]) <= 1e-10 + 1e-9 * Math.abs(e[i]), what + "[" + i + "]: galvani " + a[i] + ", torch " + e[i]);
    }
}
