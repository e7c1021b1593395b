package io.kvasir.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader and writer of JSON-lines files (benchmark data, prediction and result files). Every error names
 * FILE:LINE. Data files are read strictly: a line that is not UTF-8 or not one JSON object stops the run, since
 * scoring the rest would report a number over partial input. Result files kvasir appends to survive a killed run:
 * only their last line may be torn, and it is dropped (and redone).
 */
public final class JsonlFile {
    private static final ObjectMapper JSON = new ObjectMapper(new FiniteJsonFactory())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonlFile() {}

    /** One JSON object of a file and where it stands (1-based line number), for error messages. */
    public record Line(Path file, int number, JsonNode value) {
        /** "FILE:LINE". */
        public String where() {
            return file + ":" + number;
        }

        /** The field, which must be present and not null. */
        public JsonNode require(String field) {
            JsonNode v = value.get(field);
            if (v == null || v.isNull()) throw new IllegalArgumentException(where() + ": no '" + field + "' field");
            return v;
        }

        /** The field, which must be a string. */
        public String requireText(String field) {
            JsonNode v = require(field);
            if (!v.isTextual()) throw new IllegalArgumentException(where() + ": '" + field + "' is not a string");
            return v.asText();
        }

        /** The field, which must be a list. */
        public JsonNode requireArray(String field) {
            JsonNode v = require(field);
            if (!v.isArray()) throw new IllegalArgumentException(where() + ": '" + field + "' is not a list");
            return v;
        }
    }

    /** Every non-blank line of a data file, each a JSON object; any other line is an error naming FILE:LINE. */
    public static List<Line> read(Path file) {
        List<String> text = Utf8File.lines(file);
        List<Line> rows = new ArrayList<>();
        for (int i = 0; i < text.size(); i++) {
            if (text.get(i).isBlank()) continue;
            Line line = parse(file, i + 1, text.get(i));
            if (line == null) throw new IllegalArgumentException(file + ":" + (i + 1) + ": not valid JSON");
            rows.add(line);
        }
        return rows;
    }

    /**
     * The lines of a result file kvasir appends to (none if absent). A torn last line (an interrupted write) is
     * dropped and the file rewritten without it; a broken line before it means the file is not one kvasir wrote,
     * which is an error naming FILE:LINE.
     */
    public static List<JsonNode> readResults(Path file) {
        List<JsonNode> rows = new ArrayList<>();
        if (!Files.exists(file)) return rows;
        byte[] bytes = Utf8File.bytes(file);
        List<String> text = Utf8File.lines(file, bytes);
        List<String> keep = new ArrayList<>();
        int last = text.size();
        while (last > 0 && text.get(last - 1).isBlank()) last--;
        for (int i = 0; i < last; i++) {
            if (text.get(i).isBlank()) continue;
            Line line = parse(file, i + 1, text.get(i));
            if (line == null && i == last - 1) break; // the torn tail of a killed run: redone
            if (line == null) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": not valid JSON (only a last line cut by an"
                        + " interrupted run is repaired)");
            }
            rows.add(line.value());
            keep.add(text.get(i));
        }
        // Rewritten when a line was dropped, or when the last one lacks its newline (the next append would join it).
        if (keep.size() != text.stream().filter(l -> !l.isBlank()).count()
                || (bytes.length > 0 && bytes[bytes.length - 1] != '\n')) {
            StringBuilder sb = new StringBuilder();
            keep.forEach(l -> sb.append(l).append('\n'));
            AtomicFile.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
        }
        return rows;
    }

    public static void append(Path file, JsonNode line) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(JSON.writeValueAsString(line));
            w.write('\n');
        } catch (IOException e) {
            throw AtomicFile.writeFailure(file, e);
        }
    }

    /** The line as a JSON object, or null when it is not valid JSON; a valid non-object is an error. */
    private static Line parse(Path file, int number, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
        if (!node.isObject()) throw new IllegalArgumentException(file + ":" + number + ": not a JSON object");
        return new Line(file, number, node);
    }
}
