package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.Utf8File;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.model.GenerationRequest;
import io.kvasir.model.GenerationResult;
import io.kvasir.model.Generator;
import io.kvasir.model.Model;
import io.kvasir.model.SamplingSettings;
import io.kvasir.tokenizer.ChatMessage;
import io.kvasir.tokenizer.ChatTemplate;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir generate`: continue a prompt, streaming the text. */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Generate text from a prompt, streaming it to standard output.",
            "Greedy by default (temperature 0). With --json, prints one JSON object instead: prompt_ids,"
                    + " output_ids, text, steps (id, logprob, top 5 [id, logprob]), timings, kv.",
            "Examples:",
            "  kvasir generate --model DIR --prompt 'The capital of France is'",
            "  kvasir generate --model DIR --chat --prompt 'Write a haiku' --temperature 0.7 --seed 1",
            "  kvasir generate --model DIR --prompt-file long.txt --max-new-tokens 64 --json"})
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @ArgGroup(multiplicity = "1")
    PromptSource prompt;

    static final class PromptSource {
        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", description = "The prompt text.")
        String text;

        @Option(names = "--prompt-file", paramLabel = "FILE", description = "Read the prompt from a UTF-8 file ('-': standard input).")
        Path file;

        String read() {
            if (text != null) {
                return text;
            }
            boolean stdin = file.toString().equals("-");
            String name = "--prompt-file " + (stdin ? "- (standard input)" : file);
            try {
                return Utf8File.text(stdin ? System.in.readAllBytes() : Files.readAllBytes(file), name);
            } catch (IOException e) {
                throw new IllegalArgumentException(name + ": cannot read (" + e.getClass().getSimpleName() + ")");
            }
        }
    }

    @Option(names = "--chat", description = "Wrap the prompt as a user message with the model's chat template"
            + " (tokenizer_config.json chat_template) and add the generation prompt.")
    boolean chat;

    @Option(names = "--system", paramLabel = "TEXT", description = "System message for --chat.")
    String system;

    @Option(names = {"-n", "--max-new-tokens"}, paramLabel = "N", defaultValue = "128",
            description = "Most tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = {"-t", "--temperature"}, paramLabel = "T", defaultValue = "0",
            description = "Sampling temperature; 0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0",
            description = "Sample only from the K most likely tokens; 0 = off (default: ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--top-p", paramLabel = "P", defaultValue = "1",
            description = "Sample from the smallest set of tokens whose probability reaches P; 1 = off (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Random seed; the same seed gives the same text (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--stop", paramLabel = "TEXT",
            description = "Stop when the output contains TEXT (repeatable); the stop text is not printed.")
    List<String> stops = new ArrayList<>();

    @Mixin
    KvStorageOptions kvStorage;

    @Mixin
    CompressionOptions compression;

    @Option(names = "--kept-map", paramLabel = "FILE",
            description = "Write, per layer and stored head, the prompt positions the cache kept (JSON).")
    Path keptMap;

    @Option(names = "--json", description = "Print one JSON object with ids, per-token log-probabilities, timings and KV bytes.")
    boolean json;

    @Mixin
    BackendOption backend;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CacheSetup setup = CacheSetup.fromFlags("kvasir generate", compression, kvStorage);
        SamplingSettings sampling = new SamplingSettings(temperature, topK, topP, seed);
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("--max-new-tokens must be >= 0, got " + maxNewTokens);
        }
        if (keptMap != null) WritableCheck.file(keptMap, "--kept-map");
        String text = prompt.read();
        PrintWriter out = spec.commandLine().getOut();
        try (Model m = model.load()) {
            int[] ids = encodePrompt(m, text);
            CacheSetup.Chosen chosen = setup.forPrompt(m, ids.length, maxNewTokens, spec.commandLine().getErr());
            CompressionConfig config = chosen.compression();
            var request = new GenerationRequest(ids, maxNewTokens, sampling, stops, config, chosen.storage(), null, null);
            Activity.set("generating from a " + ids.length + "-token prompt");
            GenerationResult r;
            try (var forward = backend.create(m, chosen.storage(), maxNewTokens, spec.commandLine().getErr())) {
                r = new Generator(m, forward).generate(request, piece -> {
                    if (!json) {
                        out.print(piece);
                        out.flush();
                    }
                });
            }
            if (keptMap != null) {
                KvReport.writeKeptMap(keptMap, m, config, r);
            }
            KvReport.widthWarning(r.cache())
                    .ifPresent(w -> spec.commandLine().getErr().println("kvasir generate: warning: " + w));
            if (json) {
                ObjectNode o = toJson(r, config);
                if (chosen.planned()) {
                    ((ObjectNode) o.get("kv")).set("budget_plan", KvReport.plan(chosen.plan()));
                }
                out.println(Json.write(o));
            } else {
                out.println();
                var t = r.timings();
                spec.commandLine().getErr().printf("[%d prompt tokens, %d new tokens; prefill %.1f tok/s, decode %.1f tok/s;"
                                + " KV %s (%s uncompressed), %.2f bits per entry at --kv-bits %d; %s; stop: %s]%n", ids.length,
                        r.outputIds().length, t.prefillTokensPerSecond(), t.decodeTokensPerSecond(),
                        Units.bytes(r.cache().bytesHeld()), Units.bytes(r.cache().fullKvEquivalentBytes()),
                        r.cache().effectiveBits(), r.cache().storage().bits(), MemoryReport.summary(r.memory()),
                        r.stopReason());
            }
        }
        return 0;
    }

    private int[] encodePrompt(Model m, String text) {
        if (!chat) {
            if (system != null) {
                throw new IllegalArgumentException("--system needs --chat");
            }
            return m.tokenizer().encode(text, true);
        }
        ChatTemplate template = m.chatTemplate().orElseThrow(() -> new IllegalArgumentException(
                "--chat: " + m.dir().resolve("tokenizer_config.json") + " has no chat_template; drop --chat"));
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) {
            messages.add(new ChatMessage("system", system));
        }
        messages.add(new ChatMessage("user", text));
        // The template writes BOS itself where the model wants it, so no special tokens are added again.
        return m.tokenizer().encode(template.render(messages, true), false);
    }

    private ObjectNode toJson(GenerationResult r, CompressionConfig config) {
        ObjectNode o = Json.object();
        o.set("prompt_ids", Json.array(r.promptIds()));
        o.set("output_ids", Json.array(r.outputIds()));
        o.put("text", r.text());
        o.put("stop_reason", r.stopReason());
        ArrayNode steps = o.putArray("steps");
        for (GenerationResult.Step s : r.steps()) {
            ObjectNode step = steps.addObject();
            step.put("id", s.id());
            step.put("logprob", s.logprob());
            ArrayNode top = step.putArray("top");
            for (int i = 0; i < s.topIds().length; i++) {
                top.addArray().add(s.topIds()[i]).add(s.topLogprobs()[i]);
            }
        }
        var t = r.timings();
        ObjectNode timings = o.putObject("timings");
        timings.put("prefill_ms", t.prefillMs());
        timings.put("selection_ms", t.selectionMs());
        timings.put("decode_ms", t.decodeMs());
        timings.put("prefill_tok_s", t.prefillTokensPerSecond());
        timings.put("decode_tok_s", t.decodeTokensPerSecond());
        o.set("kv", KvReport.json(config, r.cache(), r.promptIds().length));
        o.set("memory", MemoryReport.json(r.memory()));
        return o;
    }
}
