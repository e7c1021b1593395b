package io.kvasir.compression;

import java.util.Locale;

/**
 * How the scores of the query heads that share one KV head are reduced to one score per stored
 * head in {@link GqaMode#NATIVE} mode (KVCache-Factory's {@code --gqa_score_agg}; docs/methods/common.md#gqa-native-or-repeat).
 */
public enum ScoreAggregation {
    MEAN,
    MAX,
    SUM;

    /** Parses "mean", "max" or "sum" (case-insensitive). */
    public static ScoreAggregation parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "mean" -> MEAN;
            case "max" -> MAX;
            case "sum" -> SUM;
            default -> throw new IllegalArgumentException("unknown GQA score aggregation '" + name + "'; known: mean, max, sum");
        };
    }
}
