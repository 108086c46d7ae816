package dev.galvani.optim;

import dev.galvani.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixture written by {@code src/test/resources/optim/make_reference.py}: global
 * {@code tensor NAME dims : values} lines, then {@code case NAME ... end} blocks of records.
 */
final class ReferenceFile {

    /** One record: its words before the colon, and the numbers after it (if any). */
    record Line(String[] words, double[] values) {
        String word(int i) { return words[i]; }

        /** The {@code key=value} words from {@code from} on. */
        Map<String, String> options(int from) {
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = from; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                if (eq > 0) out.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
            return out;
        }
    }

    record Case(String name, List<Line> lines) {
        List<Line> all(String kind) { return lines.stream().filter(l -> l.word(0).equals(kind)).toList(); }

        Line first(String kind) { return all(kind).isEmpty() ? null : all(kind).getFirst(); }
    }

    final String torchVersion;
    final Map<String, Tensor> tensors = new LinkedHashMap<>();
    final List<Case> cases = new ArrayList<>();

    ReferenceFile(String resource) {
        String text;
        try (InputStream in = ReferenceFile.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("missing test resource " + resource);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String version = null;
        List<Line> current = null;
        String name = null;
        for (String raw : text.split("\n")) {
            String s = raw.strip();
            if (s.startsWith("#")) {
                int at = s.indexOf("torch ");
                if (version == null && at >= 0) version = s.substring(at + 6).split(" ")[0];
                continue;
            }
            if (s.isEmpty()) continue;
            Line line = parse(s);
            switch (line.word(0)) {
                case "tensor" -> {
                    int[] shape = Arrays.stream(line.words(), 2, line.words().length).mapToInt(Integer::parseInt).toArray();
                    tensors.put(line.word(1), Tensor.of(line.values(), shape));
                }
                case "case" -> { name = line.word(1); current = new ArrayList<>(); }
                case "end" -> { cases.add(new Case(name, current)); current = null; }
                default -> current.add(line);
            }
        }
        this.torchVersion = version;
    }

    private static Line parse(String s) {
        int colon = s.indexOf(" : ");
        String head = colon < 0 ? s : s.substring(0, colon);
        double[] values = colon < 0 ? new double[0]
                : Arrays.stream(s.substring(colon + 3).trim().split("\\s+")).mapToDouble(Double::parseDouble).toArray();
        return new Line(head.trim().split("\\s+"), values);
    }

    static double[] numbers(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    /** |actual - expected| <= 1e-6 |expected| + 1e-12, elementwise. */
    static boolean close(double expected, double actual) {
        return Math.abs(actual - expected) <= 1e-6 * Math.abs(expected) + 1e-12;
    }
}
