package io.kvasir.compression.windowkv;

import java.util.Locale;
import java.util.Optional;

/** How WindowKV's strategy is decided for a request: by a classifier, or set by hand. */
public enum TaskType {
    /** Classify each prompt (dataset table when the dataset is known, keyword heuristic otherwise). */
    AUTO,
    /** Force the "qa" label, i.e. {@link WindowStrategy#MAX}. */
    QA,
    /** Force the "other" label, i.e. {@link WindowStrategy#AVERAGE}. */
    OTHER;

    /** The fixed strategy, or empty for {@link #AUTO}. */
    public Optional<WindowStrategy> fixedStrategy() {
        return switch (this) {
            case AUTO -> Optional.empty();
            case QA -> Optional.of(WindowStrategy.MAX);
            case OTHER -> Optional.of(WindowStrategy.AVERAGE);
        };
    }

    /** Parses "auto", "qa" (or "max") and "other" (or "average"), case-insensitively. */
    public static TaskType parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "auto" -> AUTO;
            case "qa", "max" -> QA;
            case "other", "average" -> OTHER;
            default -> throw new IllegalArgumentException("unknown windowkv task type '" + name
                    + "'; known: auto, qa (max), other (average)");
        };
    }
}
