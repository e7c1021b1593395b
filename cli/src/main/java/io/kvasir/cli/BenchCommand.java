package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.SpeedBenchmark;
import io.kvasir.model.Model;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir bench`: prefill and decode speed on synthetic prompts. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure prefill and decode throughput (tokens/s) on a random prompt of a given length.",
            "One warm-up run, then --reps measured runs; medians are reported.",
            "Example: kvasir bench --model DIR --prompt-tokens 512 --new-tokens 32 --reps 3"})
final class BenchCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--prompt-tokens", paramLabel = "N", defaultValue = "512",
            description = "Prompt length in tokens (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--new-tokens", paramLabel = "N", defaultValue = "32",
            description = "Tokens generated per run (default: ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--reps", paramLabel = "N", defaultValue = "3",
            description = "Measured repetitions after one warm-up (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of the random prompt (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    CompressionOptions compression;

    @Mixin
    KvStorageOptions kvStorage;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var config = compression.config();
        var storage = kvStorage.storage();
        PrintWriter err = spec.commandLine().getErr();
        try (Model m = model.load()) {
            if (kvStorage.hasByteBudget()) {
                var c = m.config();
                var plan = kvStorage.plan(config.layoutFor(c.numLayers(), c.numKvHeads(), c.numHeads(), c.headDim()),
                        config, promptTokens, newTokens);
                config = plan.compression();
                storage = plan.storage();
                err.println("kvasir bench: --kv-budget: " + plan.reason());
            }
            var settings = new SpeedBenchmark.Settings(promptTokens, newTokens, reps, seed, config, storage);
            SpeedBenchmark.Result r = SpeedBenchmark.run(m, settings, rep -> {
                err.printf("\r%s run %d/%d done", rep == 0 ? "warm-up" : "measured", rep, reps);
                err.flush();
            });
            err.println();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ObjectNode o = Json.object();
                o.put("model", m.dir().toString());
                o.put("threads", io.kvasir.kernels.Parallel.threads());
                o.put("prompt_tokens", promptTokens);
                o.put("new_tokens", newTokens);
                o.put("prefill_tok_s_median", r.prefillTokPerSecMedian());
                o.put("decode_tok_s_median", r.decodeTokPerSecMedian());
                o.put("method", settings.compression().method().cliName());
                o.put("kv_storage", storage.describe());
                o.put("selection_share_of_prefill_median", r.selectionShareMedian());
                ArrayNode p = o.putArray("prefill_tok_s");
                for (double v : r.prefillTokPerSec()) {
                    p.add(v);
                }
                ArrayNode d = o.putArray("decode_tok_s");
                for (double v : r.decodeTokPerSec()) {
                    d.add(v);
                }
                o.put("kv_bytes", r.kvBytes());
                o.put("full_kv_bytes", r.fullKvBytes());
                out.println(Json.write(o));
            } else {
                out.printf("model %s, %d threads, prompt %d tokens, %d new tokens, %d runs%n", m.dir(),
                        io.kvasir.kernels.Parallel.threads(), promptTokens, newTokens, reps);
                out.printf("prefill  %.2f tok/s (median)%n", r.prefillTokPerSecMedian());
                out.printf("decode   %.2f tok/s (median)%n", r.decodeTokPerSecMedian());
                out.printf("method   %s: scoring and selection took %.2f%% of prefill (median)%n",
                        settings.compression().method().cliName(), 100 * r.selectionShareMedian());
                out.printf("storage  %s%n", storage.describe());
                out.printf("KV cache %s after the run (%s uncompressed)%n", Units.bytes(r.kvBytes()), Units.bytes(r.fullKvBytes()));
            }
        }
        return 0;
    }
}
