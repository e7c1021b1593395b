package io.kvasir.bench.longbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.JsonlFile;
import io.kvasir.bench.longbench.LongBenchScorer.Example;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Scores a folder of prediction files in the official LongBench layout ({@code pred/<model>/<dataset>.jsonl},
 * one JSON object per line with pred, answers, all_classes, length), as {@code eval.py} does.
 */
public final class LongBenchPredictions {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LongBenchPredictions() {}

    /**
     * The examples of one prediction file; all_classes is taken from the last line, as eval.py does. A line without
     * pred or answers is an error naming FILE:LINE (eval.py would stop on it too).
     */
    public static List<Example> read(Path file) {
        List<JsonlFile.Line> rows = JsonlFile.read(file);
        List<String> allClasses = rows.isEmpty() ? null : strings(rows.getLast().value().get("all_classes"));
        List<Example> out = new ArrayList<>();
        for (JsonlFile.Line r : rows) {
            JsonNode length = r.value().get("length");
            out.add(new Example(r.requireText("pred"), strings(r.require("answers")), allClasses,
                    length == null || length.isNull() ? 0 : length.asDouble()));
        }
        return out;
    }

    /** eval.py's dataset name: the file name up to its first ".". */
    public static String datasetOf(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /**
     * Scores every {@code *.jsonl} file in dir. Returns {dataset: score} or, with lengthBuckets, {dataset:
     * {"0-4k", "4-8k", "8k+"}}. Files without predictions are listed under "_unscored".
     */
    public static ObjectNode score(Path dir, boolean lengthBuckets) {
        ObjectNode scores = JSON.createObjectNode();
        List<String> unscored = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) throw new IllegalArgumentException("no <dataset>.jsonl prediction files in " + dir);
        for (Path f : files) {
            String name = datasetOf(f);
            LongBenchDataset dataset = LongBenchDataset.byName(name).orElseThrow(
                    () -> new IllegalArgumentException("unknown LongBench dataset '" + name + "' (file " + f + ")"));
            List<Example> examples = read(f);
            if (examples.isEmpty()) {
                unscored.add(name + " (no predictions)");
                continue;
            }
            if (lengthBuckets) {
                ObjectNode b = scores.putObject(name);
                LongBenchScorer.scoreE(dataset, examples).forEach((k, v) -> {
                    if (v.isNaN()) b.putNull(k); else b.put(k, v);
                });
            } else {
                scores.put(name, LongBenchScorer.score(dataset, examples));
            }
        }
        if (!unscored.isEmpty()) unscored.forEach(scores.putArray("_unscored")::add);
        return scores;
    }

    static List<String> strings(JsonNode array) {
        if (array == null || array.isNull()) return null;
        List<String> out = new ArrayList<>();
        if (array.isArray()) array.forEach(n -> out.add(n.asText())); else out.add(array.asText());
        return out;
    }
}
