package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.AtomicFile;
import io.kvasir.bench.RunMetadata;
import io.kvasir.bench.demo.DemoHeatmap;
import io.kvasir.bench.demo.DemoSweep;
import io.kvasir.bench.demo.RetrievalTask;
import io.kvasir.compression.CompressionMethod;
import io.kvasir.compression.KvStorage;
import io.kvasir.compression.QuantScheme;
import io.kvasir.model.Model;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir demo`: what KV-cache compression does to retrieval, on the bundled demo model. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Retrieval sweep: hide facts ('The special magic number for KEY is NNNNNN.', the asked one"
                + " plus distractors) at several depths of contexts of several lengths, ask for one, and compare the"
                + " methods at one budget: accuracy, tokens cached per head, KV bytes against the full cache, prefill"
                + " and decode speed. Prints a table, writes <out>/demo.json and <out>/heatmap.png (one needle heatmap"
                + " per method).",
            "With no --model it runs kvasir's bundled demo model (models/kvasir-demo-retrieval), a small Llama"
                    + " built for exactly this task (a hand-written retrieval circuit, then trained); any other model folder gets RULER's niah wording.",
            "Examples:", "  kvasir demo", "  kvasir demo --budget 64 --lengths 1024,2048 --samples 3",
            "  kvasir demo --model DIR --methods full,snapkv --quantized none"})
final class DemoCommand implements Callable<Integer> {
    static final String BUNDLED = "models/kvasir-demo-retrieval";

    @Option(names = {"-m", "--model"}, paramLabel = "DIR",
            description = "Model folder (default: the bundled " + BUNDLED + ").")
    Path modelDir;

    @Option(names = "--budget", paramLabel = "TOKENS",
            description = "Token budget per layer and KV head for every compressing method (default: the model's"
                    + " demo_task.json demo_budget, else 128).")
    Integer budget;

    @Option(names = "--methods", paramLabel = "LIST", split = ",",
            defaultValue = "full,streamingllm,h2o,snapkv,pyramidkv,windowkv",
            description = "Methods at 16-bit KV (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--quantized", paramLabel = "METHOD:BITS", split = ",", defaultValue = "snapkv:4,windowkv:4",
            description = "Quantized variants (KIVI, group and residual 32 tokens) holding budget x 16/BITS tokens: the"
                    + " same bytes of codes as the 16-bit budget, scales, zeros and the residual on top (KV bytes column);"
                    + " 'none' for none (default: ${DEFAULT-VALUE}).")
    List<String> quantized;

    @Option(names = "--lengths", paramLabel = "TOKENS", split = ",",
            description = "Context lengths in tokens, prompt included (default: the model's demo_task.json"
                    + " demo_lengths, else 512,1024,2048).")
    List<Integer> lengths;

    @Option(names = "--depths", paramLabel = "PERCENT", split = ",", defaultValue = "0,25,50,75,100",
            description = "Depths of the asked fact in percent of the context (default: ${DEFAULT-VALUE}).")
    List<Integer> depths;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "1",
            description = "Prompts per (length, depth) cell, each with other keys, values and filler (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--window", paramLabel = "TOKENS",
            description = "Observation window of h2o, snapkv and pyramidkv (default: the model's demo_task.json"
                    + " demo_window, else the needle runners' 32).")
    Integer window;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of the prompts (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "kvasir-demo",
            description = "Folder for demo.json and heatmap.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path dir = modelDir != null ? modelDir : bundledModel();
        PrintWriter stdout = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        WritableCheck.folder(out, "--out");
        Activity.set("loading model " + dir);
        try (Model m = Model.load(dir)) {
            RetrievalTask task = RetrievalTask.forModel(dir);
            if (lengths == null) lengths = task.lengths();
            if (budget == null) budget = task.budget();
            if (window == null) window = task.window();
            List<DemoSweep.Method> sweep = methods(m.config().numLayers(), m.config().headDim());
            DemoSweep demo = new DemoSweep(m, task, lengths, depths, samples, seed);
            err.printf("kvasir demo: %s, %d methods x %d lengths x %d depths x %d samples, budget %d tokens, window %d tokens%n",
                    dir, sweep.size(), lengths.size(), depths.size(), samples, budget, window);
            ProgressBar bar = new ProgressBar(err);
            bar.update(0, 1, "warming up");
            long t0 = System.nanoTime();
            Activity.set("running the retrieval sweep");
            List<DemoSweep.Result> results = demo.run(sweep, bar::update);
            double seconds = (System.nanoTime() - t0) / 1e9;
            stdout.print(table(results));
            stdout.flush(); // the note below goes to stderr and belongs after the table
            warnIfFullCacheFails(results, err);
            write(dir, results, seconds);
            stdout.printf(Locale.ROOT, "%nAccuracy: share of answers holding the asked number (greedy, %d prompts per method)."
                    + " Mid: depths 25-75%%. KV: bytes held per sequence, mean over prompts; 'of full' against the"
                    + " uncompressed 16-bit cache. Sweep took %.0f s. Wrote %s and %s.%n", results.get(0).totalAsked(),
                    seconds, out.resolve("demo.json"), out.resolve("heatmap.png"));
        }
        return 0;
    }

    private List<DemoSweep.Method> methods(int layers, int headDim) {
        List<DemoSweep.Method> list = new ArrayList<>();
        for (String name : methods) list.add(method(name, budget, KvStorage.F16, name, layers));
        for (String q : quantized) {
            if (q.equalsIgnoreCase("none")) continue;
            String[] parts = q.split(":");
            if (parts.length != 2) throw new IllegalArgumentException("--quantized wants METHOD:BITS (e.g. snapkv:4), got '" + q + "'");
            int bits;
            try {
                bits = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--quantized: bits must be 8, 4 or 2, got '" + parts[1] + "'");
            }
            if (bits != 8 && bits != 4 && bits != 2) throw new IllegalArgumentException("--quantized: bits must be 8, 4 or 2, got " + bits);
            // KIVI groups keys over channels: 32 channels, or the whole head when it is smaller.
            int group = Math.min(32, headDim);
            KvStorage storage = KvStorage.of(bits).withQuantization(QuantScheme.KIVI, group, group);
            storage.check(layers, headDim);
            list.add(method(parts[0], budget * 16 / bits, storage, parts[0] + " " + bits + "-bit", layers));
        }
        if (list.isEmpty()) throw new IllegalArgumentException("--methods and --quantized leave nothing to run");
        return list;
    }

    private DemoSweep.Method method(String name, int tokens, KvStorage storage, String label, int layers) {
        return DemoSweep.Method.of(name, tokens, window, storage, label, layers);
    }

    /** The bundled model: under $KVASIR_HOME, else beside the jar or classes (repo/cli/target/...), else here. */
    static Path bundledModel() {
        List<Path> tried = new ArrayList<>();
        String home = System.getenv("KVASIR_HOME");
        if (home != null) tried.add(Path.of(home).resolve(BUNDLED));
        try {
            Path code = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (code.getParent() != null && code.getParent().getParent() != null && code.getParent().getParent().getParent() != null) {
                tried.add(code.getParent().getParent().getParent().resolve(BUNDLED));
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code location: fall back to the working directory
        }
        tried.add(Path.of(BUNDLED));
        for (Path p : tried) if (Files.isRegularFile(p.resolve("config.json"))) return p.normalize();
        throw new IllegalArgumentException("the bundled demo model is not at " + tried.get(0).toAbsolutePath().normalize()
                + "; pass --model DIR");
    }

    /** A comparison of compression methods means nothing when the uncompressed cache already fails. */
    private static void warnIfFullCacheFails(List<DemoSweep.Result> results, PrintWriter err) {
        for (DemoSweep.Result r : results) {
            if (r.method.compression().method() == CompressionMethod.FULL && r.accuracy() < 0.5) {
                err.printf(Locale.ROOT, "note: the full cache answers only %.0f%% of the prompts, so this model does not"
                        + " retrieve at these lengths and the table cannot rank the methods; try shorter --lengths or"
                        + " another --model%n", 100 * r.accuracy());
                return;
            }
        }
    }

    private String table(List<DemoSweep.Result> results) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n| %-22s | %8s | %8s | %11s | %12s | %8s | %13s | %12s |%n",
                "method", "accuracy", "mid 25-75", "tokens/head", "KV bytes", "of full", "prefill tok/s", "decode tok/s"));
        sb.append("|").append("-".repeat(24)).append("|").append("-".repeat(10)).append("|").append("-".repeat(11))
                .append("|").append("-".repeat(13)).append("|").append("-".repeat(14)).append("|").append("-".repeat(10))
                .append("|").append("-".repeat(15)).append("|").append("-".repeat(14)).append("|\n");
        for (DemoSweep.Result r : results) {
            sb.append(String.format(Locale.ROOT, "| %-22s | %7.1f%% | %8.1f%% | %11.1f | %12s | %7.1f%% | %13.0f | %12.1f |%n",
                    r.method.label(), 100 * r.accuracy(), 100 * r.accuracy(depths, 25, 75), r.meanCachedTokens(),
                    Units.bytes(Math.round(r.meanKvBytes())), 100 * r.meanKvBytes() / r.meanFullKvBytes(),
                    r.prefillTokensPerSecond(), r.decodeTokensPerSecond()));
        }
        return sb.toString();
    }

    private void write(Path dir, List<DemoSweep.Result> results, double seconds) {
        ObjectNode o = RunMetadata.of(dir, results.get(0).method.compression(), results.get(0).method.storage(),
                Version.get(), seed);
        o.remove(List.of("method", "compression", "kv_bits", "kv_storage")); // per method in the rows below
        o.put("benchmark", "demo");
        o.put("budget_tokens", budget);
        o.put("observation_window_tokens", window);
        lengths.forEach(o.putArray("context_lengths")::add);
        depths.forEach(o.putArray("depth_percents")::add);
        o.put("samples_per_cell", samples);
        o.put("sweep_seconds", seconds);
        ArrayNode rows = o.putArray("methods");
        for (DemoSweep.Result r : results) {
            ObjectNode row = rows.addObject();
            row.put("label", r.method.label());
            row.set("compression", Json.MAPPER.valueToTree(r.method.compression()));
            row.put("kv_storage", r.method.storage().describe());
            row.put("accuracy", r.accuracy());
            row.put("accuracy_mid_25_75", r.accuracy(depths, 25, 75));
            row.put("correct", r.totalCorrect());
            row.put("asked", r.totalAsked());
            row.put("mean_cached_tokens_per_head", r.meanCachedTokens());
            row.put("mean_kv_bytes", r.meanKvBytes());
            row.put("mean_full_kv_bytes_16bit", r.meanFullKvBytes());
            row.put("prefill_tokens_per_second", r.prefillTokensPerSecond());
            row.put("decode_tokens_per_second", r.decodeTokensPerSecond());
            ArrayNode table = row.putArray("accuracy_by_depth_then_length");
            for (double[] line : r.table()) {
                ArrayNode a = table.addArray();
                for (double v : line) if (Double.isNaN(v)) a.addNull(); else a.add(v);
            }
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + out + ": " + e.getMessage(), e);
        }
        AtomicFile.write(out.resolve("demo.json"), (Json.write(o) + "\n").getBytes(StandardCharsets.UTF_8));
        DemoHeatmap.write(results, lengths, depths, out.resolve("heatmap.png"));
    }
}
