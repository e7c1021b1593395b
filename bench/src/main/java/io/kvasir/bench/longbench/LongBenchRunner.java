package io.kvasir.bench.longbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.KvPrecision;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.SamplingSettings;
import io.kvasir.model.tokenizer.ChatMessage;
import io.kvasir.model.tokenizer.ChatTemplate;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Runs LongBench v1 datasets on a model (spec 5.2-5.4): template, middle truncation, optional chat
 * template, greedy generation with the dataset's max new tokens; appends one JSON line per example to
 * {@code <out>/<dataset>.jsonl} (the official pred layout) and skips examples already there (resumable).
 *
 * @param profile "paper" (QPruningKV: no chat template, EOS stop only) or "official" (LongBench /
 *                KVCache-Factory: chat template except few-shot and code tasks, samsum stops on "\n")
 */
public record LongBenchRunner(Model model, Path dataDir, Path outDir, int maxInputTokens, String profile,
                              CompressionConfig compression, ObjectNode metadata, int limitPerDataset) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public LongBenchRunner {
        if (!profile.equals("paper") && !profile.equals("official")) {
            throw new IllegalArgumentException("--profile must be paper or official, got " + profile);
        }
        if (maxInputTokens < 2) throw new IllegalArgumentException("--max-input-tokens must be at least 2");
    }

    /** Runs one dataset (name as the data file: {@code <name>.jsonl}, {@code _e} names for LongBench-E). */
    public void run(String name, PrintWriter progress) {
        LongBenchDataset dataset = LongBenchDataset.byName(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown LongBench dataset '" + name + "'"));
        Path in = dataDir.resolve(name + ".jsonl");
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("no data file " + in);
        List<JsonNode> rows = readJsonl(in);
        if (limitPerDataset > 0 && rows.size() > limitPerDataset) rows = rows.subList(0, limitPerDataset);
        Path out = outDir.resolve(name + ".jsonl");
        Set<String> done = doneIds(out);
        writeMetadata();
        Generator generator = new Generator(model);
        int index = 0;
        for (JsonNode row : rows) {
            index++;
            String id = row.path("_id").asText("");
            if (done.contains(id)) continue;
            long t0 = System.nanoTime();
            ObjectNode line = predict(dataset, name, row, generator);
            append(out, line);
            progress.printf("%s %d/%d  %d prompt tokens  %.1f s%n", name, index, rows.size(),
                    line.get("prompt_tokens").asInt(), (System.nanoTime() - t0) / 1e9);
        }
    }

    ObjectNode predict(LongBenchDataset dataset, String name, JsonNode row, Generator generator) {
        String prompt = dataset.prompt(row.path("context").asText(""), row.path("input").asText(""));
        prompt = PromptTruncation.truncateMiddle(model.tokenizer(), prompt, maxInputTokens);
        int[] ids;
        Optional<ChatTemplate> chat = model.chatTemplate();
        boolean useChat = profile.equals("official") && dataset.chatTemplateAllowed() && chat.isPresent();
        if (useChat) {
            String rendered = chat.get().render(List.of(new ChatMessage("user", prompt)), true);
            ids = model.tokenizer().encode(rendered, false);
        } else {
            ids = model.tokenizer().encode(prompt, true);
        }
        List<String> stops = profile.equals("official") && dataset.stopsOnNewline() ? List.of("\n") : List.of();
        GenerationRequest req = new GenerationRequest(ids, dataset.maxNewTokens(), SamplingSettings.GREEDY, stops,
                compression, KvPrecision.F32, dataset.name(), null).withMinNewTokens(1); // min_length = prompt + 1 (spec 5.4)
        GenerationResult result = generator.generate(req, piece -> { });
        ObjectNode line = JSON.createObjectNode();
        line.put("pred", result.text());
        line.set("answers", row.get("answers"));
        line.set("all_classes", row.get("all_classes"));
        line.set("length", row.get("length"));
        line.put("_id", row.path("_id").asText(""));
        line.put("dataset", name);
        line.set("language", row.get("language"));
        line.put("prompt_tokens", ids.length);
        line.put("chat_template", useChat);
        line.put("stop_reason", result.stopReason());
        line.put("kv_bytes", result.cache().bytesHeld());
        line.put("prefill_ms", result.timings().prefillMs());
        line.put("decode_ms", result.timings().decodeMs());
        return line;
    }

    private void writeMetadata() {
        try {
            Files.createDirectories(outDir);
            ObjectNode m = metadata.deepCopy();
            m.put("benchmark", "longbench");
            m.put("profile", profile);
            m.put("max_input_tokens", maxInputTokens);
            m.put("data_dir", dataDir.toAbsolutePath().normalize().toString());
            Files.writeString(outDir.resolve("run.json"),
                    JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + outDir + ": " + e.getMessage(), e);
        }
    }

    private static void append(Path out, ObjectNode line) {
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(JSON.writeValueAsString(line));
            w.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    /** _ids of complete lines already written; a torn last line (killed run) is dropped and redone. */
    static Set<String> doneIds(Path out) {
        Set<String> done = new HashSet<>();
        if (!Files.exists(out)) return done;
        List<String> keep = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
                if (line.isBlank()) continue;
                try {
                    done.add(JSON.readTree(line).path("_id").asText(""));
                    keep.add(line);
                } catch (IOException torn) {
                    // an interrupted write: rewrite the file without it
                }
            }
            Files.write(out, keep, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + out + ": " + e.getMessage(), e);
        }
        return done;
    }

    static List<JsonNode> readJsonl(Path file) {
        List<JsonNode> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) rows.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return rows;
    }
}
