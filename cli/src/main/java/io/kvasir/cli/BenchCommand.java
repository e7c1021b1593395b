package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.SpeedBenchmark;
import io.kvasir.kernels.Parallel;
import io.kvasir.model.Model;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir bench`: prefill and decode speed on synthetic prompts or a synthetic context. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure prefill and decode throughput (tokens/s) on a random prompt of a given length.",
            "One warm-up run, then --reps measured runs; medians are reported.",
            "Examples:",
            "  kvasir bench --model DIR --prompt-tokens 512 --max-new-tokens 32 --reps 3",
            "  kvasir bench --model DIR --synthetic-context 8192 --max-new-tokens 16 --reps 5 --compare-kv-bits 16,8,4,2"})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "512",
            description = "Prompt length in tokens (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--synthetic-context", paramLabel = "N",
            description = "Measure decode at a context of N tokens without a prefill: every layer's cache is filled"
                    + " with N entries of seeded random K/V through the path a prefill's output takes (rounding,"
                    + " quantization, residual), then --max-new-tokens decode steps are timed. The contents are synthetic,"
                    + " the cost per step is the same. Replaces --prompt-tokens; needs --method full.")
    Integer syntheticContext;

    @Option(names = {"--max-new-tokens", "--new-tokens"}, paramLabel = "N", defaultValue = "32",
            description = "Tokens per run (--new-tokens is the older name): with a prompt the first comes from prefill,"
                    + " the rest from decode steps; with --synthetic-context all are decode steps (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "3",
            description = "Measured repetitions after one warm-up (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--compare-kv-bits", paramLabel = "BITS", split = ",",
            description = "Measure several storage widths side by side (e.g. 16,8,4,2): each repetition runs every"
                    + " width in turn, so a change in machine load affects all alike. Replaces --kv-bits; the other"
                    + " --quant options apply to the quantized widths.")
    List<Integer> compareKvBits;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
            description = "Seed of the random prompt, K/V and decoded ids (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    CompressionOptions compression;

    @Mixin
    KvStorageOptions kvStorage;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Mixin
    BackendOption backend;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var parsed = spec.commandLine().getParseResult();
        boolean synthetic = syntheticContext != null;
        if (synthetic && parsed.hasMatchedOption("--prompt-tokens")) {
            throw new IllegalArgumentException("--synthetic-context replaces --prompt-tokens; give one of them");
        }
        if (synthetic && !backend.name.equals("cpu")) {
            // A device backend holds its own copy of the cache, filled by its prefill: a host-side
            // synthetic cache never reaches it.
            throw new IllegalArgumentException("--synthetic-context needs --backend cpu; on a device use --prompt-tokens");
        }
        if (compareKvBits != null && (parsed.hasMatchedOption("--kv-bits") || kvStorage.hasByteBudget())) {
            throw new IllegalArgumentException("--compare-kv-bits chooses the widths itself; drop --kv-bits and --kv-budget");
        }
        for (int bits : compareKvBits == null ? List.<Integer>of() : compareKvBits) {
            if (bits != 32 && bits != 16 && bits != 8 && bits != 4 && bits != 2) {
                throw new IllegalArgumentException("--compare-kv-bits: each width must be 32, 16, 8, 4 or 2, got " + bits);
            }
        }
        int context = synthetic ? syntheticContext : promptTokens;
        CacheSetup setup = CacheSetup.fromFlags("kvasir bench", compression, kvStorage);
        // Checks lengths, reps and the synthetic-context rules before a model is loaded.
        new SpeedBenchmark.Settings(context, newTokens, reps, seed, setup.compression(), setup.storage(), synthetic);
        PrintWriter err = spec.commandLine().getErr();
        try (Model m = model.load()) {
            Activity.set("benchmarking a " + context + "-token " + (synthetic ? "synthetic context" : "prompt"));
            CacheSetup.Chosen chosen = setup.forPrompt(m, context, newTokens, err);
            var base = new SpeedBenchmark.Settings(context, newTokens, reps, seed, chosen.compression(), chosen.storage(),
                    synthetic);
            List<SpeedBenchmark.Settings> configs = new ArrayList<>();
            if (compareKvBits == null) {
                configs.add(base);
            } else {
                for (int bits : compareKvBits) {
                    var s = base.withKvStorage(chosen.storage().withBits(bits));
                    s.kvStorage().check(m.config().numLayers(), m.config().headDim());
                    configs.add(s);
                }
            }
            List<SpeedBenchmark.Result> results;
            // One backend serves every configuration (a device plan does not depend on the storage width),
            // but each configuration's storage must be one the backend supports.
            try (var forward = backend.create(m, configs.stream().map(SpeedBenchmark.Settings::kvStorage).toList(),
                    newTokens, err)) {
                results = SpeedBenchmark.run(m, forward, configs, (rep, config) -> {
                    err.printf("\r%s run %d/%d: %d of %d configurations done", rep == 0 ? "warm-up" : "measured", rep,
                            reps, config + 1, configs.size());
                    err.flush();
                });
            }
            err.println();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(Json.write(toJson(m, results)));
            } else {
                printText(out, m, results);
            }
        }
        return 0;
    }

    private ObjectNode toJson(Model m, List<SpeedBenchmark.Result> results) {
        SpeedBenchmark.Settings s = results.getFirst().settings();
        ObjectNode o = Json.object();
        o.put("model", m.dir().toString());
        o.put("backend", backend.name);
        o.put("threads", Parallel.threads());
        o.put("prompt_tokens", s.promptTokens());
        o.put("synthetic_context", s.syntheticContext());
        o.put("new_tokens", s.newTokens());
        o.put("reps", s.repetitions());
        o.put("method", s.compression().method().cliName());
        if (results.size() == 1) {
            o.setAll(configJson(results.getFirst()));
        } else {
            ArrayNode configs = o.putArray("configs");
            results.forEach(r -> configs.add(configJson(r)));
        }
        return o;
    }

    private static ObjectNode configJson(SpeedBenchmark.Result r) {
        ObjectNode o = Json.object();
        o.put("kv_storage", r.settings().kvStorage().describe());
        o.put("kv_bits", r.settings().kvStorage().bits());
        if (r.settings().syntheticContext()) {
            o.putNull("prefill_tok_s_median");
        } else {
            o.put("prefill_tok_s_median", r.prefillTokPerSecMedian());
            o.put("first_call_prefill_tok_s", r.firstCallPrefillTokPerSec());
            o.put("selection_share_of_prefill_median", r.selectionShareMedian());
            o.set("prefill_tok_s", doubles(r.prefillTokPerSec()));
        }
        o.put("decode_tok_s_median", r.decodeTokPerSecMedian());
        o.put("first_call_decode_tok_s", r.firstCallDecodeTokPerSec());
        o.set("decode_tok_s", doubles(r.decodeTokPerSec()));
        o.put("kv_bytes", r.kvBytes());
        o.put("full_kv_bytes", r.fullKvBytes());
        o.put("kv_effective_bits", r.kvEffectiveBits());
        return o;
    }

    private static ArrayNode doubles(double[] values) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }

    private void printText(PrintWriter out, Model m, List<SpeedBenchmark.Result> results) {
        SpeedBenchmark.Settings s = results.getFirst().settings();
        String context = s.syntheticContext()
                ? "synthetic context " + s.promptTokens() + " tokens (random K/V, no prefill), " + s.newTokens() + " decode steps"
                : "prompt " + s.promptTokens() + " tokens, " + s.newTokens() + " new tokens";
        out.printf("model %s, backend %s, %d threads, %s, %d runs%s%n", m.dir(), backend.name, Parallel.threads(),
                context, s.repetitions(),
                results.size() > 1 ? " (configurations alternating within each run)" : "");
        out.printf("method   %s%n", s.compression().method().cliName());
        double reference = results.getFirst().decodeTokPerSecMedian();
        for (SpeedBenchmark.Result r : results) {
            out.printf("storage  %s%n", r.settings().kvStorage().describe());
            if (!s.syntheticContext()) {
                out.printf("  prefill  %.2f tok/s (median); scoring and selection took %.2f%% of prefill (median);"
                                + " first call (warm-up) %.2f tok/s%n",
                        r.prefillTokPerSecMedian(), 100 * r.selectionShareMedian(), r.firstCallPrefillTokPerSec());
            }
            StringBuilder runs = new StringBuilder();
            for (double d : r.decodeTokPerSec()) {
                runs.append(String.format(Locale.ROOT, " %.3f", d));
            }
            out.printf("  decode   %.3f tok/s (median; runs:%s tok/s; first call (warm-up) %.3f tok/s)%s%n",
                    r.decodeTokPerSecMedian(), runs, r.firstCallDecodeTokPerSec(),
                    results.size() > 1 ? String.format(Locale.ROOT, "; %.3fx the first", r.decodeTokPerSecMedian() / reference) : "");
            out.printf(Locale.ROOT, "  KV cache %s after the run (%s uncompressed), %.2f bits per entry%n",
                    Units.bytes(r.kvBytes()), Units.bytes(r.fullKvBytes()), r.kvEffectiveBits());
        }
    }
}
