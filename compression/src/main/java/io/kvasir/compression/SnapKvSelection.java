package io.kvasir.compression;

/**
 * SnapKV's selection rule with a given count (docs/methods/snapkv.md#the-rule), shared by SnapKV and PyramidKV,
 * which differ only in how many candidates a layer keeps: observation-window column sums, GQA
 * reduction (after the window sum, before pooling), pooling, top-k per stored head, plus the window.
 *
 * @param window        observation window w
 * @param pooling       pooling of the candidate scores
 * @param kernel        odd pooling kernel size
 * @param aggregation   GQA reduction in native mode
 * @param fp16Emulation reference fp16 rounding of the probabilities (parity runs only)
 */
public record SnapKvSelection(int window, Pooling pooling, int kernel, ScoreAggregation aggregation,
                              boolean fp16Emulation) {
    public SnapKvSelection {
        if (window < 1) {
            throw new IllegalArgumentException("observation window must be at least 1 token, got " + window);
        }
        ScorePooling.checkKernel(kernel);
    }

    /**
     * Kept positions per stored head, ascending: the {@code count} best of the first {@code T - window}
     * positions, then the window. Everything when count covers all candidates.
     */
    public int[][] select(LayerPrefill prefill, int count) {
        return KeptPositions.ascending(selectInCacheOrder(prefill, count));
    }

    /** {@link #select}'s positions, the candidates best first, then the window (the reference's cache order). */
    public int[][] selectInCacheOrder(LayerPrefill prefill, int count) {
        int n = prefill.promptLength();
        KvLayout layout = prefill.layout();
        int candidates = n - window;
        if (candidates <= 0 || count >= candidates) {
            return KeptPositions.all(layout, n);
        }
        float[][] perQuery = ObservationScores.columnSums(prefill, window, candidates, fp16Emulation);
        float[][] perStored = GqaScores.perStoredHead(perQuery, layout, aggregation);
        int[][] kept = new int[perStored.length][];
        for (int s = 0; s < kept.length; s++) {
            float[] pooled = ScorePooling.apply(perStored[s], pooling, kernel);
            kept[s] = KeptPositions.withWindow(TopK.best(pooled, count), n, window);
        }
        return kept;
    }
}
