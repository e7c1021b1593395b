package io.kvasir.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kvasir.bench.AtomicFile;
import io.kvasir.bench.longbench.LongBenchPredictions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `kvasir longbench-score`: LongBench eval.py over a folder of prediction files. */
@Command(name = "longbench-score", mixinStandardHelpOptions = true,
        description = {"Score LongBench predictions exactly as the official eval.py / metrics.py: one"
                + " <dataset>.jsonl per dataset (lines with pred, answers, all_classes, length), scores x100 rounded"
                + " to 2 decimals, written to <pred>/result.json. A sweep folder (kvasir longbench with lists) is scored"
                + " one run subfolder at a time.",
            "Chinese metrics (multifieldqa_zh, dureader, vcsum) segment with a Java port of jieba 0.42.1.",
            "Example: kvasir longbench-score --pred results/llama3-snapkv-2048"})
final class LongBenchScoreCommand implements Callable<Integer> {
    @Option(names = "--pred", required = true, paramLabel = "DIR",
            description = "Folder of <dataset>.jsonl prediction files, or a sweep folder of such folders.")
    Path pred;

    @Option(names = {"-e", "--longbench-e"},
            description = "LongBench-E: score per length bucket (0-4k, 4-8k, 8k+ of the length field).")
    boolean lengthBuckets;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Where to write the scores of a single run (default: <pred>/result.json).")
    Path out;

    @Mixin
    DebugOption debug;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(pred)) throw new IllegalArgumentException(pred + ": not a folder");
        List<Path> runs = runFolders();
        if (runs.size() > 1 && out != null) throw new IllegalArgumentException("--out takes a single run; " + pred + " is a sweep");
        if (out != null) WritableCheck.file(out, "--out");
        for (Path run : runs) score(run, runs.size() > 1);
        return 0;
    }

    /** pred itself, or for a sweep folder (no predictions, subfolders with run.json) those subfolders. */
    private List<Path> runFolders() throws java.io.IOException {
        try (Stream<Path> s = Files.list(pred)) {
            if (s.anyMatch(p -> p.getFileName().toString().endsWith(".jsonl"))) return List.of(pred);
        }
        try (Stream<Path> s = Files.list(pred)) {
            List<Path> subs = s.filter(p -> Files.isRegularFile(p.resolve("run.json"))).sorted().toList();
            return subs.isEmpty() ? List.of(pred) : subs;
        }
    }

    private void score(Path dir, boolean named) throws java.io.IOException {
        ObjectNode scores = LongBenchPredictions.score(dir, lengthBuckets);
        ObjectNode result = Json.object();
        scores.properties().forEach(e -> result.set(e.getKey(), e.getValue()));
        ObjectNode meta = result.putObject("_meta");
        meta.put("scorer", "kvasir " + Version.get() + " longbench-score (LongBench eval.py/metrics.py semantics)");
        meta.put("pred_dir", dir.toAbsolutePath().normalize().toString());
        meta.put("longbench_e", lengthBuckets);
        Path run = dir.resolve("run.json");
        if (Files.isRegularFile(run)) meta.set("run", Json.MAPPER.readTree(run.toFile()));
        Path target = out != null ? out : dir.resolve("result.json");
        AtomicFile.write(target, (Json.write(result) + "\n").getBytes(StandardCharsets.UTF_8));
        var w = spec.commandLine().getOut();
        if (named) w.println(dir.getFileName() + ":");
        scores.properties().forEach(e -> {
            if (!e.getKey().startsWith("_")) w.printf("%-22s %s%n", e.getKey(), e.getValue());
        });
        if (scores.has("_unscored")) scores.get("_unscored").forEach(n -> w.println("unscored: " + n.asText()));
        w.println("wrote " + target);
    }
}
