package io.kvasir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.stream.Stream;

/**
 * A markdown table comparing result files: LongBench / RULER {@code result.json} ({name: score}) and needle
 * {@code summary.json} (overall_score x100). One row per run (method, budget, requested KV bits, effective bits
 * per cached entry, mean KV bytes held per sequence), one column per dataset or task, then Avg (plain mean of the
 * row's scores, as papers report), the model and the run's file or folder, so that rows from different folders
 * or models can be told apart. Files kvasir did not write (no {@code _meta}, not a needle summary) are refused.
 */
public final class ResultTable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> RESULT_FILES = List.of("result.json", "summary.json");

    private ResultTable() {}

    /**
     * One run. budget is null for full (it keeps every token) and for results without run metadata, like kvBits,
     * effectiveBits, meanKvBytes and model; method is then the file's path. run is the file or folder it was read from.
     */
    public record Run(String method, Integer budget, Integer kvBits, Double effectiveBits, Double meanKvBytes,
                      Map<String, Double> scores, String model, String run) {}

    /**
     * The runs of a result file, of a run folder (its result.json or summary.json), or of a sweep folder (those of
     * its subfolders, ordered by method with full first, budget, then bits from wide to narrow).
     */
    public static List<Run> read(Path path) {
        if (!Files.isDirectory(path)) return List.of(readFile(path, path));
        for (String name : RESULT_FILES) {
            if (Files.isRegularFile(path.resolve(name))) return List.of(readFile(path.resolve(name), path));
        }
        List<Run> runs = new ArrayList<>();
        try (Stream<Path> s = Files.list(path)) {
            for (Path sub : s.filter(Files::isDirectory).sorted().toList()) {
                for (String name : RESULT_FILES) {
                    if (Files.isRegularFile(sub.resolve(name))) {
                        runs.add(readFile(sub.resolve(name), sub));
                        break;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(path + ": no result.json or summary.json in it or its subfolders"
                    + " (score LongBench predictions with 'kvasir longbench-score --pred " + path + "' first)");
        }
        runs.sort(Comparator.comparing((Run r) -> !r.method().equals("full")).thenComparing(Run::method)
                .thenComparing(r -> r.budget() == null ? -1 : r.budget())
                .thenComparing(r -> r.kvBits() == null ? 0 : -r.kvBits()));
        return runs;
    }

    private static Run readFile(Path file, Path shownAs) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        JsonNode meta;
        if (!root.path("_meta").isObject() && !"needle".equals(root.path("benchmark").asText())) {
            throw new IllegalArgumentException(file + ": not a kvasir result (no _meta; expected a longbench-score or"
                    + " ruler result.json, or a needle summary.json)");
        }
        if ("needle".equals(root.path("benchmark").asText())) {
            scores.put("needle", root.path("overall_score").asDouble() * 100);
            meta = root;
        } else {
            root.properties().forEach(e -> {
                if (!e.getKey().startsWith("_") && e.getValue().isNumber()) scores.put(e.getKey(), e.getValue().asDouble());
            });
            meta = root.path("_meta").path("run").isObject() ? root.path("_meta").path("run") : root.path("_meta");
        }
        if (scores.isEmpty()) throw new IllegalArgumentException(file + ": no scores found");
        String method = meta.path("method").asText("");
        String run = shownAs.toString();
        if (method.isEmpty()) return new Run(run, null, null, null, null, scores, null, run);
        JsonNode budget = meta.path("compression").path("budget");
        String model = meta.path("model").asText("");
        return new Run(method, method.equals("full") || !budget.isNumber() ? null : budget.asInt(),
                meta.path("kv_bits").isNumber() ? meta.get("kv_bits").asInt() : null,
                number(meta, "mean_kv_effective_bits"), number(meta, "mean_kv_bytes"), scores,
                model.isEmpty() ? null : folderName(model), run);
    }

    /** The last part of a model path (the folder name tells models apart; whole paths would fill the row). */
    private static String folderName(String path) {
        int end = path.endsWith("/") ? path.length() - 1 : path.length();
        return end <= 0 ? path : path.substring(path.lastIndexOf('/', end - 1) + 1, end);
    }

    private static Double number(JsonNode o, String field) {
        return o.path(field).isNumber() ? o.get(field).asDouble() : null;
    }

    /** The table; bytes formats the mean KV bytes with their unit. */
    public static String markdown(List<Run> runs, LongFunction<String> bytes) {
        Set<String> columns = new LinkedHashSet<>();
        runs.forEach(r -> columns.addAll(r.scores().keySet()));
        StringBuilder sb = new StringBuilder("| method | budget (tokens) | KV bits | effective bits | mean KV |");
        columns.forEach(c -> sb.append(' ').append(c).append(" |"));
        sb.append(" Avg | model | run |\n|---|---:|---:|---:|---:|");
        columns.forEach(c -> sb.append("---:|"));
        sb.append("---:|---|---|\n");
        for (Run r : runs) {
            sb.append("| ").append(r.method()).append(" | ").append(r.budget() == null ? "-" : r.budget())
                    .append(" | ").append(r.kvBits() == null ? "-" : r.kvBits())
                    .append(" | ").append(r.effectiveBits() == null ? "-"
                            : String.format(Locale.ROOT, "%.2f", r.effectiveBits()))
                    .append(" | ").append(r.meanKvBytes() == null ? "-" : bytes.apply(Math.round(r.meanKvBytes())))
                    .append(" |");
            List<Double> present = new ArrayList<>();
            for (String c : columns) {
                Double v = r.scores().get(c);
                sb.append(' ').append(v == null ? "-" : String.format(Locale.ROOT, "%.2f", v)).append(" |");
                if (v != null) present.add(v);
            }
            double avg = present.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            sb.append(' ').append(String.format(Locale.ROOT, "%.2f", avg)).append(" | ")
                    .append(r.model() == null ? "-" : r.model()).append(" | ").append(r.run()).append(" |\n");
        }
        return sb.toString();
    }
}
