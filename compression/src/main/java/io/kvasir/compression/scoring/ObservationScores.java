package io.kvasir.compression.scoring;

import io.kvasir.compression.policy.KvLayout;
import io.kvasir.compression.policy.LayerPrefill;
import io.kvasir.kernels.Parallel;
import io.kvasir.kernels.VectorMath;

/**
 * Observation-window attention evidence (docs/methods/common.md#observation-window-scores): how much attention
 * the last {@code w} prompt queries give each earlier key. The SnapKV family and WindowKV differ only
 * in what they do with these column sums, so both read them from here.
 *
 * <p>For query head h, window row r (absolute position t = T - w + r) and key j:
 * {@code z = q_t . k_j / sqrt(D)}; keys after t are masked (inside the window only, since every key
 * before the window precedes t anyway); softmax over the visible keys in float32; the score of
 * candidate j is the sum of that probability over the w rows.
 */
public final class ObservationScores {
    private ObservationScores() {}

    /**
     * Column sums per query head.
     *
     * @param prefill       the layer's tensors
     * @param window        observation rows w (the last w prompt queries), 1..T
     * @param candidates    how many leading key positions to report (usually T - w)
     * @param fp16Emulation round each probability, and each column sum, to fp16 as the reference
     *                      (fp16 model, probabilities cast back to the model dtype) does; only for
     *                      parity runs, since it creates ties that float32 resolves by value
     * @return [queryHeads][candidates]
     */
    public static float[][] columnSums(LayerPrefill prefill, int window, int candidates, boolean fp16Emulation) {
        KvLayout layout = prefill.layout();
        int n = prefill.promptLength();
        if (window < 1 || window > n) {
            throw new IllegalArgumentException("observation window " + window + " outside 1.." + n);
        }
        if (candidates < 0 || candidates > n) {
            throw new IllegalArgumentException("candidate count " + candidates + " outside 0.." + n);
        }
        int hq = layout.queryHeads();
        float[][] out = new float[hq][candidates];
        Parallel.forEach(hq, h -> accumulateHead(prefill, h, window, out[h], fp16Emulation));
        if (fp16Emulation) {
            for (float[] row : out) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = toHalf(row[j]);
                }
            }
        }
        return out;
    }

    private static void accumulateHead(LayerPrefill p, int h, int window, float[] out, boolean fp16) {
        KvLayout layout = p.layout();
        int n = p.promptLength();
        int d = layout.headDim();
        int kv = h / layout.groupSize();
        int kStride = layout.kvHeads() * d;
        float sqrtD = (float) Math.sqrt(d);
        float[] logits = new float[n];
        for (int t = n - window; t < n; t++) {
            int qOff = p.queryOffset(t) + h * d;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j <= t; j++) {
                float z = VectorMath.dot(p.queries(), qOff, p.keys(), j * kStride + kv * d, d) / sqrtD;
                logits[j] = z;
                max = Math.max(max, z);
            }
            double sum = 0;
            for (int j = 0; j <= t; j++) {
                float e = (float) Math.exp(logits[j] - max);
                logits[j] = e;
                sum += e;
            }
            int limit = Math.min(out.length, t + 1);
            for (int j = 0; j < limit; j++) {
                float prob = (float) (logits[j] / sum);
                out[j] += fp16 ? toHalf(prob) : prob;
            }
        }
    }

    /** Rounds to the nearest fp16 value, as a cast to torch.float16 does. */
    public static float toHalf(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }
}
