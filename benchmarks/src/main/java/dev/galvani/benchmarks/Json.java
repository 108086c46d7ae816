package dev.galvani.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for the benchmark files this module writes and reads (its own and the PyTorch
 * script's): a reader to {@code Map} / {@code List} / {@code String} / {@code Double} /
 * {@code Boolean} / {@code null}, and a writer of the same (plus other numbers). A JSON library would be one more dependency
 * in the uber-jar for two small files.
 */
final class Json {

    private Json() {}

    /** The value as JSON, one member or element per line; non-finite numbers become null, as JSON has none. */
    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b, "");
        return b.append('\n').toString();
    }

    private static void write(Object v, StringBuilder b, String indent) {
        String inner = indent + "  ";
        switch (v) {
            case null -> b.append("null");
            case String s -> b.append(quote(s));
            case Boolean x -> b.append(x);
            case Double d when !Double.isFinite(d) -> b.append("null");
            case Float f when !Float.isFinite(f) -> b.append("null");
            case Number n -> b.append(n);
            case Map<?, ?> m -> {
                b.append('{');
                String sep = "\n";
                for (var e : m.entrySet()) {
                    b.append(sep).append(inner).append(quote(String.valueOf(e.getKey()))).append(": ");
                    write(e.getValue(), b, inner);
                    sep = ",\n";
                }
                b.append(m.isEmpty() ? "" : "\n" + indent).append('}');
            }
            case List<?> list -> {
                b.append('[');
                String sep = "\n";
                for (Object x : list) {
                    b.append(sep).append(inner);
                    write(x, b, inner);
                    sep = ",\n";
                }
                b.append(list.isEmpty() ? "" : "\n" + indent).append(']');
            }
            default -> throw new IllegalArgumentException("JSON: cannot write a " + v.getClass().getSimpleName());
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** Parses one JSON value; the error names the character offset where the text stops making sense. */
    static Object parse(String text) {
        Json.Reader r = new Json.Reader(text);
        Object v = r.value();
        r.skipSpace();
        if (r.at < text.length()) throw r.error("unexpected text after the value");
        return v;
    }

    private static final class Reader {
        private final String s;
        private int at;

        Reader(String s) { this.s = s; }

        Object value() {
            skipSpace();
            if (at >= s.length()) throw error("unexpected end of text");
            char c = s.charAt(at);
            return switch (c) {
                case '{' -> object();
                case '[' -> array();
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> number();
            };
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new LinkedHashMap<>();
            at++;
            skipSpace();
            if (peek('}')) { at++; return m; }
            while (true) {
                skipSpace();
                if (!peek('"')) throw error("expected a quoted key");
                String key = string();
                skipSpace();
                expect(':');
                m.put(key, value());
                skipSpace();
                if (peek(',')) { at++; continue; }
                expect('}');
                return m;
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++;
            skipSpace();
            if (peek(']')) { at++; return list; }
            while (true) {
                list.add(value());
                skipSpace();
                if (peek(',')) { at++; continue; }
                expect(']');
                return list;
            }
        }

        private String string() {
            StringBuilder b = new StringBuilder();
            at++;   // the opening quote
            while (at < s.length()) {
                char c = s.charAt(at++);
                if (c == '"') return b.toString();
                if (c != '\\') { b.append(c); continue; }
                if (at >= s.length()) break;
                char e = s.charAt(at++);
                switch (e) {
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> {
                        if (at + 4 > s.length()) throw error("short \\u escape");
                        b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> b.append(e);   // \" \\ \/
                }
            }
            throw error("unterminated string");
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, at)) throw error("expected " + word);
            at += word.length();
            return v;
        }

        private Double number() {
            int start = at;
            while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) at++;
            // Python's json module writes NaN and Infinity bare; accept them rather than fail on a skipped row.
            if (at == start && s.startsWith("NaN", at)) { at += 3; return Double.NaN; }
            if (at == start && s.startsWith("Infinity", at)) { at += 8; return Double.POSITIVE_INFINITY; }
            try {
                return Double.parseDouble(s.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("expected a value");
            }
        }

        void skipSpace() {
            while (at < s.length() && Character.isWhitespace(s.charAt(at))) at++;
        }

        private boolean peek(char c) { return at < s.length() && s.charAt(at) == c; }

        private void expect(char c) {
            if (!peek(c)) throw error("expected '" + c + "'");
            at++;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at offset " + at);
        }
    }
}
