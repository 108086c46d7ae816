package dev.galvani.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark files this module writes and reads (its own and the PyTorch script's), through
 * Jackson: values are {@code Map} / {@code List} / {@code String} / {@code Double} /
 * {@code Boolean} / {@code null}, every number read as a {@code Double} so the callers need one
 * cast, and non-finite numbers written as null (JSON has none), while NaN and Infinity, which
 * Python's json module writes, are read.
 */
final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private Json() {}

    /** The value as indented JSON with a final newline; non-finite numbers become null. */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(finite(value)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("JSON: cannot write " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** Parses JSON text; numbers come back as Double. */
    static Object parse(String text) {
        try {
            return doubles(MAPPER.readValue(text, Object.class));
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new IllegalArgumentException("JSON: " + e.getOriginalMessage()
                    + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()), e);
        }
    }

    private static Object finite(Object v) {
        return switch (v) {
            case Double d when !Double.isFinite(d) -> null;
            case Float f when !Float.isFinite(f) -> null;
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), finite(x)));
                yield out;
            }
            case List<?> l -> l.stream().map(Json::finite).collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
            case null, default -> v;
        };
    }

    private static Object doubles(Object v) {
        return switch (v) {
            case Number n -> n.doubleValue();
            case Map<?, ?> m -> {
                Map<String, Object> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(String.valueOf(k), doubles(x)));
                yield out;
            }
            case List<?> l -> l.stream().map(Json::doubles).collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
            case null, default -> v;
        };
    }
}
