package io.kvasir.model;

import io.kvasir.kernels.Parallel;
import io.kvasir.kernels.VectorMath;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Causal attention over a prompt with the uncompressed K/V, so that compression never changes the
 * prefill output, computed one chunk of queries at a time against the keys of the chunk and all
 * earlier ones. Optionally accumulates, per query head, the probability mass each key received from
 * all prompt queries (what H2O ranks by), inside the same pass. One instance serves every layer of
 * one prefill; its buffers are allocated once.
 */
final class PrefillAttention {
    private final int tokens;
    private final int heads;
    private final int kvHeads;
    private final int headDim;
    private final float scale;
    /**
     * Keys transposed per KV head ([kvHeads][headDim][tokens]): a query's scores against all earlier
     * keys then accumulate one dimension at a time across contiguous keys, which vectorises over
     * keys and needs no horizontal reduction per key. A chunk's keys are added as it arrives.
     */
    private final float[][] keysT;
    /** [heads][tokens] accumulated attention of the current layer, or null. */
    private final float[] mass;
    /**
     * Score rows [tokens], one per task running at once: a task takes one and gives it back, so the
     * tasks of every chunk and layer share as many as there are threads (kept here rather than in
     * thread-locals so that they go when the prefill ends).
     */
    private final ConcurrentLinkedQueue<float[]> scoreRows = new ConcurrentLinkedQueue<>();

    PrefillAttention(ModelConfig c, int tokens, boolean withMass) {
        this.tokens = tokens;
        this.heads = c.numHeads();
        this.kvHeads = c.numKvHeads();
        this.headDim = c.headDim();
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        this.keysT = new float[kvHeads][headDim * tokens];
        this.mass = withMass ? new float[heads * tokens] : null;
    }

    /** The current layer's accumulated attention [heads][tokens], or null when not asked for. */
    float[] mass() {
        return mass;
    }

    /** Clears the accumulated attention before a layer's first chunk. */
    void startLayer() {
        if (mass != null) {
            Arrays.fill(mass, 0f);
        }
    }

    /**
     * Attention of the current chunk of s: its queries ({@code s.q}, after RoPE) against the keys and
     * values of rows 0 .. each query's own ({@code s.v} and the transposed keys, to which the chunk's
     * keys are added first), written to the chunk's rows of {@code s.attn}.
     */
    void attend(ForwardState s) {
        int first = s.chunkStart;
        int rows = s.chunkRows;
        int qDim = heads * headDim;
        int kvDim = kvHeads * headDim;
        int group = heads / kvHeads;
        float[] q = s.q;
        float[] v = s.v;
        float[] out = s.attn;
        Parallel.forEach(kvHeads, g -> {
            for (int j = first; j < first + rows; j++) {
                for (int d = 0; d < headDim; d++) {
                    keysT[g][d * tokens + j] = s.kChunk[(j - first) * kvDim + g * headDim + d];
                }
            }
        });
        // One task per (head, block of queries): each head's mass row is written by one thread at a
        // time only when blocks are not split, so with mass we split by head alone.
        int blocks = mass == null ? Math.max(1, Math.min(rows, 8)) : 1;
        int blockSize = (rows + blocks - 1) / blocks;
        Parallel.forEach(heads * blocks, task -> {
            int h = task / blocks;
            int i0 = (task % blocks) * blockSize;
            int i1 = Math.min(rows, i0 + blockSize);
            int kvOff = (h / group) * headDim;
            float[] kt = keysT[h / group];
            float[] taken = scoreRows.poll();
            float[] row = taken != null ? taken : new float[tokens];
            for (int i = i0; i < i1; i++) {
                int t = first + i;
                int qOff = i * qDim + h * headDim;
                Arrays.fill(row, 0, t + 1, 0f);
                for (int d = 0; d < headDim; d++) {
                    VectorMath.axpy(scale * q[qOff + d], kt, d * tokens, row, 0, t + 1);
                }
                VectorMath.softmax(row, 0, t + 1);
                Arrays.fill(out, qOff, qOff + headDim, 0f);
                for (int j = 0; j <= t; j++) {
                    VectorMath.axpy(row[j], v, j * kvDim + kvOff, out, qOff, headDim);
                }
                if (mass != null) {
                    for (int j = 0; j <= t; j++) {
                        mass[h * tokens + j] += row[j];
                    }
                }
            }
            scoreRows.add(row);
        });
    }
}
