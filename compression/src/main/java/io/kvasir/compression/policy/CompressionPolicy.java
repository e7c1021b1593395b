package io.kvasir.compression.policy;

/**
 * Decides, at the end of a layer's prefill, which prompt positions each stored head keeps.
 * One scoring rule per implementation.
 */
public interface CompressionPolicy {
    /** Short name as used on the command line. */
    String name();

    /**
     * Kept prompt positions for each stored head of the layer, ascending, each in [0, promptLength).
     * The result has {@code prefill.layout().storedHeads()} rows.
     */
    int[][] select(LayerPrefill prefill);

    /**
     * {@link #select}'s positions in the order QPruningKV's cache holds them, which {@code --quant
     * reference} quantizes in (its groups run over that order): the top-k methods gather their
     * candidates best first (torch.topk's order; ties here to the lower position) and append the
     * window; the others keep prompt order, the default.
     */
    default int[][] selectInCacheOrder(LayerPrefill prefill) {
        return select(prefill);
    }

    /**
     * How many of the prompt's last query rows {@link #select} reads ({@link LayerPrefill#queries()}):
     * the prefill computes queries chunk by chunk and keeps only these, so a policy that reads an
     * observation window of w rows says w here. The default, every row, is always correct but
     * holds [promptLength x queryHeads x headDim] floats per layer.
     */
    default int queryRowsNeeded(int promptLength) {
        return promptLength;
    }

    /** Whether the prefill attention must accumulate {@link LayerPrefill#attentionMass()}. */
    default boolean needsAttentionMass() {
        return false;
    }

    /**
     * The policy that does the selecting, without wrappers that only observe it (timing): a backend
     * that runs a known rule itself (on a device) reads its settings from there.
     */
    default CompressionPolicy unwrap() {
        return this;
    }
}
