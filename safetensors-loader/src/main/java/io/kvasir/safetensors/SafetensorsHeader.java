package io.kvasir.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated JSON header of one safetensors file. Everything a reader would later trust (types,
 * offsets inside the data section, sizes matching dtype and shape, tensors that tile the data
 * section exactly) is checked here, so the mapping code can slice without further checks.
 *
 * @param metadata the optional {@code __metadata__} strings
 * @param entries  the tensors, ordered by where their data begins
 */
record SafetensorsHeader(Map<String, String> metadata, List<Entry> entries) {

    /** The key that holds free-form metadata instead of a tensor. */
    static final String METADATA_KEY = "__metadata__";

    /** One tensor's header entry; offsets are relative to the start of the data section. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        long byteSize() {
            return end - begin;
        }
    }

    /**
     * @param json     the header bytes (after the 8-byte length)
     * @param dataSize bytes in the data section, i.e. the file size minus 8 minus the header length
     * @param file     the file, for error messages
     * @throws SafetensorsFormatException on the first problem found
     */
    static SafetensorsHeader parse(byte[] json, long dataSize, Path file) {
        JsonNode root = StrictJson.parseObject(json, file, "header");
        Map<String, String> metadata = Map.of();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(field.getValue(), file);
            } else {
                entries.add(parseEntry(field.getKey(), field.getValue(), dataSize, file));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        checkExactCoverage(entries, dataSize, file);
        return new SafetensorsHeader(metadata, Collections.unmodifiableList(entries));
    }

    private static Map<String, String> parseMetadata(JsonNode node, Path file) {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(file + ": " + METADATA_KEY + " is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafetensorsFormatException(file + ": " + METADATA_KEY + " value for '" + e.getKey()
                        + "' is not a string");
            }
            metadata.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static Entry parseEntry(String name, JsonNode node, long dataSize, Path file) {
        String where = file + ": tensor '" + name + "'";
        if (!node.isObject()) {
            throw new SafetensorsFormatException(where + " entry is not a JSON object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw new SafetensorsFormatException(where + " has no \"dtype\" string");
        }
        long[] shape = nonNegativeLongs(node.get("shape"), "shape", -1, where);
        long[] offsets = nonNegativeLongs(node.get("data_offsets"), "data_offsets", 2, where);
        long begin = offsets[0];
        long end = offsets[1];
        if (begin > end) {
            throw new SafetensorsFormatException(where + " data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataSize) {
            throw new SafetensorsFormatException(where + " data [" + begin + ", " + end
                    + ") is outside the data section of " + dataSize + " bytes");
        }
        DType dtype = DType.parse(dtypeNode.textValue(), name, file);
        long expected;
        try {
            expected = Math.multiplyExact(Shapes.elementCount(shape), dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(where + " shape " + Arrays.toString(shape) + " is too large: its byte size overflows");
        }
        if (end - begin != expected) {
            throw new SafetensorsFormatException(where + " has " + (end - begin) + " bytes of data [" + begin + ", " + end
                    + ") but " + dtype + " " + Arrays.toString(shape) + " needs " + expected + " bytes");
        }
        return new Entry(name, dtype, shape, begin, end);
    }

    /** Reads a JSON array of non-negative integers that fit in a long; length -1 means any length. */
    private static long[] nonNegativeLongs(JsonNode node, String key, int length, String where) {
        if (node == null || !node.isArray()) {
            throw new SafetensorsFormatException(where + " has no \"" + key + "\" array");
        }
        if (length >= 0 && node.size() != length) {
            throw new SafetensorsFormatException(where + " \"" + key + "\" has " + node.size() + " values, expected " + length);
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafetensorsFormatException(where + " \"" + key + "\"[" + i + "] is " + shortForm(v)
                        + ", not a non-negative integer");
            }
            values[i] = v.longValue();
        }
        return values;
    }

    /** Keeps messages one short line even when a header puts a large object where a number belongs. */
    private static String shortForm(JsonNode v) {
        String text = v.isValueNode() ? v.toString() : "a JSON " + v.getNodeType().toString().toLowerCase();
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /**
     * The tensors, sorted by (begin, end), must tile the data section: each begins where the previous
     * one ended and the last ends at the end of the file. This is the reference library's rule
     * ({@code Metadata::validate} and the {@code MetadataIncompleteBuffer} check in huggingface/safetensors):
     * a gap, an overlap or trailing bytes mean the header does not describe the file, most often
     * because the header length is off, which would shift every tensor's bytes. Empty tensors take
     * part too, so one may only sit at the current position.
     */
    private static void checkExactCoverage(List<Entry> sorted, long dataSize, Path file) {
        long position = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < position) {
                throw new SafetensorsFormatException(file + ": tensors '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + ") and '" + e.name() + "' [" + e.begin() + ", " + e.end() + ") overlap");
            }
            if (e.begin() > position) {
                throw new SafetensorsFormatException(file + ": bytes [" + position + ", " + e.begin()
                        + ") of the data section belong to no tensor (a gap before tensor '" + e.name() + "')");
            }
            position = e.end();
            previous = e;
        }
        if (position != dataSize) {
            throw new SafetensorsFormatException(file + ": " + (dataSize - position) + " trailing bytes: the tensors cover "
                    + position + " of the data section's " + dataSize + " bytes (is the header length right?)");
        }
    }
}
