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
 * @param queries        [T][queryHeads][headDim], after RoPE (policies read the last rows as the
 *                       observation window)
 * @param attentionMass  [queryHeads][T]: for each key, the softmax probability it received summed
 *                       over all prompt queries; null unless the policy asked for it
 */
public record LayerPrefill(int layer, KvLayout layout, int promptLength, float[] keys, float[] values,
                           float[] queries, float[] attentionMass) {}
