package dev.galvani.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Type promotion and printing against values recorded from PyTorch by
 * {@code src/test/resources/reference/make_reference.py} (the torch version is in each file's header).
 */
class TorchParityTest {

    static List<String> lines(String resource) throws IOException {
        try (var in = TorchParityTest.class.getResourceAsStream("/reference/" + resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
        }
    }

    static Tensor operand(String kind, String dtype) {
        return switch (kind) {
            case "int" -> null;
            case "float" -> null;
            case "dim" -> Tensor.of(new double[]{1, 0}).to(DType.valueOf(dtype));
            default -> Tensor.scalar(DType.valueOf(dtype), 1);
        };
    }

    static Tensor apply(String op, Tensor a, String kindB, String dtypeB) {
        if (kindB.equals("int") || kindB.equals("float")) {
            boolean isInt = kindB.equals("int");
            return switch (op) {
                case "add" -> isInt ? a.add(2L) : a.add(2.5);
                case "mul" -> isInt ? a.mul(2L) : a.mul(2.5);
                case "div" -> isInt ? a.div(2L) : a.div(2.5);
                case "lt" -> isInt ? a.lt(2L) : a.lt(2.5);
                default -> throw new IllegalArgumentException(op);
            };
        }
        Tensor b = operand(kindB, dtypeB);
        return switch (op) {
            case "add" -> a.add(b);
            case "mul" -> a.mul(b);
            case "div" -> a.div(b);
            case "lt" -> a.lt(b);
            default -> throw new IllegalArgumentException(op);
        };
    }

    @Test
    void typePromotionMatchesPyTorch() throws IOException {
        int checked = 0;
        List<String> mismatches = new ArrayList<>();
        for (String line : lines("torch_promotion.tsv")) {
            if (line.startsWith("#")) continue;
            String[] f = line.split("\t");
            String ka = f[0], ta = f[1], kb = f[2], tb = f[3], op = f[4], expected = f[5];
            if (expected.equals("error")) continue;
            Tensor r;
            if (ka.equals("int") || ka.equals("float")) r = apply(op, operand(kb, tb), ka, "None");   // scalar first: add/mul commute
            else r = apply(op, operand(ka, ta), kb, tb);
            if (!r.dtype().name().equals(expected)) mismatches.add(line + " -> galvani " + r.dtype());
            checked++;
        }
        assertEquals(List.of(), mismatches);
        assertFalse(checked < 400, "only " + checked + " promotion cases were checked");
    }

    @Test
    void printingMatchesPyTorch() throws IOException {
        List<String> lines = lines("torch_printing.txt");
        int cases = 0;
        for (int i = 0; i < lines.size(); i++) {
            String header = lines.get(i);
            if (!header.startsWith("### ")) continue;
            String[] f = header.substring(4).split("\\|", -1);
            StringBuilder text = new StringBuilder();
            for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("### "); j++) text.append(j > i + 1 ? "\n" : "").append(lines.get(j));
            int[] shape = f[2].isEmpty() ? new int[0] : Arrays.stream(f[2].split(",")).mapToInt(Integer::parseInt).toArray();
            double[] values = f[3].isEmpty() ? new double[0] : Arrays.stream(f[3].split(",")).mapToDouble(TorchParityTest::parse).toArray();
            Tensor t = Tensor.of(values).reshape(shape).to(DType.valueOf(f[1]));   // reshape: an empty shape means 0-D
            String expected = text.toString().replace("torch.float64", "F64").replace("torch.int32", "I32");
            assertEquals(expected, t.toString(), "printing case '" + f[0] + "'");
            cases++;
        }
        assertFalse(cases < 10, "only " + cases + " printing cases");
    }

    static double parse(String s) {
        return switch (s) {
            case "nan" -> Double.NaN;
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
