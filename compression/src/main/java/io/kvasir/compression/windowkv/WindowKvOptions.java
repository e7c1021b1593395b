package io.kvasir.compression.windowkv;

import java.util.Objects;

/**
 * WindowKV's own parameters, reference defaults in {@link #defaults()} (docs/methods/windowkv.md#parameters-and-defaults).
 *
 * @param reviewWindow w, tokens per review window; at least 2 so that the "max" top-k floor(w/2) is
 *                     not empty (docs/methods/windowkv.md#differences-from-the-reference)
 * @param sharedLayers G, layers per group sharing the leader's windows and one budget
 * @param suffixMax    observation window for the "max" strategy
 * @param suffixAvg    observation window for the "average" strategy
 * @param beta         group pyramid steepness
 * @param taskType     how the strategy is chosen per request
 * @param strictBudget count the partial window's real length so kept review tokens never exceed the
 *                     layer budget; off by default because the paper ran the soft rule (docs/methods/windowkv.md#how-many-windows)
 */
public record WindowKvOptions(int reviewWindow, int sharedLayers, int suffixMax, int suffixAvg, int beta,
                              TaskType taskType, boolean strictBudget) {
    public WindowKvOptions {
        Objects.requireNonNull(taskType, "windowkv task type");
        if (reviewWindow < 2) {
            throw new IllegalArgumentException("windowkv review window must be at least 2 tokens (the max strategy keeps the top floor(w/2) scores), got "
                    + reviewWindow);
        }
        if (sharedLayers < 1) {
            throw new IllegalArgumentException("windowkv shared-layers must be at least 1, got " + sharedLayers);
        }
        if (suffixMax < 1 || suffixAvg < 1) {
            throw new IllegalArgumentException("windowkv observation windows must be at least 1 token, got suffix-max "
                    + suffixMax + ", suffix-avg " + suffixAvg);
        }
        if (beta < 1) {
            throw new IllegalArgumentException("windowkv beta must be at least 1, got " + beta);
        }
    }

    /** w = 8, G = 8, suffixes 32 / 16, beta 14, classifier-chosen strategy, soft budget. */
    public static WindowKvOptions defaults() {
        return new WindowKvOptions(8, 8, 32, 16, 14, TaskType.AUTO, false);
    }

    /** Observation window s for a strategy. */
    public int suffix(WindowStrategy strategy) {
        return strategy == WindowStrategy.MAX ? suffixMax : suffixAvg;
    }
}
