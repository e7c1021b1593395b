package io.kvasir.safetensors;

import static io.kvasir.safetensors.SafetensorsBytes.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every header check, each asserting that the one-line message names the file, tensor and problem. */
class SafetensorsValidationTest {

    @TempDir
    Path dir;

    /** Writes the bytes, expects open() to fail, and checks the message names the file and each fragment. */
    private String rejected(byte[] bytes, String... fragments) {
        Path f = SafetensorsBytes.write(dir.resolve("model.safetensors"), bytes);
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f).close());
        String message = e.getMessage();
        assertTrue(message.contains(f.toString()), () -> "file not named: " + message);
        for (String fragment : fragments) {
            assertTrue(message.contains(fragment), () -> "expected '" + fragment + "' in: " + message);
        }
        assertFalse(message.contains("\n"), () -> "not one line: " + message);
        return message;
    }

    private String rejectedHeader(String header, byte[] data, String... fragments) {
        return rejected(SafetensorsBytes.file(header, data), fragments);
    }

    private static String entry(String dtype, String shape, String offsets) {
        return "{\"dtype\":" + dtype + ",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    // ---- length prefix ----

    @Test
    void fileShorterThanTheLengthPrefix() {
        rejected(new byte[5], "file is 5 bytes, too short for the 8-byte header length");
        rejected(new byte[0], "file is 0 bytes");
    }

    @Test
    void headerLengthOverTheLimit() {
        String m = rejected(SafetensorsBytes.lengthPrefix(12_345_678_901L),
                "header length 12345678901 exceeds the 100 MB limit");
        assertTrue(m.startsWith(dir.resolve("model.safetensors") + ": "), m);
        rejected(SafetensorsBytes.lengthPrefix(100_000_001L), "header length 100000001 exceeds");
    }

    @Test
    void headerLengthIsUnsigned() {
        // All bits set: as a signed long this is -1, which must not slip past the limit check.
        rejected(SafetensorsBytes.lengthPrefix(-1L), "header length 18446744073709551615 exceeds the 100 MB limit");
    }

    @Test
    void headerLengthPastEndOfFile() {
        byte[] bytes = new byte[20];
        System.arraycopy(SafetensorsBytes.lengthPrefix(100), 0, bytes, 0, 8);
        rejected(bytes, "header length 100 runs past the end of the file (20 bytes)");
    }

    // ---- JSON ----

    @Test
    void headerNotJson() {
        rejectedHeader("{nope", new byte[0], "header is not valid JSON");
        rejectedHeader("", new byte[0], "header is not a JSON object (found nothing)");
        rejectedHeader("{} {}", new byte[0], "header has more JSON after the object (line 1, column 4)");
        rejectedHeader("{} x", new byte[0], "header is not valid JSON");
        rejectedHeader("   ", new byte[0], "header is not a JSON object (found nothing)");
    }

    @Test
    void headerNotAnObject() {
        rejectedHeader("[1, 2]", new byte[0], "header is not a JSON object (found array)");
    }

    @Test
    void headerNotUtf8() {
        byte[] header = {'{', '"', (byte) 0xC3, 0x28, '"', ':', '1', '}'};
        rejected(SafetensorsBytes.file(header, new byte[0]), "header is not valid UTF-8");
    }

    @Test
    void duplicateTensorNameInHeader() {
        String e = entry("\"F32\"", "[1]", "[0,4]");
        rejectedHeader("{\"w\":" + e + ",\"w\":" + e + "}", f32(1), "header is not valid JSON", "Duplicate field 'w'");
    }

    @Test
    void metadataMustBeStrings() {
        rejectedHeader("{\"__metadata__\":[1]}", new byte[0], "__metadata__ is not a JSON object");
        rejectedHeader("{\"__metadata__\":{\"n\":3}}", new byte[0], "__metadata__ value for 'n' is not a string");
    }

    // ---- entry types ----

    @Test
    void entryNotAnObject() {
        rejectedHeader("{\"w\":[1,2]}", new byte[0], "tensor 'w' entry is not a JSON object");
    }

    @Test
    void dtypeMissingOrNotString() {
        rejectedHeader("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1), "tensor 'w' has no \"dtype\" string");
        rejectedHeader("{\"w\":" + entry("7", "[1]", "[0,4]") + "}", f32(1), "tensor 'w' has no \"dtype\" string");
    }

    @Test
    void unsupportedDtype() {
        String m = rejectedHeader("{\"ids\":" + entry("\"I64\"", "[1]", "[0,8]") + "}", new byte[8],
                "unsupported dtype I64 for tensor 'ids' in ");
        assertTrue(m.startsWith("unsupported dtype I64 for tensor 'ids' in " + dir.resolve("model.safetensors")), m);
    }

    @Test
    void shapeMustBeNonNegativeIntegers() {
        rejectedHeader("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", f32(1), "tensor 'w' has no \"shape\" array");
        rejectedHeader("{\"w\":" + entry("\"F32\"", "4", "[0,4]") + "}", f32(1), "tensor 'w' has no \"shape\" array");
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[-1]", "[0,4]") + "}", f32(1),
                "tensor 'w' \"shape\"[0] is -1, not a non-negative integer");
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[1, 1.0]", "[0,4]") + "}", f32(1),
                "tensor 'w' \"shape\"[1] is 1.0, not a non-negative integer");
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[\"1\"]", "[0,4]") + "}", f32(1),
                "tensor 'w' \"shape\"[0] is \"1\", not a non-negative integer");
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[99999999999999999999]", "[0,4]") + "}", f32(1),
                "\"shape\"[0] is 99999999999999999999, not a non-negative integer");
    }

    @Test
    void offsetsMustBeTwoNonNegativeIntegers() {
        rejectedHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1]}}", f32(1), "tensor 'w' has no \"data_offsets\" array");
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[1]", "[0]") + "}", f32(1),
                "tensor 'w' \"data_offsets\" has 1 values, expected 2");
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[1]", "[0,4,8]") + "}", f32(1, 2),
                "\"data_offsets\" has 3 values, expected 2");
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[1]", "[-4,0]") + "}", f32(1),
                "tensor 'w' \"data_offsets\"[0] is -4, not a non-negative integer");
    }

    @Test
    void offsetsEndBeforeTheyBegin() {
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[1]", "[8,4]") + "}", f32(1, 2, 3),
                "tensor 'w' data_offsets [8, 4] end before they begin");
    }

    // ---- ranges and sizes ----

    @Test
    void dataOutsideTheDataSection() {
        rejectedHeader("{\"x\":" + entry("\"F32\"", "[10]", "[10,20]") + "}", new byte[16],
                "tensor 'x' data [10, 20) is outside the data section of 16 bytes");
        // Huge offsets must not wrap around when added to the data start.
        rejectedHeader("{\"x\":" + entry("\"F32\"", "[1]", "[9223372036854775800,9223372036854775804]") + "}",
                new byte[16], "tensor 'x' data [9223372036854775800, 9223372036854775804) is outside the data section");
    }

    @Test
    void sizeMustMatchDtypeAndShape() {
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[2,2]", "[0,12]") + "}", new byte[16],
                "tensor 'w' has 12 bytes of data [0, 12) but F32 [2, 2] needs 16 bytes");
        rejectedHeader("{\"w\":" + entry("\"BF16\"", "[3]", "[0,4]") + "}", new byte[16],
                "tensor 'w' has 4 bytes of data [0, 4) but BF16 [3] needs 6 bytes");
    }

    @Test
    void shapeWhoseByteSizeOverflows() {
        // 2^62 * 4 elements overflow a long; so does 2^62 elements times 4 bytes.
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[4611686018427387904,4]", "[0,0]") + "}", new byte[0],
                "tensor 'w' shape [4611686018427387904, 4] is too large: its byte size overflows");
        rejectedHeader("{\"w\":" + entry("\"F32\"", "[4611686018427387904]", "[0,0]") + "}", new byte[0],
                "tensor 'w' shape [4611686018427387904] is too large");
    }

    @Test
    void overlappingTensors() {
        String header = "{\"a\":" + entry("\"F32\"", "[2]", "[0,8]") + ",\"b\":" + entry("\"F32\"", "[2]", "[4,12]") + "}";
        rejectedHeader(header, f32(1, 2, 3), "tensors 'a' [0, 8) and 'b' [4, 12) overlap");
        // Same range twice, listed in the other order.
        String same = "{\"b\":" + entry("\"F16\"", "[2]", "[0,4]") + ",\"a\":" + entry("\"BF16\"", "[2]", "[0,4]") + "}";
        rejectedHeader(same, f32(1), "[0, 4) overlap");
        // Nested: the big one starts first, the small one lies inside it but not at its start.
        String nested = "{\"big\":" + entry("\"F32\"", "[4]", "[0,16]") + ",\"small\":" + entry("\"F32\"", "[1]", "[8,12]")
                + ",\"after\":" + entry("\"F32\"", "[1]", "[16,20]") + "}";
        rejectedHeader(nested, f32(1, 2, 3, 4, 5), "tensors 'big' [0, 16) and 'small' [8, 12) overlap");
    }

    @Test
    void gapBetweenTensorsIsRejectedLikeTheReference() {
        // huggingface/safetensors requires each tensor to begin where the previous one ends.
        String header = "{\"a\":" + entry("\"F32\"", "[1]", "[0,4]") + ",\"b\":" + entry("\"F32\"", "[1]", "[8,12]") + "}";
        rejectedHeader(header, f32(1, 2, 3), "bytes [4, 8) of the data section belong to no tensor (a gap before tensor 'b')");
        // A gap at the very start.
        rejectedHeader("{\"a\":" + entry("\"F32\"", "[1]", "[4,8]") + "}", f32(1, 2),
                "bytes [0, 4) of the data section belong to no tensor (a gap before tensor 'a')");
    }

    @Test
    void trailingBytesAfterTheLastTensor() {
        rejectedHeader("{\"a\":" + entry("\"F32\"", "[1]", "[0,4]") + "}", f32(1, 2),
                "4 trailing bytes: the tensors cover 4 of the data section's 8 bytes");
        rejectedHeader("{}", new byte[1], "1 trailing bytes: the tensors cover 0 of the data section's 1 bytes");
    }

    @Test
    void headerLengthOneByteShortIsRejected() {
        // Writers pad the header with spaces; a length one byte short still parses as JSON but shifts
        // every tensor's data by one byte, which the reference library refuses.
        byte[] good = new SafetensorsBytes().tensor("w", "F32", SafetensorsBytes.shape(2), f32(1, 2))
                .entry("__metadata__", "{}").build();
        byte[] padded = SafetensorsBytes.file(new String(good, 8, good.length - 8 - 8, StandardCharsets.UTF_8) + "  ",
                f32(1, 2));
        java.nio.ByteBuffer.wrap(padded).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(0, java.nio.ByteBuffer.wrap(padded).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0) - 1);
        rejected(padded, "1 trailing bytes: the tensors cover 8 of the data section's 9 bytes");
    }

    @Test
    void emptyTensorOnlyAtTheCurrentPosition() {
        // Zero-byte tensors take part in the tiling rule, as in the reference library.
        String inside = "{\"w\":" + entry("\"F32\"", "[2]", "[0,8]") + ",\"e\":" + entry("\"F32\"", "[0]", "[4,4]") + "}";
        rejectedHeader(inside, f32(1, 2), "tensors 'w' [0, 8) and 'e' [4, 4) overlap");
    }

    // ---- the file itself ----

    @Test
    void missingFile() {
        Path f = dir.resolve("absent.safetensors");
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(f));
        assertEquals(f + ": no such file", e.getMessage());
    }

    @Test
    void folderInsteadOfFile() {
        var e = assertThrows(SafetensorsFormatException.class, () -> SafetensorsFile.open(dir));
        assertEquals(dir + ": is a folder, not a .safetensors file", e.getMessage());
    }

    @Test
    void lineBreaksInNamesDoNotBreakTheOneLineMessage() {
        String header = "{\"a\\nb\":" + entry("\"Q8\"", "[1]", "[0,1]") + "}";
        rejected(SafetensorsBytes.file(header.getBytes(StandardCharsets.UTF_8), new byte[1]), "unsupported dtype Q8");
    }
}
