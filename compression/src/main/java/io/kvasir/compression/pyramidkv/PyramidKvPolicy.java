package io.kvasir.compression.pyramidkv;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.compression.policy.KeptPositions;
import io.kvasir.compression.policy.LayerPrefill;
import io.kvasir.compression.snapkv.SnapKvSelection;

/**
 * PyramidKV (docs/methods/pyramidkv.md#the-rule): SnapKV's scoring and selection with the per-layer counts of
 * {@link PyramidBudget}; each layer also keeps the observation window.
 */
public final class PyramidKvPolicy implements CompressionPolicy {
    /** The method\'s name on the command line and in results. */
    public static final String NAME = "pyramidkv";

    private final PyramidBudget budget;
    private final SnapKvSelection selection;

    public PyramidKvPolicy(PyramidBudget budget, SnapKvSelection selection) {
        if (budget.window() != selection.window()) {
            throw new IllegalArgumentException("pyramid budget window (" + budget.window()
                    + ") differs from the selection window (" + selection.window() + ")");
        }
        this.budget = budget;
        this.selection = selection;
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
        int n = prefill.promptLength();
        if (n <= budget.budget()) {
            return KeptPositions.all(prefill.layout(), n);
        }
        return selection.selectInCacheOrder(prefill, budget.selected(prefill.layer(), n));
    }
}
