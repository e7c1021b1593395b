package io.kvasir.compression;

import java.util.Arrays;

/**
 * Top-k with a deterministic tie rule: higher score first, then lower position (docs/methods/common.md#top-k-and-ties,
 * docs/methods/windowkv.md#how-many-windows). PyTorch's topk gives no tie guarantee, and max-pooling plateaus make ties common, so
 * the rule has to be fixed for results to be reproducible.
 */
public final class TopK {
    private TopK() {}

    /** The k best positions of scores, ascending by position; all positions when k >= length. */
    public static int[] select(float[] scores, int k) {
        int[] kept = best(scores, k);
        Arrays.sort(kept);
        return kept;
    }

    /** The k best positions of scores, best first (torch.topk's sorted order); all when k >= length. */
    public static int[] best(float[] scores, int k) {
        int[] ranked = rank(scores);
        return Arrays.copyOf(ranked, Math.clamp(k, 0, ranked.length));
    }

    /** Every position, best first (score descending, then position ascending). */
    public static int[] rank(float[] scores) {
        long[] keys = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            keys[i] = ((long) ~sortableBits(scores[i]) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /** Int whose signed order is the float's numeric order (NaN ranks above everything). */
    private static int sortableBits(float score) {
        int bits = Float.floatToIntBits(score + 0.0f); // + 0.0f folds -0.0 into +0.0
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }
}
