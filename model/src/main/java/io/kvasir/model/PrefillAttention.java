package io.kvasir.model;

import io.kvasir.kernels.Parallel;
import io.kvasir.kernels.VectorMath;

/**
 * Causal attention over a whole prompt with the uncompressed K/V, so that compression never changes
 * the prefill output. Optionally accumulates, per query head, the probability mass each key
 * received from all prompt queries (what H2O ranks by), inside the same pass.
 */
final class PrefillAttention {
    private PrefillAttention() {}

    /**
     * @param q    [T][heads][headDim] after RoPE
     * @param k    [T][kvHeads][headDim] after RoPE
     * @param v    [T][kvHeads][headDim]
     * @param out  [T][heads][headDim], overwritten
     * @param mass [heads][T] accumulated attention, or null
     */
    static void run(float[] q, float[] k, float[] v, int tokens, int heads, int kvHeads, int headDim,
                    float[] out, float[] mass) {
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        int group = heads / kvHeads;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        // Keys transposed per KV head ([headDim][tokens]): a query's scores against all earlier keys
        // then accumulate one dimension at a time across contiguous keys, which vectorises over
        // keys and needs no horizontal reduction per key.
        float[][] keysT = new float[kvHeads][headDim * tokens];
        Parallel.forEach(kvHeads, g -> {
            for (int j = 0; j < tokens; j++) {
                for (int d = 0; d < headDim; d++) {
                    keysT[g][d * tokens + j] = k[j * kvDim + g * headDim + d];
                }
            }
        });
        // One task per (head, block of queries): each head's mass row is written by one thread at a
        // time only when blocks are not split, so with mass we split by head alone.
        int blocks = mass == null ? Math.max(1, Math.min(tokens, 8)) : 1;
        int blockSize = (tokens + blocks - 1) / blocks;
        Parallel.forEach(heads * blocks, task -> {
            int h = task / blocks;
            int t0 = (task % blocks) * blockSize;
            int t1 = Math.min(tokens, t0 + blockSize);
            int kvOff = (h / group) * headDim;
            float[] kt = keysT[h / group];
            float[] scores = new float[tokens];
            for (int t = t0; t < t1; t++) {
                int qOff = t * qDim + h * headDim;
                java.util.Arrays.fill(scores, 0, t + 1, 0f);
                for (int d = 0; d < headDim; d++) {
                    VectorMath.axpy(scale * q[qOff + d], kt, d * tokens, scores, 0, t + 1);
                }
                VectorMath.softmax(scores, 0, t + 1);
                int oOff = t * qDim + h * headDim;
                java.util.Arrays.fill(out, oOff, oOff + headDim, 0f);
                for (int j = 0; j <= t; j++) {
                    VectorMath.axpy(scores[j], v, j * kvDim + kvOff, out, oOff, headDim);
                }
                if (mass != null) {
                    for (int j = 0; j <= t; j++) {
                        mass[h * tokens + j] += scores[j];
                    }
                }
            }
        });
    }
}
