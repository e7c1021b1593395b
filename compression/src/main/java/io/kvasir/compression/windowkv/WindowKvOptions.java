package io.kvasir.compression.windowkv;

import java.util.Objects;

/**
 * WindowKV's own parameters, reference defaults in {@link #defaults()} (docs/methods/windowkv.md#parameters-and-defaults).
 *
 * @param reviewWindow w, tokens per review window; at least 2 so that the "max" top-k floor(w/2) is
 *                     not empty (docs/methods/windowkv.md#differences-from-the-reference)
 * @param sharedLayers G, layers per group sharing the leader's windows and one budget; 0 chooses it
 *                     per model ({@link #groupSize(int)})
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
        if (sharedLayers < AUTO_SHARED_LAYERS) {
            throw new IllegalArgumentException("--shared-layers must be at least 1 (or auto), got " + sharedLayers);
        }
        if (suffixMax < 1 || suffixAvg < 1) {
            throw new IllegalArgumentException("windowkv observation windows must be at least 1 token, got suffix-max "
                    + suffixMax + ", suffix-avg " + suffixAvg);
        }
        if (beta < 1) {
            throw new IllegalArgumentException("windowkv beta must be at least 1, got " + beta);
        }
    }

    /** sharedLayers meaning "choose G per model" ({@link #groupSize(int)}). */
    public static final int AUTO_SHARED_LAYERS = 0;
    /** G when chosen per model: at most the reference's 8. */
    public static final int AUTO_SHARED_LAYERS_MAX = 8;

    /** w = 8, G chosen per model (8 for 32 layers), suffixes 32 / 16, beta 14, classifier-chosen strategy, soft budget. */
    public static WindowKvOptions defaults() {
        return new WindowKvOptions(8, AUTO_SHARED_LAYERS, 32, 16, 14, TaskType.AUTO, false);
    }

    /**
     * G for a model of {@code layers} layers: the one set, or else the largest divisor of the layer
     * count that is at most 8. The groups must tile the layers, and 8 is the reference's G (its
     * models have 32 layers); the largest such divisor keeps as few leaders, i.e. as little scoring,
     * as the reference where it can (28 layers: 7, 4 layers: 4, a prime count above 8: 1).
     */
    public int groupSize(int layers) {
        if (sharedLayers != AUTO_SHARED_LAYERS) {
            return sharedLayers;
        }
        int g = Math.min(AUTO_SHARED_LAYERS_MAX, layers);
        while (g > 1 && layers % g != 0) {
            g--;
        }
        return Math.max(1, g);
    }

    /** Observation window s for a strategy. */
    public int suffix(WindowStrategy strategy) {
        return strategy == WindowStrategy.MAX ? suffixMax : suffixAvg;
    }
}
