package dev.galvani.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.galvani.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed files: each must fail with a {@link SafeTensorsFormatException} whose message names the
 * file and whose offset points at the culprit. Offsets are worked out by hand from the bytes built here.
 */
class SafeTensorsValidationTest {

    @TempDir Path dir;

    private static final String A4 = "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";

    /** A file of the given header text (no padding added) and data bytes. */
    private Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array(), h, data);
    }

    private Path file(String header, int dataBytes) throws IOException { return file(header, new byte[dataBytes]); }

    private Path raw(byte[]... parts) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.write(p);
        return Files.write(dir.resolve("case.safetensors"), out.toByteArray());
    }

    /** Reading fails; the message names the file and the offset is {@code offset}. */
    private SafeTensorsFormatException fails(Path file, long offset, String messagePart) {
        SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().startsWith(file + ": byte " + offset + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), () -> "'" + messagePart + "' not in: " + e.getMessage());
        assertEquals(offset, e.offset());
        assertEquals(file, e.file());
        return e;
    }

    /** File offset of the first {@code needle} in {@code header}. */
    private static long at(String header, String needle) {
        int i = header.indexOf(needle);
        assertTrue(i >= 0, needle);
        return 8 + header.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
    }

    @Test void tooShortOrBadLength() throws IOException {
        fails(raw(new byte[0]), 0, "0 bytes, fewer than the 8");
        fails(raw(new byte[7]), 0, "7 bytes, fewer than the 8");
        fails(raw(new byte[]{100, 0, 0, 0, 0, 0, 0, 0}, new byte[50]), 0, "header length 100 runs past the end of the file (58 bytes");
        byte[] ones = new byte[8];
        Arrays.fill(ones, (byte) -1);
        fails(raw(ones, new byte[8]), 0, "header length 18446744073709551615 exceeds the limit");
        fails(raw(new byte[]{0, 0, 0, 0x10, 0, 0, 0, 0}, new byte[8]), 0, "exceeds the limit of 100000000 bytes");
        fails(file("", 0), 8, "must start with '{', found the end of the header");
    }

    @Test void invalidJsonNamesTheBadByte() throws IOException {
        String h = "{" + A4 + ",}";
        fails(file(h, 4), at(h, ",}") + 1, "expected a tensor name (a string), found '}'");
        h = " {" + A4 + "}";
        fails(file(h, 4), 8, "must start with '{', found byte 0x20");
        h = "{" + A4 + "}x  ";
        fails(file(h, 4), at(h, "x"), "unexpected 'x' after the header's closing '}'");
        h = "{\"a\" {}}";
        fails(file(h, 0), at(h, "{}"), "expected ':', found '{'");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        fails(file(h, 4), 8 + h.length(), "expected ',' or '}', found the end of the header");
        h = "{\"a\":{\"dtype\":\"F3";
        fails(file(h, 0), at(h, "\"F3"), "unterminated string");
        h = "{\"a\\x\":{}}";
        fails(file(h, 0), at(h, "\\x"), "invalid escape sequence \\'x'");
        h = "{\"a\tb\":{}}";
        fails(file(h, 0), at(h, "\t"), "control character 0x9 inside a string");
        h = "{\"a\\ud800\":{}}";
        fails(file(h, 0), at(h, "\\ud800"), "unpaired surrogate");
        h = "{\"a\\u12G4\":{}}";
        fails(file(h, 0), at(h, "G"), "invalid hex digit 'G'");
        // Invalid UTF-8: a lone continuation byte, an overlong '/', a surrogate encoded in UTF-8.
        for (byte[] bad : List.of(new byte[]{(byte) 0x80}, new byte[]{(byte) 0xc0, (byte) 0xaf}, new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80})) {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            header.write("{\"ab".getBytes(StandardCharsets.US_ASCII));
            header.write(bad);
            header.write("\":{}}".getBytes(StandardCharsets.US_ASCII));
            byte[] hb = header.toByteArray();
            fails(raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(hb.length).array(), hb), 8 + 4, "UTF-8");
        }
        // Outside strings only JSON may appear: no comments, no single quotes, no NaN.
        h = "{\"a\":{\"dtype\":'F32'}}";
        fails(file(h, 0), at(h, "'F32"), "(a string), found '''");
    }

    @Test void fieldsAndNumbers() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), at(h, "\"F33"), "tensor 'a': unknown dtype 'F33'");
        h = "{\"a\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]}}";
        fails(file(h, 1), at(h, "\"F4"), "dtype F4 (packed sub-byte floats) is not supported");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}";
        fails(file(h, 4), at(h, "\"extra"), "tensor 'a': unknown field 'extra'");
        h = "{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}";
        fails(file(h, 4), at(h, "\"a\""), "tensor 'a': missing field(s) shape");
        h = "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), 8 + h.indexOf("\"dtype\"", h.indexOf("\"dtype\"") + 1), "duplicate field \"dtype\"");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}";
        fails(file(h, 4), at(h, "[0,4,8]"), "must hold two numbers [begin, end], found 3");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), at(h, "-1"), "non-negative integers, found '-'");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), at(h, ".0"), "numbers must be integers, found '.'");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1e0],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), at(h, "e0"), "numbers must be integers, found 'e'");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[01],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), at(h, "01"), "leading zeros");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), at(h, "999"), "number too large");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[\"1\"],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), at(h, "\"1\""), "expected a number, found '\"'");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), 9, "shape [4294967296, 4294967296] is too large");
    }

    @Test void metadataAndDuplicates() throws IOException {
        String h = "{" + A4 + "," + A4 + "}";
        fails(file(h, 4), 8 + 1 + A4.length() + 1, "duplicate entry 'a' (first at byte 9)");
        h = "{\"__metadata__\":{\"k\":1}}";
        fails(file(h, 0), at(h, "1}"), "the value of 'k' must be a string, found '1'");
        h = "{\"__metadata__\":{\"k\":\"v\",\"k\":\"w\"}}";
        fails(file(h, 0), at(h, "\"k\":\"w"), "duplicate key 'k'");
        h = "{\"__metadata__\":{},\"__metadata__\":{}}";
        fails(file(h, 0), at(h, "\"__metadata__\":{}}"), "duplicate entry '__metadata__'");
        h = "{\"__metadata__\":[]}";
        fails(file(h, 0), at(h, "[]"), "\"__metadata__\": expected '{', found '['");
    }

    @Test void layout() throws IOException {
        String b8 = "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}";
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}";
        fails(file(h, 4), 9, "tensor 'a': shape [2] of F32 needs 8 bytes, but data_offsets [0, 4] span 4");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        long dataStart = 8 + h.length();
        fails(file(h, 4), 9, "run past the end of the file (the data region has 4 bytes, from byte " + dataStart + ")");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}";
        fails(file(h, 8), 9, "data_offsets [8, 4] end before they begin");
        h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," + b8 + "}";
        fails(file(h, 12), at(h, "\"b\""), "tensor 'b': data_offsets [4, 12] overlap tensor 'a' [0, 8]");
        h = "{" + A4 + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        fails(file(h, 12), 8 + h.length() + 4, "bytes [4, 8) of the data region belong to no tensor (a gap before tensor 'b')");
        h = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        fails(file(h, 8), 8 + h.length(), "bytes [0, 4) of the data region belong to no tensor");
        h = "{" + A4 + "}";
        fails(file(h, 6), 8 + h.length() + 4, "2 bytes of trailing data after the last tensor");
        fails(file("{}", 1), 10, "1 bytes of trailing data");
    }

    @Test void boolBytesMustBeZeroOrOne() throws IOException {
        String h = "{\"m\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[0,3]}}";
        fails(file(h, new byte[]{1, 0, 2}), 8 + h.length() + 2, "tensor 'm': BOOL element 2 is 0x2, not 0 or 1");
    }

    @Test void validButUnusualHeadersAreRead() throws IOException {
        // Pretty-printed, escapes (a surrogate pair for U+1F642), header order differs from data
        // order, an empty tensor, and no padding: all fine. Tensors come back in header order.
        String h = "{\n  \"z\\u00fc\\ud83d\\ude42\" : {\"data_offsets\" : [4, 12], \"shape\" : [2], \"dtype\" : \"I32\"},\n"
                + "  \"a\\/b\": {\"dtype\": \"F32\", \"shape\": [0, 7], \"data_offsets\": [12, 12]},\n"
                + "  \"first\": {\"dtype\": \"U8\", \"shape\": [4], \"data_offsets\": [0, 4]},\n"
                + "  \"__metadata__\": {\"\": \"\\\"empty key\\\"\"}\n}\n\t\r ";
        byte[] data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).put(new byte[]{1, 2, (byte) 200, (byte) 255}).putInt(-5).putInt(7).array();
        SafeTensors.Contents c = SafeTensors.read(file(h, data));
        assertEquals(List.of("zü🙂", "a/b", "first"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new int[]{-5, 7}, c.tensors().get("zü🙂").toIntArray());
        assertArrayEquals(new int[]{0, 7}, c.tensors().get("a/b").shape().dims());
        assertArrayEquals(new int[]{1, 2, 200, 255}, c.tensors().get("first").toIntArray());
        assertEquals(Map.of("", "\"empty key\""), c.metadata());
    }

    @Test void unreadableDTypeFailsOnlyForThatTensor() throws IOException {
        String h = "{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]},"
                + "\"w\":{\"dtype\":\"I16\",\"shape\":[1],\"data_offsets\":[2,4]}}";
        Path file = file(h, new byte[]{1, 2, (byte) 0xfe, (byte) 0xff});
        SafeTensorsFormatException e = fails(file, 8 + h.length(), "tensor 'q' has dtype F8_E4M3, which Galvani cannot represent");
        assertTrue(e.getMessage().contains("readable: F32"), e.getMessage());
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            assertEquals(-2, f.tensor("w").toIntArray()[0]);
            assertEquals(SafeTensorsDType.F8_E4M3, f.entry("q").dtype());
        }
        // A dimension beyond a Java int with no elements is a valid file Galvani cannot hold.
        h = "{\"big\":{\"dtype\":\"F32\",\"shape\":[3000000000,0],\"data_offsets\":[0,0]}}";
        fails(file(h, 0), 8 + h.length(), "dimension 3000000000 is too large");
    }

    // ---- fuzzing --------------------------------------------------------------------------------------

    private static byte[] validFile(Path dir) throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("layer.0.weight", Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3));
        t.put("layer.0.bias", Tensor.of(new double[]{-1, 1}, 2));
        t.put("steps", Tensor.of(new long[]{7}, 1).reshape());
        t.put("mask", Tensor.of(new boolean[]{true, false, true}, 3));
        t.put("idx", Tensor.of(new int[]{3, 1, 2}, 3));
        Path p = dir.resolve("valid.safetensors");
        SafeTensors.write(p, t, Map.of("format", "pt", "note", "ü"));
        return Files.readAllBytes(p);
    }

    /**
     * Reads {@code bytes} from a file; returns the contents or null if it was rejected as it should
     * be. The file is rewritten through one open channel: creating a new file each time would make
     * the fuzzing slow.
     */
    private SafeTensors.Contents readOrReject(FileChannel channel, Path p, byte[] bytes, String what) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(bytes), 0);
        try {
            return SafeTensors.read(p);
        } catch (SafeTensorsFormatException e) {
            assertTrue(e.getMessage().startsWith(p + ": byte "), e.getMessage());
            assertTrue(e.offset() >= 0 && e.offset() <= bytes.length, what + ": offset " + e.offset());
            return null;
        } catch (Throwable e) {
            throw new AssertionError(what + ": " + e, e);
        }
    }

    private FileChannel fuzzChannel(Path p) throws IOException {
        return FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @Test void everyTruncationIsRejected() throws IOException {
        byte[] valid = validFile(dir);
        Path p = dir.resolve("fuzz.safetensors");
        try (FileChannel channel = fuzzChannel(p)) {
            for (int length = 0; length < valid.length; length++)
                if (readOrReject(channel, p, Arrays.copyOf(valid, length), "truncated to " + length) != null)
                    fail("a file truncated to " + length + " of " + valid.length + " bytes was accepted");
            for (int extra = 1; extra <= 9; extra++)
                if (readOrReject(channel, p, Arrays.copyOf(valid, valid.length + extra), extra + " bytes appended") != null)
                    fail(extra + " bytes appended were accepted");
        }
    }

    @Test void flippedHeaderBytesAreRejectedOrHarmless() throws IOException {
        byte[] valid = validFile(dir);
        List<Tensor> original = List.copyOf(SafeTensors.read(dir.resolve("valid.safetensors")).tensors().values());
        int headerEnd = 8 + (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
        SplittableRandom rnd = new SplittableRandom(2024);
        int trials = 1000, accepted = 0;
        Path p = dir.resolve("fuzz.safetensors");
        try (FileChannel channel = fuzzChannel(p)) {
            for (int i = 0; i < trials; i++) {
                byte[] bytes = valid.clone();
                StringBuilder what = new StringBuilder("flipped");
                for (int f = 1 + rnd.nextInt(3); f > 0; f--) {          // one to three bytes of the length or header
                    int at = rnd.nextInt(headerEnd), mask = 1 + rnd.nextInt(255);
                    bytes[at] ^= (byte) mask;
                    what.append(" byte ").append(at).append(" ^0x").append(Integer.toHexString(mask));
                }
                SafeTensors.Contents c = readOrReject(channel, p, bytes, what.toString());
                if (c == null) continue;
                accepted++;
                // Accepted: the flips hit a name, a metadata string, the padding or a dtype letter
                // that gives another type of the same size. The layout must still be the original.
                List<Tensor> now = List.copyOf(c.tensors().values());
                assertEquals(original.size(), now.size(), what.toString());
                for (int k = 0; k < now.size(); k++)
                    assertArrayEquals(original.get(k).shape().dims(), now.get(k).shape().dims(), what.toString());
            }
        }
        assertTrue(accepted < trials / 2, "most flips must be caught, " + accepted + " of " + trials + " were accepted");
    }
}
