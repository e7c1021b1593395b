package io.kvasir.bench.longbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.JsonlFile;
import io.kvasir.bench.NewlineToken;
import io.kvasir.bench.RunMetadata;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.KvStorage;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.SamplingSettings;
import io.kvasir.model.tokenizer.ChatMessage;
import io.kvasir.model.tokenizer.ChatTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs LongBench v1 datasets on a model (spec 5.2-5.4): template, middle truncation, optional chat
 * template, greedy generation with the dataset's max new tokens; appends one JSON line per example to
 * {@code <out>/<dataset>.jsonl} (the official pred layout) and skips examples already there (resumable);
 * {@code <out>/run.json} holds the run metadata, with the totals over all prediction lines once the run ends.
 *
 * @param profile "paper" (QPruningKV: no chat template, EOS stop only) or "official" (LongBench /
 *                KVCache-Factory: chat template except few-shot and code tasks, samsum stops on "\n")
 */
public record LongBenchRunner(Model model, Path dataDir, Path outDir, int maxInputTokens, String profile,
                              CompressionConfig compression, KvStorage storage, ObjectNode metadata,
                              int limitPerDataset) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public LongBenchRunner {
        ReferenceProfile.of(profile); // an unknown name fails here
        if (maxInputTokens < 2) throw new IllegalArgumentException("--max-input-tokens must be at least 2");
    }

    /** Examples of the datasets (after the limit) not yet in their prediction files. */
    public int pending(List<String> names) {
        int n = 0;
        for (String name : names) {
            Set<String> done = doneIds(outDir.resolve(name + ".jsonl"));
            for (JsonNode row : rows(name)) if (!done.contains(row.path("_id").asText(""))) n++;
        }
        return n;
    }

    /** Runs the datasets, calling exampleDone after each new prediction; then writes run.json with the totals. */
    public void runAll(List<String> names, Consumer<String> exampleDone) {
        long start = System.nanoTime();
        for (String name : names) dataset(name); // unknown names fail before any generation
        writeMetadata(metadata);
        for (String name : names) run(name, exampleDone);
        List<JsonNode> lines = new ArrayList<>();
        for (String name : names) lines.addAll(JsonlFile.readValid(outDir.resolve(name + ".jsonl")));
        writeMetadata(RunMetadata.withTotals(metadata, lines, (System.nanoTime() - start) / 1e9));
    }

    /** Runs one dataset (name as the data file: {@code <name>.jsonl}, {@code _e} names for LongBench-E). */
    private void run(String name, Consumer<String> exampleDone) {
        LongBenchDataset dataset = dataset(name);
        List<JsonNode> rows = rows(name);
        Path out = outDir.resolve(name + ".jsonl");
        Set<String> done = doneIds(out);
        Generator generator = new Generator(model);
        int index = 0;
        for (JsonNode row : rows) {
            index++;
            String id = row.path("_id").asText("");
            if (done.contains(id)) continue;
            ObjectNode line = predict(dataset, name, row, generator);
            JsonlFile.append(out, line);
            exampleDone.accept(String.format(Locale.ROOT, "%s %d/%d, %d prompt tokens", name, index, rows.size(),
                    line.get("prompt_tokens").asInt()));
        }
    }

    private static LongBenchDataset dataset(String name) {
        return LongBenchDataset.byName(name)
                .orElseThrow(() -> new IllegalArgumentException("unknown LongBench dataset '" + name + "'"));
    }

    private List<JsonNode> rows(String name) {
        Path in = dataDir.resolve(name + ".jsonl");
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("no data file " + in);
        List<JsonNode> rows = readJsonl(in);
        return limitPerDataset > 0 && rows.size() > limitPerDataset ? rows.subList(0, limitPerDataset) : rows;
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
        int[] stops = profile.equals("official") && dataset.stopsOnNewline()
                ? new int[] {NewlineToken.id(model.tokenizer())} : new int[0];
        GenerationRequest req = new GenerationRequest(ids, dataset.maxNewTokens(), SamplingSettings.GREEDY, List.of(),
                compression, storage, dataset.name(), null).withMinNewTokens(1) // min_length = prompt + 1 (spec 5.4)
                .withExtraEosIds(stops);
        GenerationResult result = generator.generate(req, piece -> { });
        ObjectNode line = JSON.createObjectNode();
        // the reference's batch_decode(output[context_length:], skip_special_tokens=True)
        line.put("pred", model.tokenizer().decodeAsTransformers4(result.outputIds(), true));
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

    private void writeMetadata(ObjectNode base) {
        try {
            Files.createDirectories(outDir);
            ObjectNode m = base.deepCopy();
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

    /** _ids of complete lines already written; a torn last line (killed run) is dropped and redone. */
    static Set<String> doneIds(Path out) {
        Set<String> done = new HashSet<>();
        for (JsonNode n : JsonlFile.readValid(out)) done.add(n.path("_id").asText(""));
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
