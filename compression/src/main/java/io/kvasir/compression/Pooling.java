package io.kvasir.compression;

import java.util.Locale;

/**
 * 1-D pooling of candidate scores before top-k (SnapKV family, docs/methods/snapkv.md#pooling). Pooling makes a token's
 * score its neighbourhood's, so kept tokens come in small clusters rather than isolated points.
 */
public enum Pooling {
    /** Scores used as they are (the same as any pooling with kernel 1). */
    NONE,
    /** Neighbourhood maximum; padding acts as minus infinity. */
    MAXPOOL,
    /** Neighbourhood mean with divisor always the kernel size (PyTorch count_include_pad). */
    AVGPOOL;

    /** Parses "maxpool", "avgpool" or "none" (case-insensitive). */
    public static Pooling parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "maxpool", "max" -> MAXPOOL;
            case "avgpool", "avg" -> AVGPOOL;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("unknown pooling '" + name + "'; known: maxpool, avgpool, none");
        };
    }
}
