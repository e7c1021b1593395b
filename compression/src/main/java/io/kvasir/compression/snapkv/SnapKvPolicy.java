package io.kvasir.compression.snapkv;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KeptPositions;
import io.kvasir.compression.policy.LayerPrefill;

/**
 * SnapKV (docs/methods/snapkv.md#the-rule): every layer keeps {@code budget - window} selected tokens plus the
 * observation window per stored head; prompts no longer than the budget are kept whole (docs/methods/common.md#short-prompts).
 */
public final class SnapKvPolicy implements CompressionPolicy {
    /** The method\'s name on the command line and in results. */
    public static final String NAME = "snapkv";

    private final int budget;
    private final SnapKvSelection selection;

    /** @param budget tokens kept per layer and stored head, the window included (docs/methods/common.md#budget) */
    public SnapKvPolicy(int budget, SnapKvSelection selection) {
        if (budget <= selection.window()) {
            throw new IllegalArgumentException("snapkv budget (" + budget + " tokens) must be larger than the window ("
                    + selection.window() + " tokens)");
        }
        this.budget = budget;
        this.selection = selection;
    }

    /** Tokens kept per layer and stored head, the window included. */
    public int budget() {
        return budget;
    }

    /** The selection rule the budget feeds. */
    public SnapKvSelection selection() {
        return selection;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The observation window (docs/methods/common.md#observation-window-scores). */
    @Override
    public int queryRowsNeeded(int promptLength) {
        return Math.min(promptLength, selection.window());
    }

    @Override
    public int[][] select(LayerPrefill prefill) {
        return KeptPositions.ascending(selectInCacheOrder(prefill));
    }

    @Override
    public int[][] selectInCacheOrder(LayerPrefill prefill) {
        if (prefill.promptLength() <= budget) {
            return KeptPositions.all(prefill.layout(), prefill.promptLength());
        }
        return selection.selectInCacheOrder(prefill, budget - selection.window());
    }
}
