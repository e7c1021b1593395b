package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.JsonlFile;
import io.kvasir.bench.Utf8File;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.file.CacheFile;
import io.kvasir.compression.file.SavedContext;
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
            "  kvasir generate --model DIR --prompt-file long.txt --max-new-tokens 64 --json",
            "  kvasir generate --model DIR --load doc.kvc --prompt 'Who wrote it?'",
            "  kvasir generate --model DIR --load doc.kvc --questions-file q.jsonl"})
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

        @Option(names = "--questions-file", paramLabel = "FILE", description = "JSONL, one {\"question\": TEXT} per line, each"
                + " answered from the same compressed context (needs --load or --context-file); prints one JSON object per"
                + " answer, one per line (the --json fields plus index and question).")
        Path questionsFile;

        /** The questions of --questions-file, or the one prompt. */
        List<String> questions() {
            if (questionsFile == null) {
                return List.of(read());
            }
            List<String> out = new ArrayList<>();
            for (JsonlFile.Line line : JsonlFile.read(questionsFile)) {
                out.add(line.requireText("question"));
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException("--questions-file " + questionsFile + ": no questions");
            }
            return out;
        }

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

    @ArgGroup(exclusive = true)
    ContextSource context;

    static final class ContextSource {
        @Option(names = "--load", paramLabel = "FILE", description = "Answer from a cache file written by 'kvasir prefill'"
                + " without reading the context again (the file's compression and storage apply). The prompt is the"
                + " question, tokenized without BOS.")
        Path load;

        @Option(names = "--context-file", paramLabel = "FILE", description = "A context (UTF-8), tokenized alone with BOS;"
                + " the prompt is the question, tokenized without BOS.")
        Path file;
    }

    @Option(names = "--compress", paramLabel = "WHAT", defaultValue = "context", description = "With --context-file:"
            + " 'context' compresses the context alone and decodes the question after it, uncompressed (what --load"
            + " reuses; kvpress's default), 'context+question' compresses both together, the question inside the"
            + " observation window (the reference repositories' way) (default: ${DEFAULT-VALUE}).")
    String compress;

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
        if (context != null || prompt.questionsFile != null) {
            return answerFromContext(setup, sampling);
        }
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
            report(r, json ? toJson(r, config, chosen) : null);
        }
        return 0;
    }

    /**
     * --load, --context-file and --questions-file: every question answered from one compressed context (loaded,
     * or prefilled once with --compress context), or with --compress context+question compressed with each.
     */
    private Integer answerFromContext(CacheSetup setup, SamplingSettings sampling) {
        if (context == null) {
            throw new IllegalArgumentException("--questions-file needs --load or --context-file (the context the questions share)");
        }
        if (chat || system != null || keptMap != null) {
            throw new IllegalArgumentException("--chat, --system and --kept-map cannot be combined with --load or --context-file");
        }
        if (!backend.name.equals("cpu")) {
            throw new IllegalArgumentException("--load and --context-file run on --backend cpu, got '" + backend.name + "'");
        }
        boolean withQuestion = switch (compress) {
            case "context" -> false;
            case "context+question" -> true;
            default -> throw new IllegalArgumentException("--compress must be context or context+question, got '" + compress + "'");
        };
        if (withQuestion && context.load != null) {
            throw new IllegalArgumentException("--compress context+question needs --context-file: a loaded cache was compressed"
                    + " without the question");
        }
        List<String> questions = prompt.questions();
        boolean many = prompt.questionsFile != null;
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (Model m = model.load()) {
            Generator g = new Generator(m);
            long t0 = System.nanoTime();
            SavedContext saved = context.load != null ? CacheFile.read(context.load, ContextCache.identity(m)) : null;
            int[] contextIds = saved != null ? saved.contextIds() : ContextCache.contextIds(m, context.file);
            CacheSetup.Chosen chosen = setup.forPrompt(m, contextIds.length, maxNewTokens, err);
            if (saved == null && !withQuestion) {
                Activity.set("compressing a " + contextIds.length + "-token context");
                saved = ContextCache.prefill(g, contextIds, chosen, maxNewTokens);
            }
            double contextMs = (System.nanoTime() - t0) / 1e6;
            for (int i = 0; i < questions.size(); i++) {
                int[] q = ContextCache.questionIds(m, questions.get(i));
                Activity.set("answering question " + (i + 1) + " of " + questions.size());
                GenerationResult r;
                if (withQuestion) {
                    var req = new GenerationRequest(concat(contextIds, q), maxNewTokens, sampling, stops, chosen.compression(),
                            chosen.storage(), null, null);
                    r = g.generate(req, streamTo(out, many));
                } else {
                    var req = new GenerationRequest(q, maxNewTokens, sampling, stops, chosen.compression(), chosen.storage(),
                            null, null);
                    r = g.answer(saved.copy(), req, streamTo(out, many));
                }
                ObjectNode o = json || many ? toJson(r, chosen.compression(), chosen) : null;
                if (o != null && saved != null) {
                    ((ObjectNode) o.get("kv")).put("method", saved.method());
                    ((ObjectNode) o.get("kv")).set("params", Json.MAPPER.valueToTree(saved.parameters()));
                }
                if (o != null) {
                    o.put("compress", compress);
                    o.put("context_tokens", contextIds.length);
                    o.put("context_ms", withQuestion ? 0 : contextMs);
                }
                if (many) {
                    o.put("index", i);
                    o.put("question", questions.get(i));
                    out.println(Json.line(o));
                    out.flush();
                } else {
                    report(r, o);
                }
            }
            if (many) {
                err.printf("[%d questions from one %d-token context, %s in %.0f ms]%n", questions.size(), contextIds.length,
                        context.load != null ? "loaded" : withQuestion ? "compressed with each question" : "compressed once",
                        contextMs);
            }
        }
        return 0;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private java.util.function.Consumer<String> streamTo(PrintWriter out, boolean many) {
        return piece -> {
            if (!json && !many) {
                out.print(piece);
                out.flush();
            }
        };
    }

    /** Prints one result: its JSON object, or (streamed already) a newline and the summary line on stderr. */
    private void report(GenerationResult r, ObjectNode o) {
        PrintWriter out = spec.commandLine().getOut();
        KvReport.widthWarning(r.cache())
                .ifPresent(w -> spec.commandLine().getErr().println("kvasir generate: warning: " + w));
        if (o != null) {
            out.println(Json.write(o));
            return;
        }
        out.println();
        var t = r.timings();
        spec.commandLine().getErr().printf("[%d prompt tokens, %d new tokens; prefill %.1f tok/s, decode %.1f tok/s;"
                        + " KV %s (%s uncompressed), %.2f bits per entry at --kv-bits %d; %s; stop: %s]%n",
                r.promptIds().length, r.outputIds().length, t.prefillTokensPerSecond(), t.decodeTokensPerSecond(),
                Units.bytes(r.cache().bytesHeld()), Units.bytes(r.cache().fullKvEquivalentBytes()),
                r.cache().effectiveBits(), r.cache().storage().bits(), MemoryReport.summary(r.memory()), r.stopReason());
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

    private ObjectNode toJson(GenerationResult r, CompressionConfig config, CacheSetup.Chosen chosen) {
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
        if (chosen.planned()) {
            ((ObjectNode) o.get("kv")).set("budget_plan", KvReport.plan(chosen.plan()));
        }
        return o;
    }
}
