package io.kvasir.bench.longbench;

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
import io.kvasir.tokenizer.ChatMessage;
import io.kvasir.tokenizer.ChatTemplate;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * Runs LongBench v1 datasets on a model (docs/benchmarks.md#longbench): template, middle truncation, optional chat
 * template, greedy generation with the dataset's max new tokens; appends one JSON line per example to
 * {@code <out>/<dataset>.jsonl} (the official pred layout) and skips examples already there (resumable);
 * {@code <out>/run.json} holds the run metadata, with the totals over all prediction lines once the run ends.
 *
 * @param profile "paper" (QPruningKV: no chat template, EOS stop only) or "official" (LongBench /
 *                KVCache-Factory: chat template except few-shot and code tasks, samsum stops on "\n")
 * @param maxNewTokens  the answer length of every dataset, or null for each dataset's reference value
 */
public record LongBenchRunner(Model model, Path dataDir, Path outDir, int maxInputTokens, String profile,
                              CompressionConfig compression, KvStorage storage, ObjectNode metadata,
                              int limitPerDataset, Integer maxNewTokens) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public LongBenchRunner {
        ReferenceProfile.of(profile); // an unknown name fails here
        if (maxInputTokens < 2) throw new IllegalArgumentException("--max-input-tokens must be at least 2");
        if (maxNewTokens != null && maxNewTokens < 1) throw new IllegalArgumentException("--max-new-tokens must be at least 1");
    }

    /** Reads every dataset's data file, failing on an unknown name or a malformed line (FILE:LINE) before any run. */
    public static void validate(Path dataDir, List<String> names) {
        for (String name : names) examples(dataDir, name);
    }

    /** Examples of the datasets (after the limit) not yet in their prediction files. */
    public int pending(List<String> names) {
        int n = 0;
        for (String name : names) {
            Set<String> done = doneIds(outDir.resolve(name + ".jsonl"));
            for (JsonlFile.Line row : rows(name)) if (!done.contains(row.value().path("_id").asText(""))) n++;
        }
        return n;
    }

    /** Runs the datasets, calling exampleDone after each new prediction; then writes run.json with the totals. */
    public void runAll(List<String> names, Consumer<String> exampleDone) {
        long start = System.nanoTime();
        validate(dataDir, names);
        writeMetadata(metadata);
        for (String name : names) run(name, exampleDone);
        List<JsonNode> lines = new ArrayList<>();
        for (String name : names) lines.addAll(JsonlFile.readResults(outDir.resolve(name + ".jsonl")));
        writeMetadata(RunMetadata.withTotals(metadata, lines, (System.nanoTime() - start) / 1e9));
    }

    /** Runs one dataset (name as the data file: {@code <name>.jsonl}, {@code _e} names for LongBench-E). */
    private void run(String name, Consumer<String> exampleDone) {
        LongBenchDataset dataset = dataset(name);
        List<JsonlFile.Line> rows = rows(name);
        Path out = outDir.resolve(name + ".jsonl");
        Set<String> done = doneIds(out);
        Generator generator = new Generator(model);
        int index = 0;
        for (JsonlFile.Line row : rows) {
            index++;
            String id = row.value().path("_id").asText("");
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

    /** The dataset's examples (after the limit). */
    private List<JsonlFile.Line> rows(String name) {
        List<JsonlFile.Line> rows = examples(dataDir, name);
        return limitPerDataset > 0 && rows.size() > limitPerDataset ? rows.subList(0, limitPerDataset) : rows;
    }

    /** Every example of the dataset, each checked for the fields its prompt and score need. */
    private static List<JsonlFile.Line> examples(Path dataDir, String name) {
        dataset(name);
        Path in = dataDir.resolve(name + ".jsonl");
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException("no data file " + in);
        List<JsonlFile.Line> rows = JsonlFile.read(in);
        for (JsonlFile.Line row : rows) {
            row.requireText("input");
            row.requireText("context");
            row.require("answers");
        }
        return rows;
    }

    ObjectNode predict(LongBenchDataset dataset, String name, JsonlFile.Line data, Generator generator) {
        JsonNode row = data.value();
        String prompt = dataset.prompt(data.requireText("context"), data.requireText("input"));
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
        GenerationRequest req = new GenerationRequest(ids, maxNewTokens(dataset), SamplingSettings.GREEDY, List.of(),
                compression, storage, dataset.name(), null)
                .withMinNewTokens(1) // min_length = prompt + 1 (docs/benchmarks.md#truncation-and-generation)
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
        line.put("kv_effective_bits", result.cache().effectiveBits());
        line.put("prefill_ms", result.timings().prefillMs());
        line.put("decode_ms", result.timings().decodeMs());
        return line;
    }

    private int maxNewTokens(LongBenchDataset dataset) {
        return maxNewTokens != null ? maxNewTokens : dataset.maxNewTokens();
    }

    private void writeMetadata(ObjectNode base) {
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + outDir + ": " + e.getMessage(), e);
        }
        ObjectNode m = base.deepCopy();
        m.put("benchmark", "longbench");
        m.put("profile", profile);
        m.put("max_input_tokens", maxInputTokens);
        if (maxNewTokens == null) m.putNull("max_new_tokens"); // each dataset's dataset2maxlen
        else m.put("max_new_tokens", maxNewTokens);
        m.put("data_dir", dataDir.toAbsolutePath().normalize().toString());
        AtomicFile.writeJson(outDir.resolve("run.json"), m);
    }

    /** _ids of complete lines already written; a torn last line (killed run) is dropped and redone. */
    static Set<String> doneIds(Path out) {
        Set<String> done = new HashSet<>();
        for (JsonNode n : JsonlFile.readResults(out)) done.add(n.path("_id").asText(""));
        return done;
    }
}
