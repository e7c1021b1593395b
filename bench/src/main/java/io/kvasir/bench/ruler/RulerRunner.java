package io.kvasir.bench.ruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.AtomicFile;
import io.kvasir.bench.JsonlFile;
import io.kvasir.bench.RunMetadata;
import io.kvasir.bench.longbench.PromptTruncation;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.cache.KvStorage;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.SamplingSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs pre-generated RULER tasks ({@code <data>/<task>.jsonl} lines: index, input, outputs, length; docs/benchmarks.md#ruler):
 * the input as is with BOS, greedy, maxNewTokens new tokens (the reference: 64), EOS stop; appends {@code <out>/<task>.jsonl} lines
 * (prompt-free: index, pred, answers, length; resumable by index) and scores with string_match_all.
 */
public record RulerRunner(Model model, Path dataDir, Path outDir, int maxInputTokens, CompressionConfig compression,
                          KvStorage storage, ObjectNode metadata, int limitPerTask, int maxNewTokens) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The reference's answer length for every RULER task (the default of --max-new-tokens). */
    public static final int MAX_NEW_TOKENS = 64;

    /** Reads every task's data file, failing on a missing file or a malformed line (FILE:LINE) before any run. */
    public static void validate(Path dataDir, List<String> tasks) {
        for (String t : tasks) examples(dataDir, t);
    }

    /** Examples of the tasks (after the limit) not yet in their prediction files. */
    public int pending(List<String> tasks) {
        int n = 0;
        for (String task : tasks) {
            Map<String, JsonNode> done = done(task);
            List<JsonlFile.Line> rows = rows(task);
            for (int i = 0; i < rows.size(); i++) if (!done.containsKey(index(rows.get(i), i))) n++;
        }
        return n;
    }

    /**
     * Runs one task, calling exampleDone after each new prediction; returns round(100 * mean string_match_all, 2),
     * or NaN for a task with no examples.
     */
    double run(String task, Consumer<String> exampleDone) {
        List<JsonlFile.Line> rows = rows(task);
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
        for (JsonlFile.Line row : rows) {
            i++;
            String index = index(row, i - 1);
            JsonNode line = done.get(index);
            if (line == null) {
                String prompt = PromptTruncation.truncateMiddle(model.tokenizer(), row.requireText("input"), maxInputTokens);
                int[] ids = model.tokenizer().encode(prompt, true);
                GenerationResult r = generator.generate(new GenerationRequest(ids, maxNewTokens, SamplingSettings.GREEDY,
                        List.of(), compression, storage, null, null), piece -> { });
                ObjectNode o = JSON.createObjectNode();
                o.put("index", index);
                o.put("pred", model.tokenizer().decodeAsTransformers4(r.outputIds(), true)); // the reference's batch_decode
                o.set("answers", row.requireArray("outputs"));
                o.set("length", row.value().get("length"));
                o.put("prompt_tokens", ids.length);
                o.put("kv_bytes", r.cache().bytesHeld());
                o.put("kv_effective_bits", r.cache().effectiveBits());
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
        return preds.isEmpty() ? Double.NaN : StringMatchAll.task(preds, refs);
    }

    /**
     * Runs the tasks and writes {@code <out>/result.json}: {task: score} plus run metadata and totals. A task with no
     * examples scores null, with a note in {@code _meta.notes}.
     */
    public ObjectNode runAll(List<String> tasks, Consumer<String> exampleDone) {
        long start = System.nanoTime();
        validate(dataDir, tasks);
        ObjectNode result = JSON.createObjectNode();
        List<JsonNode> lines = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String t : tasks) {
            double score = run(t, exampleDone);
            if (Double.isNaN(score)) {
                result.putNull(t);
                notes.add(t + ": no examples in " + dataDir.resolve(t + ".jsonl") + ", not scored");
            } else {
                result.put(t, score);
            }
            lines.addAll(done(t).values());
        }
        ObjectNode meta = RunMetadata.withTotals(metadata, lines, (System.nanoTime() - start) / 1e9);
        meta.put("benchmark", "ruler");
        meta.put("metric", "string_match_all");
        meta.put("max_input_tokens", maxInputTokens);
        meta.put("max_new_tokens", maxNewTokens);
        meta.put("data_dir", dataDir.toAbsolutePath().normalize().toString());
        if (!notes.isEmpty()) notes.forEach(meta.putArray("notes")::add);
        result.set("_meta", meta);
        AtomicFile.writeJson(outDir.resolve("result.json"), result);
        return result;
    }

    /** The task's examples (after the limit). */
    private List<JsonlFile.Line> rows(String task) {
        List<JsonlFile.Line> rows = examples(dataDir, task);
        return limitPerTask > 0 && rows.size() > limitPerTask ? rows.subList(0, limitPerTask) : rows;
    }

    /** Every example of the task, each checked for the fields a run and its score need. */
    private static List<JsonlFile.Line> examples(Path dataDir, String task) {
        Path in = dataDir.resolve(task + ".jsonl");
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("no RULER data file " + in);
        List<JsonlFile.Line> rows = JsonlFile.read(in);
        for (JsonlFile.Line row : rows) {
            row.requireText("input");
            row.requireArray("outputs");
        }
        return rows;
    }

    private Map<String, JsonNode> done(String task) {
        Map<String, JsonNode> done = new HashMap<>();
        for (JsonNode n : JsonlFile.readResults(outDir.resolve(task + ".jsonl"))) done.put(n.get("index").asText(), n);
        return done;
    }

    /** The row's index field, else its position (0-based). */
    private static String index(JsonlFile.Line row, int position) {
        return row.value().path("index").asText(Integer.toString(position));
    }
}
