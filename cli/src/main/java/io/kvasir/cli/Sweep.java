package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.RunFingerprint;
import io.kvasir.bench.RunMetadata;
import io.kvasir.compression.CompressionConfig;
import io.kvasir.compression.CompressionMethod;
import io.kvasir.compression.KvStorage;
import io.kvasir.model.Model;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The --method x --budget x --kv-bits combinations a benchmark command (needle, longbench, ruler) runs on one
 * loaded model. A single combination writes into --out itself, as a plain run always did; several write each
 * into its own subfolder, named like {@code snapkv-b128-kv4} ({@code full-kv16}: full keeps every token, so
 * it runs once per width whatever the budgets), which {@code kvasir compare OUT} reads as one sweep. One
 * progress bar covers the whole sweep; its total is the work not yet done, so a resumed sweep gets a true ETA.
 */
final class Sweep {
    /** One combination: its folder name, settings, output folder and the metadata its result files carry. */
    record Point(String name, CompressionConfig config, KvStorage storage, Path dir, ObjectNode metadata) {}

    /** One point's work: the items left to run, and running them (itemDone after each). */
    record Job<T>(IntSupplier pending, Function<Consumer<String>, T> run) {}

    private final List<Point> points;
    private final Path out;

    private Sweep(List<Point> points, Path out) {
        this.points = List.copyOf(points);
        this.out = out;
    }

    static Sweep of(ModelOption model, CompressionOptions compression, KvStorageOptions kv, Path out, long seed) {
        if (kv.hasByteBudget()) {
            throw new IllegalArgumentException("--kv-budget plans one prompt at a time (generate, bench); benchmark runs"
                    + " take --budget and --kv-bits");
        }
        Map<String, CompressionConfig> configs = new LinkedHashMap<>();
        Map<String, KvStorage> storages = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (String method : compression.methods) {
            for (int budget : compression.budgets) {
                CompressionConfig config = compression.config(method, budget);
                for (int bits : kv.kvBits) {
                    String name = name(config, bits);
                    if (configs.containsKey(name)) continue;
                    configs.put(name, config);
                    storages.put(name, kv.storage(bits));
                    names.add(name);
                }
            }
        }
        List<Point> points = new ArrayList<>();
        for (String name : names) {
            Path dir = names.size() == 1 ? out : out.resolve(name);
            ObjectNode meta = RunMetadata.of(model.dir, configs.get(name), storages.get(name), Version.get(), seed);
            meta.put("run_name", name);
            points.add(new Point(name, configs.get(name), storages.get(name), dir, meta));
        }
        return new Sweep(points, out);
    }

    static String name(CompressionConfig config, int bits) {
        String method = config.method().cliName();
        return config.method() == CompressionMethod.FULL ? method + "-kv" + bits
                : method + "-b" + config.budget() + "-kv" + bits;
    }

    /** The one value of a list option in a command that does not sweep. */
    static <T> T single(List<T> values, String flag) {
        if (values.size() != 1) {
            throw new IllegalArgumentException(flag + " takes one value here (lists " + values
                    + " are for needle, longbench and ruler sweeps)");
        }
        return values.getFirst();
    }

    List<Point> points() {
        return points;
    }

    /** Rejects a storage the model's heads cannot hold (e.g. a quantization group wider than a head) before any run. */
    void check(Model m) {
        for (Point p : points) p.storage().check(m.config().numLayers(), m.config().headDim());
    }

    /**
     * Runs every point's job in order under one progress bar on err; returns their results. Before the first item
     * runs: the inputs the points share are validated (validateInputs, which fails on a bad data file before anything
     * is written), then every point's folder is checked against its fingerprint (a folder holding results of other
     * settings is refused, naming the first difference) or, with overwrite, cleared of the results kvasir wrote there;
     * then each point's fingerprint is recorded. A sweep also refuses an --out holding a single run's results, which
     * 'kvasir compare' would read instead of the sweep's folders.
     */
    <T> List<T> run(PrintWriter err, Runnable validateInputs, Function<Point, RunFingerprint> fingerprints,
                    boolean overwrite, Function<Point, Job<T>> jobs) {
        validateInputs.run();
        List<Job<T>> list = points.stream().map(jobs).toList();
        List<RunFingerprint> f = points.stream().map(fingerprints).toList();
        boolean singleRunInSweepFolder = points.size() > 1 && Files.exists(out.resolve(RunFingerprint.FILE));
        if (singleRunInSweepFolder && !overwrite) {
            throw new IllegalArgumentException("--out " + out + " holds a single run, not a sweep; choose a new --out,"
                    + " or add --overwrite to replace its results");
        }
        for (int i = 0; i < points.size(); i++) {
            if (!overwrite) f.get(i).checkResumable(points.get(i).dir());
        }
        if (singleRunInSweepFolder) f.getFirst().clear(out);
        for (int i = 0; i < points.size(); i++) {
            if (overwrite) f.get(i).clear(points.get(i).dir());
            f.get(i).write(points.get(i).dir());
        }
        int total = list.stream().mapToInt(j -> j.pending().getAsInt()).sum();
        ProgressBar bar = new ProgressBar(err);
        int[] done = {0};
        List<T> results = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            String name = points.get(i).name();
            String prefix = points.size() == 1 ? "" : name + ": ";
            Activity.set("running " + name);
            results.add(list.get(i).run().apply(what -> {
                bar.update(++done[0], total, prefix + what);
                Activity.set("running " + name + " (last done: " + what + ")");
            }));
        }
        return results;
    }
}
