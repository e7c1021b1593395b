package io.kvasir.compression.policy;

/**
 * What a compression policy sees at the end of one layer's prefill: plain tensors, never model
 * classes. Rows are token-major: keys[t * kvHeads * headDim + h * headDim + d].
 *
 * @param layer          layer index
 * @param layout         cache shape and GQA mode
 * @param promptLength   prompt tokens T
 * @param keys           [T][kvHeads][headDim], after RoPE
 * @param values         [T][kvHeads][headDim]
 * @param queries        [T - firstQueryRow][queryHeads][headDim], after RoPE: the prompt's last
 *                       query rows, as many as the policy reads ({@link
 *                       CompressionPolicy#queryRowsNeeded}; the observation window), since the
 *                       prefill computes queries chunk by chunk and keeps no more
 * @param attentionMass  [queryHeads][T]: for each key, the softmax probability it received summed
 *                       over all prompt queries; null unless the policy asked for it
 * @param firstQueryRow  prompt position of queries' row 0
 */
public record LayerPrefill(int layer, KvLayout layout, int promptLength, float[] keys, float[] values,
                           float[] queries, float[] attentionMass, int firstQueryRow) {
    /** Every prompt query row present. */
    public LayerPrefill(int layer, KvLayout layout, int promptLength, float[] keys, float[] values,
                        float[] queries, float[] attentionMass) {
        this(layer, layout, promptLength, keys, values, queries, attentionMass, 0);
    }

    /** Offset in {@link #queries} of prompt position t's query row, which must be present. */
    public int queryOffset(int t) {
        if (t < firstQueryRow || t >= promptLength) {
            throw new IllegalStateException("layer " + layer + ": query row " + t + " is not held (the prefill kept rows "
                    + firstQueryRow + ".." + (promptLength - 1) + "; the policy's queryRowsNeeded is too small)");
        }
        return (t - firstQueryRow) * layout.queryHeads() * layout.headDim();
    }
}
