package io.kvasir.compression;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The compression methods kvasir implements, by their command-line names. */
public enum CompressionMethod {
    /** Keep every prompt token (the uncompressed baseline). */
    FULL("full"),
    /** Attention sinks plus the most recent tokens, no scores. */
    STREAMING_LLM("streamingllm"),
    /** Heavy hitters by accumulated prefill attention, plus a recent window (one-shot prefill H2O). */
    H2O("h2o"),
    /** Observation-window scores, pooled, top-k per head. */
    SNAPKV("snapkv"),
    /** SnapKV selection with a per-layer pyramid of budgets. */
    PYRAMIDKV("pyramidkv"),
    /** Whole review windows chosen per layer group, task-adaptive statistic, group pyramid budget. */
    WINDOWKV("windowkv");

    private final String cliName;

    CompressionMethod(String cliName) {
        this.cliName = cliName;
    }

    /** Name as typed on the command line and returned by {@link CompressionPolicy#name()}. */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses a method name, case-insensitively ("SnapKV" and "snapkv" are the same; "fullkv" is
     * accepted for "full" because the reference scripts call it FullKV).
     */
    public static CompressionMethod parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (key.equals("fullkv")) {
            return FULL;
        }
        for (CompressionMethod m : values()) {
            if (m.cliName.equals(key)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown compression method '" + name + "'; known methods: " + known());
    }

    static String known() {
        return Arrays.stream(values()).map(CompressionMethod::cliName).collect(Collectors.joining(", "));
    }
}
