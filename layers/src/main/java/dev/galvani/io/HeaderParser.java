package dev.galvani.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict reader for the JSON header of a safetensors file. It reads exactly the shape the format
 * allows, straight from the bytes, so every error can name the byte where it happened:
 *
 * <pre>{"__metadata__": {"key": "value", ...}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}, ...}</pre>
 *
 * <p>Standard JSON (RFC 8259) in every detail it accepts: strings with all escapes, strict UTF-8,
 * whitespace between tokens, integers without leading zeros. Stricter than the reference
 * implementation where the format leaves no room for doubt: the header must start with {@code '{'}
 * and only whitespace may follow the closing brace; duplicate names, unknown or missing fields,
 * fractional, negative or exponent numbers and non-string metadata values are errors.
 *
 * <p>Why our own and not a JSON library: a checkpoint reader must refuse what the format forbids
 * (duplicate names, which general parsers merge or let the last one win; numbers a {@code long}
 * cannot hold exactly) and say at which byte of the file the problem is, so that a user can find
 * it in a hex dump; a general parser gives a tree without byte offsets and needs a second pass
 * for the checks. The format's grammar is small and fixed, so the reader stays small.
 */
final class HeaderParser {

    /** One tensor's header entry; offsets relative to the start of the data buffer. */
    record TensorInfo(String name, SafeTensorsDType dtype, long[] shape, long begin, long end, long headerOffset) {}

    /** The parsed header: tensors in header order, and the metadata (empty when absent). */
    record Header(List<TensorInfo> tensors, Map<String, String> metadata) {}

    /** Types the format names but whose elements are smaller than a byte; their sizes cannot be checked here. */
    private static final List<String> SUB_BYTE_TYPES = List.of("F4", "F6_E2M3", "F6_E3M2");

    private final Path file;
    private final byte[] bytes;
    private final long base;        // file offset of bytes[0], for messages
    private int pos;

    private HeaderParser(Path file, byte[] bytes, long base) {
        this.file = file;
        this.bytes = bytes;
        this.base = base;
    }

    /** Parses {@code header}, the header bytes that start at file offset {@code base}. */
    static Header parse(Path file, byte[] header, long base) throws SafeTensorsFormatException {
        return new HeaderParser(file, header, base).header();
    }

    private Header header() throws SafeTensorsFormatException {
        if (bytes.length == 0 || bytes[0] != '{') throw error(0, "the header must start with '{', found " + describe(0));
        pos = 1;
        List<TensorInfo> tensors = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        Map<String, String> metadata = null;
        skipWhitespace();
        if (peek() == '}') pos++;
        else {
            while (true) {
                int keyAt = pos;
                String key = string("a tensor name");
                colon();
                if (seen.containsKey(key))
                    throw error(keyAt, "duplicate entry " + quote(key) + " (first at byte " + (base + seen.get(key)) + ")");
                seen.put(key, keyAt);
                if (key.equals("__metadata__")) metadata = stringMap();
                else tensors.add(tensorInfo(key, keyAt));
                if (!commaOrEnd('}')) break;
            }
        }
        // The writer pads the header to a multiple of 8 bytes; spaces are the usual padding.
        while (pos < bytes.length) {
            if (!isWhitespace(bytes[pos])) throw error(pos, "unexpected " + describe(pos) + " after the header's closing '}' (only whitespace padding may follow)");
            pos++;
        }
        return new Header(tensors, metadata == null ? Map.of() : metadata);
    }

