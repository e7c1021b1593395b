package io.kvasir.safetensors;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds safetensors files byte by byte for tests, independently of the reader: the header JSON is
 * assembled as text and the data bytes are given explicitly, so malformed files are as easy to make
 * as valid ones.
 */
final class SafetensorsBytes {

    private final List<String> entries = new ArrayList<>();
    private final ByteArrayOutputStream data = new ByteArrayOutputStream();

    /** Adds a tensor whose data is appended to the data section; offsets are computed. */
    SafetensorsBytes tensor(String name, String dtype, long[] shape, byte[] bytes) {
        int begin = data.size();
        data.writeBytes(bytes);
        return entry(name, "{\"dtype\":\"" + dtype + "\",\"shape\":" + json(shape)
                + ",\"data_offsets\":[" + begin + "," + data.size() + "]}");
    }

    /** Adds a header entry verbatim (any JSON value), for malformed headers. */
    SafetensorsBytes entry(String name, String valueJson) {
        entries.add("\"" + name + "\":" + valueJson);
        return this;
    }

    /** Appends bytes to the data section without a header entry. */
    SafetensorsBytes data(byte[] bytes) {
        data.writeBytes(bytes);
        return this;
    }

    /** @return the header JSON text */
    String header() {
        return "{" + String.join(",", entries) + "}";
    }

    /** @return the whole file: length prefix, header, data */
    byte[] build() {
        return file(header().getBytes(StandardCharsets.UTF_8), data.toByteArray());
    }

    Path write(Path file) {
        return SafetensorsBytes.write(file, build());
    }

    // ---- static helpers ----

    static byte[] file(byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(header.length).put(header).put(data).array();
    }

    static byte[] file(String header, byte[] data) {
        return file(header.getBytes(StandardCharsets.UTF_8), data);
    }

    /** An 8-byte length prefix only, claiming the given (unsigned) header length. */
    static byte[] lengthPrefix(long headerLength) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array();
    }

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[] shape(long... dims) {
        return dims;
    }

    static String json(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
    }

    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** Raw 16-bit patterns (F16 or BF16), little-endian. */
    static byte[] u16(int... bits) {
        ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putShort((short) v);
        }
        return b.array();
    }

    static byte[] zeros(int n) {
        return new byte[n];
    }
}
