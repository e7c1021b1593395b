package io.kvasir.compression.windowkv;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KeptPositions;
import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.policy.LayerPrefill;
import io.kvasir.compression.scoring.ObservationScores;

/**
 * WindowKV (docs/methods/windowkv.md#the-rule): each group of G layers keeps whole review windows chosen once by its leader
 * (the group's first layer) from the leader's observation-window attention; followers gather the same
 * windows from their own K/V without scoring. One window set per layer, applied to every stored
 * head, plus the observation window. Budgets follow {@link GroupBudget}.
 *
 * <p>An instance serves one sequence and must see its layers in order 0..N-1: the published windows
 * are per request and per group, never shared across requests (the reference keeps them in a
 * process-global attribute, docs/methods/windowkv.md#differences-from-the-reference).
 *
 * <p>Reference bug fixed: when a leader keeps no window (tiny budget) it publishes an empty list, so
 * its followers keep only their observation window; the reference leaves the previous group's list in
 * place and followers gather stale windows (docs/methods/windowkv.md#differences-from-the-reference).
 */
public final class WindowKvPolicy implements CompressionPolicy {
    /** The method\'s name on the command line and in results. */
    public static final String NAME = "windowkv";

    private final WindowKvOptions options;
    private final WindowStrategy strategy;
    private final int[] layerBudgets;
    /** G for this model. */
    private final int groupSize;
    private final boolean fp16Emulation;

    private int publishedGroup = -1;
    private int publishedPromptLength;
    /** The current group's kept window indices, ascending; null when the group does not compress. */
    private int[] publishedWindows;

    /**
     * @param layout        the model's cache layout (its layer count fixes the budget table)
     * @param meanBudget    M, mean review tokens per layer, observation window excluded
     * @param options       window size, grouping, suffixes, beta, strict-budget flag
     * @param strategy      this request's statistic (from a {@link TaskClassifier})
     * @param fp16Emulation round probabilities, attention sums and window means to fp16 like the
     *                      fp16 reference, for parity runs (docs/methods/common.md#fp16-scores)
     */
    public WindowKvPolicy(KvLayout layout, int meanBudget, WindowKvOptions options, WindowStrategy strategy,
                          boolean fp16Emulation) {
        this.options = options;
        this.strategy = strategy;
        this.groupSize = options.groupSize(layout.layers());
        this.layerBudgets = new GroupBudget(layout.layers(), groupSize, meanBudget, options.beta()).perLayer();
        this.fp16Emulation = fp16Emulation;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The request's strategy. */
    public WindowStrategy strategy() {
        return strategy;
    }

    /** Review-token budget B_l of every layer. */
    public int[] layerBudgets() {
        return layerBudgets.clone();
    }

    /** The observation window (the suffix) that leaders score review windows with. */
    @Override
    public int queryRowsNeeded(int promptLength) {
        return Math.min(promptLength, options.suffix(strategy));
    }

    @Override
    public int[][] select(LayerPrefill prefill) {
        int layer = prefill.layer();
        if (layer < 0 || layer >= layerBudgets.length) {
            throw new IllegalArgumentException("layer " + layer + " outside the " + layerBudgets.length + " layers windowkv was built for");
        }
        int n = prefill.promptLength();
        int reviewLength = n - options.suffix(strategy);
        int group = layer / groupSize;
        if (layer % groupSize == 0) {
            publishedGroup = group;
            publishedPromptLength = n;
            publishedWindows = leaderWindows(prefill, reviewLength, layerBudgets[layer]);
        } else if (publishedGroup != group || publishedPromptLength != n) {
            throw new IllegalStateException("windowkv follower layer " + layer + " needs leader layer "
                    + group * groupSize + " of the same prompt to run first");
        }
        if (publishedWindows == null) {
            return KeptPositions.all(prefill.layout(), n);
        }
        int[] positions = WindowSelection.positions(publishedWindows, reviewLength, options.reviewWindow(), n);
        return KeptPositions.same(prefill.layout(), positions);
    }

    /**
     * Most prompt entries each stored head of each layer keeps for a prompt of {@code promptLength}
     * tokens, without scoring it (the byte-budget planner's count). Exact except that the soft budget
     * counts every kept window as full although the partial last window may be among them.
     */
    public static int[] keptUpperBound(int layers, WindowKvOptions options, int meanBudget, WindowStrategy strategy,
                                       int promptLength) {
        int[] budgets = new GroupBudget(layers, options.groupSize(layers), meanBudget, options.beta()).perLayer();
        int suffix = options.suffix(strategy);
        int reviewLength = promptLength - suffix;
        int w = options.reviewWindow();
        int[] out = new int[layers];
        for (int l = 0; l < layers; l++) {
            int budget = budgets[l];
            if (reviewLength <= budget) {
                out[l] = promptLength;
                continue;
            }
            int keep = WindowSelection.keepCount(reviewLength, w, budget);
            int review;
            if (budget == 0 || (keep == 0 && !options.strictBudget())) {
                review = 0;
            } else {
                review = options.strictBudget() ? budget : Math.min(reviewLength, keep * w);
            }
            out[l] = review + suffix;
        }
        return out;
    }

    /** Null when the whole review region fits the budget (no compression for the group). */
    private int[] leaderWindows(LayerPrefill prefill, int reviewLength, int budget) {
        if (reviewLength <= budget) {
            return null;
        }
        int w = options.reviewWindow();
        int keep = WindowSelection.keepCount(reviewLength, w, budget);
        if (budget == 0 || (keep == 0 && !options.strictBudget())) {
            return new int[0];
        }
        int suffix = options.suffix(strategy);
        float[][] attention = ObservationScores.columnSums(prefill, suffix, reviewLength, fp16Emulation);
        float[] scores = ReviewWindows.scores(attention, reviewLength, w, strategy, fp16Emulation);
        return options.strictBudget()
                ? WindowSelection.bestWithin(scores, reviewLength, w, budget)
                : WindowSelection.best(scores, keep);
    }
}
