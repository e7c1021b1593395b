package io.kvasir.compression;

/**
 * PyramidKV (docs/methods/pyramidkv.md#the-rule): SnapKV's scoring and selection with the per-layer counts of
 * {@link PyramidBudget}; each layer also keeps the observation window.
 */
public final class PyramidKvPolicy implements CompressionPolicy {
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
        return CompressionMethod.PYRAMIDKV.cliName();
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
