package io.kvasir.bench.ruler;

import java.util.List;
import java.util.Locale;

/** RULER's {@code string_match_all} (docs/benchmarks.md#ruler). */
public final class StringMatchAll {
    private StringMatchAll() {}

    /** Share of references r with r.lower() a substring of prediction.lower(). */
    public static double example(String prediction, List<String> references) {
        if (references.isEmpty()) return 0.0;
        String p = prediction.toLowerCase(Locale.ROOT);
        long hits = references.stream().filter(r -> p.contains(r.toLowerCase(Locale.ROOT))).count();
        return (double) hits / references.size();
    }

    /** {@code round(100 * mean, 2)} over examples (sequential sum, Python rounding). */
    public static double task(List<String> predictions, List<List<String>> references) {
        double total = 0;
        for (int i = 0; i < predictions.size(); i++) total += example(predictions.get(i), references.get(i));
        return io.kvasir.bench.longbench.LongBenchScorer.round2(100 * total / predictions.size());
    }
}