    private TensorInfo tensorInfo(String name, int keyAt) throws SafeTensorsFormatException {
        expect('{', "the entry of tensor " + quote(name));
        SafeTensorsDType dtype = null;
        long[] shape = null, offsets = null;
        skipWhitespace();
        if (peek() == '}') pos++;
        else {
            while (true) {
                int fieldAt = pos;
                String field = string("a field name");
                colon();
                String what = "tensor " + quote(name) + ": field " + quote(field);
                switch (field) {
                    case "dtype" -> {
                        if (dtype != null) throw error(fieldAt, "tensor " + quote(name) + ": duplicate field \"dtype\"");
                        int at = pos;
                        dtype = dtype(name, string(what), at);
                    }
                    case "shape" -> {
                        if (shape != null) throw error(fieldAt, "tensor " + quote(name) + ": duplicate field \"shape\"");
                        shape = integers(what);
                    }
                    case "data_offsets" -> {
                        if (offsets != null) throw error(fieldAt, "tensor " + quote(name) + ": duplicate field \"data_offsets\"");
                        int at = pos;
                        offsets = integers(what);
                        if (offsets.length != 2)
                            throw error(at, what + " must hold two numbers [begin, end], found " + offsets.length);
                    }
                    default -> throw error(fieldAt, "tensor " + quote(name) + ": unknown field " + quote(field)
                            + " (expected \"dtype\", \"shape\" and \"data_offsets\")");
                }
                if (!commaOrEnd('}')) break;
            }
        }
        List<String> missing = new ArrayList<>();
        if (dtype == null) missing.add("dtype");
        if (shape == null) missing.add("shape");
        if (offsets == null) missing.add("data_offsets");
        if (!missing.isEmpty()) throw error(keyAt, "tensor " + quote(name) + ": missing field(s) " + String.join(", ", missing));
        return new TensorInfo(name, dtype, shape, offsets[0], offsets[1], base + keyAt);
    }

    private SafeTensorsDType dtype(String tensor, String name, int at) throws SafeTensorsFormatException {
        SafeTensorsDType t = SafeTensorsDType.byName(name);
        if (t != null) return t;
        if (SUB_BYTE_TYPES.contains(name))
            throw error(at, "tensor " + quote(tensor) + ": dtype " + name + " (packed sub-byte floats) is not supported");
        throw error(at, "tensor " + quote(tensor) + ": unknown dtype " + quote(name));
    }

