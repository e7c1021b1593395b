package io.kvasir.bench.ruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.JsonlFile;
import io.kvasir.bench.RunMetadata;
import io.kvasir.bench.longbench.PromptTruncation;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.KvStorage;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.SamplingSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs pre-generated RULER tasks ({@code <data>/<task>.jsonl} lines: index, input, outputs, length; spec 6):
 * the input as is with BOS, greedy, 64 new tokens, EOS stop; appends {@code <out>/<task>.jsonl} lines
 * (prompt-free: index, pred, answers, length; resumable by index) and scores with string_match_all.
 */
public record RulerRunner(Model model, Path dataDir, Path outDir, int maxInputTokens, CompressionConfig compression,
                          KvStorage storage, ObjectNode metadata, int limitPerTask) {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int MAX_NEW_TOKENS = 64;

    /** Examples of the tasks (after the limit) not yet in their prediction files. */
    public int pending(List<String> tasks) {
        int n = 0;
        for (String task : tasks) {
            Map<String, JsonNode> done = done(task);
            List<JsonNode> rows = rows(task);
            for (int i = 0; i < rows.size(); i++) if (!done.containsKey(index(rows.get(i), i))) n++;
        }
        return n;
    }

    /** Runs one task, calling exampleDone after each new prediction; returns round(100 * mean string_match_all, 2). */
    double run(String task, Consumer<String> exampleDone) {
        List<JsonNode> rows = rows(task);
        Path out = outDir.resolve(task + ".jsonl");
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + outDir + ": " + e.getMessage(), e);
        }
        Map<String, JsonNode> done = done(task);
        Generator generator = new Generator(model);
        List<String> preds = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        int i = 0;
        for (JsonNode row : rows) {
            i++;
            String index = index(row, i - 1);
            JsonNode line = done.get(index);
            if (line == null) {
                String prompt = PromptTruncation.truncateMiddle(model.tokenizer(), row.get("input").asText(), maxInputTokens);
                int[] ids = model.tokenizer().encode(prompt, true);
                GenerationResult r = generator.generate(new GenerationRequest(ids, MAX_NEW_TOKENS, SamplingSettings.GREEDY,
                        List.of(), compression, storage, null, null), piece -> { });
                ObjectNode o = JSON.createObjectNode();
                o.put("index", index);
                o.put("pred", model.tokenizer().decodeAsTransformers4(r.outputIds(), true)); // the reference's batch_decode
                o.set("answers", row.get("outputs"));
                o.set("length", row.get("length"));
                o.put("prompt_tokens", ids.length);
                o.put("kv_bytes", r.cache().bytesHeld());
                o.put("prefill_ms", r.timings().prefillMs());
                o.put("decode_ms", r.timings().decodeMs());
                JsonlFile.append(out, o);
                line = o;
                exampleDone.accept(task + " " + i + "/" + rows.size());
            }
            preds.add(line.get("pred").asText());
            List<String> a = new ArrayList<>();
            line.get("answers").forEach(n -> a.add(n.asText()));
            refs.add(a);
        }
        return StringMatchAll.task(preds, refs);
    }

    /** Runs the tasks and writes {@code <out>/result.json}: {task: score} plus run metadata and totals. */
    public ObjectNode runAll(List<String> tasks, Consumer<String> exampleDone) {
        long start = System.nanoTime();
        for (String t : tasks) rows(t); // a missing data file fails before any generation
        ObjectNode result = JSON.createObjectNode();
        List<JsonNode> lines = new ArrayList<>();
        for (String t : tasks) {
            result.put(t, run(t, exampleDone));
            lines.addAll(done(t).values());
        }
        ObjectNode meta = RunMetadata.withTotals(metadata, lines, (System.nanoTime() - start) / 1e9);
        meta.put("benchmark", "ruler");
        meta.put("metric", "string_match_all");
        meta.put("max_input_tokens", maxInputTokens);
        meta.put("data_dir", dataDir.toAbsolutePath().normalize().toString());
        result.set("_meta", meta);
        try {
            Files.writeString(outDir.resolve("result.json"),
                    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + outDir + ": " + e.getMessage(), e);
        }
        return result;
    }

    private List<JsonNode> rows(String task) {
        Path in = dataDir.resolve(task + ".jsonl");
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("no RULER data file " + in);
        List<JsonNode> rows = readJsonl(in);
        return limitPerTask > 0 && rows.size() > limitPerTask ? rows.subList(0, limitPerTask) : rows;
    }

    private Map<String, JsonNode> done(String task) {
        Map<String, JsonNode> done = new HashMap<>();
        for (JsonNode n : JsonlFile.readValid(outDir.resolve(task + ".jsonl"))) done.put(n.get("index").asText(), n);
        return done;
    }

    /** The row's index field, else its position (0-based). */
    private static String index(JsonNode row, int position) {
        return row.path("index").asText(Integer.toString(position));
    }

    private static List<JsonNode> readJsonl(Path file) {
        List<JsonNode> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    rows.add(JSON.readTree(line));
                } catch (IOException torn) {
                    // an interrupted write at the end of an output file: the example is redone
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }
}
