package io.kvasir.bench.needle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.AtomicFile;
import io.kvasir.bench.JsonlFile;
import io.kvasir.bench.NewlineToken;
import io.kvasir.bench.RunMetadata;
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
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Needle-in-a-haystack (docs/benchmarks.md#needle-in-a-haystack): one greedy generation per (context length, depth) cell, appended to
 * {@code cells.jsonl} (cells already there are skipped: resumable), then {@code summary.json} and
 * {@code heatmap.png} (its title: the run and the overall score).
 */
public record NeedleRunner(Model model, NeedleGrid grid, Path haystackDir, Path outDir, NeedleTask task,
                           CompressionConfig compression, KvStorage storage, ObjectNode metadata, int maxNewTokens) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssZ");
    /** The files a run writes into its folder. */
    public static final List<String> OUTPUTS = List.of("cells.jsonl", "summary.json", "heatmap.png");
    /** Tokens kept free of haystack for the template and answer (docs/benchmarks.md#haystack-and-needle, step 2). */
    static final int RESERVE = 200;

    /** Cells of the grid not yet in cells.jsonl. */
    public int pending() {
        Map<String, JsonNode> done = readDone(outDir.resolve("cells.jsonl"));
        int n = 0;
        for (int length : grid.lengths()) for (int depth : grid.depths()) if (!done.containsKey(key(length, depth))) n++;
        return n;
    }

    /** Runs the missing cells, calling cellDone after each, then writes summary.json and heatmap.png. */
    public ObjectNode run(Consumer<String> cellDone) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + outDir + ": " + e.getMessage(), e);
        }
        Path cellsFile = outDir.resolve("cells.jsonl");
        Map<String, JsonNode> done = readDone(cellsFile); // of this needle: the run fingerprint was checked
        Haystack haystack = Haystack.load(model.tokenizer(), haystackDir, grid.maxLength(), periodTokens());
        int newline = NewlineToken.id(model.tokenizer());
        Generator generator = new Generator(model);
        for (int length : grid.lengths()) {
            for (int depth : grid.depths()) {
                if (done.containsKey(key(length, depth))) continue;
                long t0 = System.nanoTime();
                String context = haystack.context(length, depth, task.needle(), RESERVE);
                int[] ids = model.tokenizer().encode(task.prompt(context), true);
                GenerationRequest req = new GenerationRequest(ids, maxNewTokens, SamplingSettings.GREEDY, List.of(),
                        compression, storage, null, null).withExtraEosIds(newline);
                GenerationResult result = generator.generate(req, piece -> { });
                // the reference's enc.decode(output_ids, skip_special_tokens=True).strip()
                String response = model.tokenizer().decodeAsTransformers4(result.outputIds(), true).strip();
                ObjectNode cell = JSON.createObjectNode();
                cell.put("context_length", length);
                cell.put("depth_percent", (double) depth);
                cell.put("version", 1);
                cell.put("needle", task.needle());
                cell.put("model_response", response);
                cell.put("score", task.score(response));
                cell.put("score_heatmap", task.recall(response));
                cell.put("prompt_tokens", ids.length);
                cell.put("kv_bytes", result.cache().bytesHeld());
                cell.put("kv_effective_bits", result.cache().effectiveBits());
                cell.put("prefill_ms", result.timings().prefillMs());
                cell.put("decode_ms", result.timings().decodeMs());
                cell.put("test_duration_seconds", (System.nanoTime() - t0) / 1e9);
                cell.put("test_timestamp_utc", ZonedDateTime.now(ZoneOffset.UTC).format(STAMP));
                JsonlFile.append(cellsFile, cell);
                done.put(key(length, depth), cell);
                cellDone.accept(String.format(Locale.ROOT, "length %d tokens, depth %d%%, recall %.2f", length, depth,
                        cell.get("score_heatmap").asDouble()));
            }
        }
        return summarize(done, (System.nanoTime() - start) / 1e9);
    }

    private ObjectNode summarize(Map<String, JsonNode> done, double sessionSeconds) {
        double[][] table = new double[grid.depths().size()][grid.lengths().size()];
        double sum = 0;
        int n = 0;
        for (int r = 0; r < grid.depths().size(); r++) {
            for (int c = 0; c < grid.lengths().size(); c++) {
                JsonNode cell = done.get(key(grid.lengths().get(c), grid.depths().get(r)));
                table[r][c] = cell == null ? Double.NaN : cell.get("score_heatmap").asDouble();
                if (cell != null) {
                    sum += table[r][c];
                    n++;
                }
            }
        }
        ObjectNode s = RunMetadata.withTotals(metadata, done.values(), sessionSeconds);
        s.put("benchmark", "needle");
        s.put("needle", task.needle());
        s.put("question", task.question());
        s.put("template", task.template());
        task.answerWords().stream().sorted().forEach(s.putArray("answer_words")::add);
        s.put("haystack", haystackDir == null ? "built-in" : haystackDir.toAbsolutePath().normalize().toString());
        s.put("max_new_tokens", maxNewTokens);
        s.put("period_tokens", periodTokens().toString());
        s.put("stop_token_newline", NewlineToken.id(model.tokenizer()));
        if (n == 0) s.putNull("overall_score"); else s.put("overall_score", sum / n);
        s.put("cells", n);
        String title = String.format(Locale.ROOT, "%s: overall score %.3f (mean over %d cells)",
                metadata.path("run_name").asText(metadata.path("method").asText()), n == 0 ? Double.NaN : sum / n, n);
        s.put("heatmap_title", title);
        grid.lengths().forEach(s.putArray("context_lengths")::add);
        grid.depths().forEach(s.putArray("depth_percents")::add);
        var rows = s.putArray("scores_by_depth");
        for (double[] row : table) {
            var a = rows.addArray();
            for (double v : row) if (Double.isNaN(v)) a.addNull(); else a.add(v);
        }
        AtomicFile.writeJson(outDir.resolve("summary.json"), s);
        HeatmapImage.write(table, grid.lengths(), grid.depths(), title, outDir.resolve("heatmap.png"));
        return s;
    }

    private PeriodTokens periodTokens() {
        return PeriodTokens.forModel(model.config().architecture(), model.tokenizer());
    }

    private static String key(int length, int depth) {
        return length + "/" + depth;
    }

    /** The cells already in the file (torn lines dropped by JsonlFile), by length/depth key. */
    private static Map<String, JsonNode> readDone(Path file) {
        Map<String, JsonNode> done = new HashMap<>();
        for (JsonNode n : JsonlFile.readResults(file)) {
            if (n.has("context_length") && n.has("depth_percent")) {
                done.put(key(n.get("context_length").asInt(), (int) n.get("depth_percent").asDouble()), n);
            }
        }
        return done;
    }
}
