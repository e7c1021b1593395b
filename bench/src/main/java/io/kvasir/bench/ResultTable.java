package io.kvasir.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A markdown table comparing result files: LongBench / RULER {@code result.json} ({name: score}) and needle
 * {@code summary.json} (overall_score x100). One row per run, one column per dataset or task, then Avg
 * (plain mean of the row's scores, as papers report).
 */
public final class ResultTable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultTable() {}

    public record Run(String label, Map<String, Double> scores) {}

    /** Reads a result file, or the result.json / summary.json inside a folder. */
    public static Run read(Path path) {
        Path file = path;
        if (Files.isDirectory(path)) {
            file = Files.exists(path.resolve("result.json")) ? path.resolve("result.json") : path.resolve("summary.json");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        JsonNode meta;
        if ("needle".equals(root.path("benchmark").asText())) {
            scores.put("needle", root.path("overall_score").asDouble() * 100);
            meta = root;
        } else {
            root.properties().forEach(e -> {
                if (!e.getKey().startsWith("_") && e.getValue().isNumber()) scores.put(e.getKey(), e.getValue().asDouble());
            });
            meta = root.path("_meta").has("run") ? root.path("_meta").path("run") : root.path("_meta");
        }
        if (scores.isEmpty()) throw new IllegalArgumentException(file + ": no scores found");
        return new Run(label(meta, path), scores);
    }

    private static String label(JsonNode meta, Path path) {
        String method = meta.path("method").asText("");
        if (method.isEmpty()) return path.toString();
        JsonNode budget = meta.path("compression").path("budget");
        return method.equals("full") || budget.isMissingNode() ? method : method + " " + budget.asInt();
    }

    public static String markdown(List<Run> runs) {
        Set<String> columns = new LinkedHashSet<>();
        runs.forEach(r -> columns.addAll(r.scores().keySet()));
        StringBuilder sb = new StringBuilder("| run |");
        columns.forEach(c -> sb.append(' ').append(c).append(" |"));
        sb.append(" Avg |\n|---|");
        columns.forEach(c -> sb.append("---:|"));
        sb.append("---:|\n");
        for (Run r : runs) {
            sb.append("| ").append(r.label()).append(" |");
            List<Double> present = new ArrayList<>();
            for (String c : columns) {
                Double v = r.scores().get(c);
                sb.append(' ').append(v == null ? "-" : String.format(Locale.ROOT, "%.2f", v)).append(" |");
                if (v != null) present.add(v);
            }
            double avg = present.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            sb.append(' ').append(String.format(Locale.ROOT, "%.2f", avg)).append(" |\n");
        }
        return sb.toString();
    }
}
