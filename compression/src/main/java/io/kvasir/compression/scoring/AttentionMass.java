package io.kvasir.compression.scoring;

import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.policy.LayerPrefill;
import io.kvasir.kernels.Parallel;
import io.kvasir.kernels.VectorMath;

/**
 * H2O's accumulated attention (docs/methods/h2o.md#the-rule): for every key, the softmax probability it
 * received summed over all prompt queries. The model normally accumulates this during its prefill
 * attention ({@link LayerPrefill#attentionMass()}); this class computes the same from Q and K so that
 * H2O works without it and so that the QPruningKV masking bug can be reproduced on request.
 */
public final class AttentionMass {
    /** Which keys each prompt query may see while the mass is accumulated. */
    public enum Mask {
        /** Query i sees keys 0..i: the H2O rule (KVCache-Factory's 2026 fix). */
        CAUSAL,
        /**
         * QPruningKV's H2O as published: only the bottom-right w x w block is causally masked, so
         * queries before the last w rows also see future keys (docs/methods/h2o.md#differences-from-the-reference, test H2).
         */
        WINDOW_BLOCK_ONLY
    }

    private AttentionMass() {}

    /**
     * Accumulated attention per query head and key, [queryHeads][T] flattened (the layout of
     * {@link LayerPrefill#attentionMass()}).
     *
     * @param window the recent window w; only used by {@link Mask#WINDOW_BLOCK_ONLY}
     */
    public static float[] compute(LayerPrefill prefill, Mask mask, int window) {
        KvLayout layout = prefill.layout();
        int n = prefill.promptLength();
        float[] mass = new float[layout.queryHeads() * n];
        Parallel.forEach(layout.queryHeads(), h -> accumulateHead(prefill, h, mask, window, mass));
        return mass;
    }

    private static void accumulateHead(LayerPrefill p, int h, Mask mask, int window, float[] mass) {
        KvLayout layout = p.layout();
        int n = p.promptLength();
        int d = layout.headDim();
        int kv = h / layout.groupSize();
        int kStride = layout.kvHeads() * d;
        float sqrtD = (float) Math.sqrt(d);
        float[] logits = new float[n];
        int rowOff = h * n;
        for (int i = 0; i < n; i++) {
            int qOff = p.queryOffset(i) + h * d;
            int visible = mask == Mask.CAUSAL || i >= n - window ? i + 1 : n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < visible; j++) {
                logits[j] = VectorMath.dot(p.queries(), qOff, p.keys(), j * kStride + kv * d, d) / sqrtD;
                max = Math.max(max, logits[j]);
            }
            double sum = 0;
            for (int j = 0; j < visible; j++) {
                logits[j] = (float) Math.exp(logits[j] - max);
                sum += logits[j];
            }
            for (int j = 0; j < visible; j++) {
                mass[rowOff + j] += (float) (logits[j] / sum);
            }
        }
    }
}
