package io.kvasir.bench.ruler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.JsonlFile;
import io.kvasir.bench.longbench.PromptTruncation;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.KvPrecision;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.SamplingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs pre-generated RULER tasks ({@code <data>/<task>.jsonl} lines: index, input, outputs, length; spec 6):
 * the input as is with BOS, greedy, 64 new tokens, EOS stop; appends {@code <out>/<task>.jsonl} lines
 * (prompt-free: index, pred, answers, length; resumable by index) and scores with string_match_all.
 */
public record RulerRunner(Model model, Path dataDir, Path outDir, int maxInputTokens, CompressionConfig compression,
                          ObjectNode metadata, int limitPerTask) {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int MAX_NEW_TOKENS = 64;

    /** Runs one task and returns its score (round(100 * mean string_match_all, 2)). */
    public double run(String task, PrintWriter progress) {
        Path in = dataDir.resolve(task + ".jsonl");
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("no RULER data file " + in);
        List<JsonNode> rows = readJsonl(in);
        if (limitPerTask > 0 && rows.size() > limitPerTask) rows = rows.subList(0, limitPerTask);
        Path out = outDir.resolve(task + ".jsonl");
        Map<String, JsonNode> done = new HashMap<>();
        try {
            Files.createDirectories(outDir);
            for (JsonNode n : JsonlFile.readValid(out)) done.put(n.get("index").asText(), n);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + outDir + ": " + e.getMessage(), e);
        }
        Generator generator = new Generator(model);
        List<String> preds = new ArrayList<>();
        List<List<String>> refs = new ArrayList<>();
        int i = 0;
        for (JsonNode row : rows) {
            i++;
            String index = row.path("index").asText(Integer.toString(i - 1));
            JsonNode line = done.get(index);
            if (line == null) {
                String prompt = PromptTruncation.truncateMiddle(model.tokenizer(), row.get("input").asText(), maxInputTokens);
                int[] ids = model.tokenizer().encode(prompt, true);
                GenerationResult r = generator.generate(new GenerationRequest(ids, MAX_NEW_TOKENS, SamplingSettings.GREEDY,
                        List.of(), compression, KvPrecision.F32, null, null), piece -> { });
                ObjectNode o = JSON.createObjectNode();
                o.put("index", index);
                o.put("pred", r.text());
                o.set("answers", row.get("outputs"));
                o.set("length", row.get("length"));
                o.put("prompt_tokens", ids.length);
                o.put("kv_bytes", r.cache().bytesHeld());
                o.put("prefill_ms", r.timings().prefillMs());
                o.put("decode_ms", r.timings().decodeMs());
                JsonlFile.append(out, o);
                line = o;
                progress.printf("ruler %s %d/%d%n", task, i, rows.size());
            }
            preds.add(line.get("pred").asText());
            List<String> a = new ArrayList<>();
            line.get("answers").forEach(n -> a.add(n.asText()));
            refs.add(a);
        }
        return StringMatchAll.task(preds, refs);
    }

    /** Runs the tasks and writes {@code <out>/result.json}: {task: score} plus run metadata. */
    public ObjectNode runAll(List<String> tasks, PrintWriter progress) {
        ObjectNode result = JSON.createObjectNode();
        for (String t : tasks) result.put(t, run(t, progress));
        ObjectNode meta = metadata.deepCopy();
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