    private Map<String, String> stringMap() throws SafeTensorsFormatException {
        expect('{', "\"__metadata__\"");
        Map<String, String> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            int keyAt = pos;
            String key = string("a metadata key");
            colon();
            if (map.containsKey(key)) throw error(keyAt, "\"__metadata__\": duplicate key " + quote(key));
            if (peek() != '"') throw error(pos, "\"__metadata__\": the value of " + quote(key) + " must be a string, found " + describe(pos));
            map.put(key, string("a metadata value"));
            if (!commaOrEnd('}')) return map;
        }
    }

    /** A JSON array of non-negative integers. */
    private long[] integers(String what) throws SafeTensorsFormatException {
        expect('[', what);
        List<Long> values = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') pos++;
        else {
            while (true) {
                values.add(integer(what));
                if (!commaOrEnd(']')) break;
            }
        }
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) out[i] = values.get(i);
        return out;
    }

    private long integer(String what) throws SafeTensorsFormatException {
        int start = pos;
        if (peek() == '-') throw error(pos, what + ": numbers must be non-negative integers, found '-'");
        if (!isDigit(peek())) throw error(pos, what + ": expected a number, found " + describe(pos));
        if (peek() == '0' && pos + 1 < bytes.length && isDigit(bytes[pos + 1]))
            throw error(pos, what + ": numbers must not have leading zeros");
        long value = 0;
        while (pos < bytes.length && isDigit(bytes[pos])) {
            int digit = bytes[pos] - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) throw error(start, what + ": number too large");
            value = value * 10 + digit;
            pos++;
        }
        int c = peek();
        if (c == '.' || c == 'e' || c == 'E') throw error(pos, what + ": numbers must be integers, found " + describe(pos));
        return value;
    }

    /** A JSON string; {@code what} says what was expected, for the message. */
    private String string(String what) throws SafeTensorsFormatException {
        skipWhitespace();
        if (peek() != '"') throw error(pos, "expected " + what + " (a string), found " + describe(pos));
        int start = pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= bytes.length) throw error(start, "unterminated string");
            int c = bytes[pos] & 0xff;
            if (c == '"') {
                pos++;
                return out.toString();
            } else if (c == '\\') {
                escape(out);
            } else if (c < 0x20) {
                throw error(pos, "control character 0x" + hex(c) + " inside a string (it must be escaped)");
            } else if (c < 0x80) {
                out.append((char) c);
                pos++;
            } else {
                out.appendCodePoint(utf8());
            }
        }
    }

    private void escape(StringBuilder out) throws SafeTensorsFormatException {
        int at = pos++;
        if (pos >= bytes.length) throw error(at, "unterminated escape sequence");
        int c = bytes[pos++];
        switch (c) {
            case '"' -> out.append('"');
            case '\\' -> out.append('\\');
            case '/' -> out.append('/');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'u' -> {
                char unit = hex4(at);
                if (Character.isLowSurrogate(unit)) throw error(at, "unpaired surrogate \\u" + hex(unit) + " in a string");
                if (Character.isHighSurrogate(unit)) {
                    // A code point above U+FFFF is written as two escapes, high then low surrogate.
                    int second = pos;
                    if (pos + 1 >= bytes.length || bytes[pos] != '\\' || bytes[pos + 1] != 'u')
                        throw error(at, "unpaired surrogate \\u" + hex(unit) + " in a string");
                    pos += 2;
                    char low = hex4(second);
                    if (!Character.isLowSurrogate(low)) throw error(at, "unpaired surrogate \\u" + hex(unit) + " in a string");
                    out.append(unit).append(low);
                } else out.append(unit);
            }
            default -> throw error(at, "invalid escape sequence \\" + describeChar(c));
        }
    }

    /** Four hex digits after {@code \\u}; {@code at} is the backslash, for the message. */
    private char hex4(int at) throws SafeTensorsFormatException {
        if (pos + 4 > bytes.length) throw error(at, "truncated \\u escape");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int c = bytes[pos + i];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) throw error(pos + i, "invalid hex digit " + describe(pos + i) + " in a \\u escape");
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    /** Decodes one multi-byte UTF-8 sequence, rejecting overlong forms, surrogates and values above U+10FFFF. */
    private int utf8() throws SafeTensorsFormatException {
        int start = pos;
        int lead = bytes[pos] & 0xff;
        int length, codePoint, min;
        if (lead >= 0xc2 && lead <= 0xdf) { length = 2; codePoint = lead & 0x1f; min = 0x80; }
        else if (lead >= 0xe0 && lead <= 0xef) { length = 3; codePoint = lead & 0x0f; min = 0x800; }
        else if (lead >= 0xf0 && lead <= 0xf4) { length = 4; codePoint = lead & 0x07; min = 0x10000; }
        else throw error(start, "invalid UTF-8 byte 0x" + hex(lead));
        for (int i = 1; i < length; i++) {
            if (start + i >= bytes.length || (bytes[start + i] & 0xc0) != 0x80)
                throw error(start, "truncated or invalid UTF-8 sequence starting with 0x" + hex(lead));
            codePoint = (codePoint << 6) | (bytes[start + i] & 0x3f);
        }
        if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))
            throw error(start, "invalid UTF-8 sequence starting with 0x" + hex(lead));
        pos += length;
        return codePoint;
    }

    // ---- small pieces -----------------------------------------------------------------------------

    private void colon() throws SafeTensorsFormatException {
        skipWhitespace();
        if (peek() != ':') throw error(pos, "expected ':', found " + describe(pos));
        pos++;
        skipWhitespace();
    }

    private void expect(char c, String what) throws SafeTensorsFormatException {
        skipWhitespace();
        if (peek() != c) throw error(pos, what + ": expected '" + c + "', found " + describe(pos));
        pos++;
    }

    /** After a member or element: true on ',' (another follows), false on {@code close}. */
    private boolean commaOrEnd(char close) throws SafeTensorsFormatException {
        skipWhitespace();
        int c = peek();
        if (c == ',') {
            pos++;
            skipWhitespace();
            return true;
        }
        if (c == close) {
            pos++;
            return false;
        }
        throw error(pos, "expected ',' or '" + close + "', found " + describe(pos));
    }

    private int peek() { return pos < bytes.length ? bytes[pos] & 0xff : -1; }

    private void skipWhitespace() { while (pos < bytes.length && isWhitespace(bytes[pos])) pos++; }

    private static boolean isWhitespace(byte b) { return b == ' ' || b == '\t' || b == '\n' || b == '\r'; }

    private static boolean isDigit(int c) { return c >= '0' && c <= '9'; }

    private String describe(int at) { return at >= bytes.length ? "the end of the header" : describeChar(bytes[at] & 0xff); }

    private static String describeChar(int c) {
        c &= 0xff;
        return c > 0x20 && c < 0x7f ? "'" + (char) c + "'" : "byte 0x" + hex(c);
    }

    private static String hex(int v) { return Integer.toHexString(v); }

    /** A name as it appears in messages: quoted, with control characters made visible. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        if (s.codePointCount(0, s.length()) > 200) b.append("...");
        return b.append('\'').toString();
    }

    private SafeTensorsFormatException error(int at, String problem) {
        return new SafeTensorsFormatException(file, base + at, problem);
    }
}
