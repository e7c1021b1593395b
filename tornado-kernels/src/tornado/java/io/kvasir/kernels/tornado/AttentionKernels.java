package io.kvasir.kernels.tornado;

import uk.ac.manchester.tornado.api.annotations.Parallel;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;

/**
 * TornadoVM kernels of attention: RoPE, the per-stored-head KV cache (append, decode attention over
 * ragged lengths) and causal prefill attention.
 *
 * <p>Cache layout on the device: {@code cache[(s * capacity + i) * headDim + d]} for stored head s,
 * entry i. Stored head s holds the K/V of KV head {@code s * kvHeads / storedHeads} (native GQA: one
 * per KV head; repeat mode: one per query head), and query head h reads stored head
 * {@code h * storedHeads / heads}. {@code slots[s]} is the entry a decode step writes, i.e. the number
 * of entries before it; attention then covers {@code slots[s] + 1} entries. The host owns these
 * per-step ints and sends them in a small array, so the kernels never need recompiling.
 */
public final class AttentionKernels {
    private AttentionKernels() {}

    /**
     * Rotate-half RoPE of rows x[t][heads][headDim] at positions position[0] + t, t < tokens. The angle
     * is the float product of position and inverse frequency (llama3 scaling is already in invFreq),
     * cos/sin in double then rounded, as the CPU's {@link io.kvasir.kernels.Rope} does.
     */
    public static void rope(FloatArray x, FloatArray invFreq, IntArray position, int tokens, int heads, int headDim) {
        int half = headDim / 2;
        for (@Parallel int t = 0; t < tokens; t++) {
            for (@Parallel int hi = 0; hi < heads * half; hi++) {
                int h = hi / half;
                int i = hi - h * half;
                float angle = (float) (position.get(0) + t) * invFreq.get(i);
                float cos = (float) TornadoMath.cos((double) angle);
                float sin = (float) TornadoMath.sin((double) angle);
                int base = (t * heads + h) * headDim;
                float a = x.get(base + i);
                float b = x.get(base + i + half);
                x.set(base + i, a * cos - b * sin);
                x.set(base + i + half, b * cos + a * sin);
            }
        }
    }

    /**
     * Writes this step's k, v ([kvHeads][headDim]) into entry slots[s] of every stored head; a negative
     * slot leaves the head unchanged.
     *
     * <p>The kernel reads the cache on purpose: TornadoVM deduces each argument's access from the
     * kernel body, and an argument the kernel only writes gets no host-to-device copy (its other
     * entries would be garbage). The read on the "unchanged" path makes the cache read-write.
     */
    public static void cacheAppend(FloatArray k, FloatArray v, FloatArray keyCache, FloatArray valueCache, IntArray slots,
                                   int storedHeads, int kvHeads, int capacity, int headDim) {
        for (@Parallel int sd = 0; sd < storedHeads * headDim; sd++) {
            int s = sd / headDim;
            int d = sd - s * headDim;
            int slot = slots.get(s);
            int src = (s * kvHeads / storedHeads) * headDim + d;
            int dst = (s * capacity + Math.max(slot, 0)) * headDim + d;
            keyCache.set(dst, slot >= 0 ? k.get(src) : keyCache.get(dst));
            valueCache.set(dst, slot >= 0 ? v.get(src) : valueCache.get(dst));
        }
    }

    /**
     * Writes a prompt's K/V rows t < count[0] ([tokens][kvHeads][headDim], K after RoPE) into entries
     * 0 .. count[0] - 1 of every stored head: the full cache after a prefill on the device.
     */
    public static void storePrompt(FloatArray k, FloatArray v, FloatArray keyCache, FloatArray valueCache, IntArray count,
                                   int storedHeads, int kvHeads, int capacity, int headDim, int tokens) {
        for (@Parallel int st = 0; st < storedHeads * tokens; st++) {
            int s = st / tokens;
            int t = st - s * tokens;
            if (t < count.get(0)) {
                int src = (t * kvHeads + s * kvHeads / storedHeads) * headDim;
                int dst = (s * capacity + t) * headDim;
                for (int d = 0; d < headDim; d++) {
                    keyCache.set(dst + d, k.get(src + d));
                    valueCache.set(dst + d, v.get(src + d));
                }
            }
        }
    }

    /** scores[h][i] = scale * (q_h . key_i) for i <= slots[s(h)]; other entries untouched. */
    public static void decodeScores(FloatArray q, FloatArray keyCache, IntArray slots, FloatArray scores,
                                    int heads, int storedHeads, int capacity, int headDim, float scale) {
        for (@Parallel int h = 0; h < heads; h++) {
            for (@Parallel int i = 0; i < capacity; i++) {
                int s = h * storedHeads / heads;
                if (i <= slots.get(s)) {
                    int kb = (s * capacity + i) * headDim;
                    int qb = h * headDim;
                    float dot = 0f;
                    for (int d = 0; d < headDim; d++) {
                        dot += q.get(qb + d) * keyCache.get(kb + d);
                    }
                    scores.set(h * capacity + i, scale * dot);
                }
            }
        }
    }

    /** In-place softmax of scores[h][0 .. slots[s(h)]], max-subtracted, as VectorMath.softmax. */
    public static void decodeSoftmax(FloatArray scores, IntArray slots, int heads, int storedHeads, int capacity) {
        for (@Parallel int h = 0; h < heads; h++) {
            int n = slots.get(h * storedHeads / heads) + 1;
            int base = h * capacity;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, scores.get(base + i));
            }
            float sum = 0f;
            for (int i = 0; i < n; i++) {
                float e = (float) TornadoMath.exp((double) (scores.get(base + i) - max));
                scores.set(base + i, e);
                sum += e;
            }
            float inv = 1f / sum;
            for (int i = 0; i < n; i++) {
                scores.set(base + i, scores.get(base + i) * inv);
            }
        }
    }

    /** out[h][d] = sum over entries i of p[h][i] * value_i[d]. */
    public static void decodeValues(FloatArray p, FloatArray valueCache, IntArray slots, FloatArray out,
                                    int heads, int storedHeads, int capacity, int headDim) {
        for (@Parallel int h = 0; h < heads; h++) {
            for (@Parallel int d = 0; d < headDim; d++) {
                int s = h * storedHeads / heads;
                int n = slots.get(s) + 1;
                float acc = 0f;
                for (int i = 0; i < n; i++) {
                    acc += p.get(h * capacity + i) * valueCache.get((s * capacity + i) * headDim + d);
                }
                out.set(h * headDim + d, acc);
            }
        }
    }

    /**
     * Causal attention over a whole prompt: one work item per (head, query). Three passes over the
     * visible keys (max, sum of exponentials, weighted values) recompute the scores instead of storing a
     * [T x T] row per query.
     *
     * @param q      [T][heads][headDim] after RoPE
     * @param k      [T][kvHeads][headDim] after RoPE
     * @param v      [T][kvHeads][headDim]
     * @param out    [T][heads][headDim]
     */
    public static void prefillAttention(FloatArray q, FloatArray k, FloatArray v, FloatArray out, int tokens, int heads, int kvHeads, int headDim, float scale) {
        for (@Parallel int h = 0; h < heads; h++) {
            for (@Parallel int t = 0; t < tokens; t++) {
                int kvOff = (h * kvHeads / heads) * headDim;
                int qOff = (t * heads + h) * headDim;
                int kvStride = kvHeads * headDim;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j <= t; j++) {
                    float z = 0f;
                    for (int d = 0; d < headDim; d++) {
                        z += (scale * q.get(qOff + d)) * k.get(j * kvStride + kvOff + d);
                    }
                    max = Math.max(max, z);
                }
                float sum = 0f;
                for (int j = 0; j <= t; j++) {
                    float z = 0f;
                    for (int d = 0; d < headDim; d++) {
                        z += (scale * q.get(qOff + d)) * k.get(j * kvStride + kvOff + d);
                    }
                    sum += (float) TornadoMath.exp((double) (z - max));
                }
                float inv = 1f / sum;
                for (int d = 0; d < headDim; d++) {
                    out.set(qOff + d, 0f);
                }
                for (int j = 0; j <= t; j++) {
                    float z = 0f;
                    for (int d = 0; d < headDim; d++) {
                        z += (scale * q.get(qOff + d)) * k.get(j * kvStride + kvOff + d);
                    }
                    float p = (float) TornadoMath.exp((double) (z - max)) * inv;
                    for (int d = 0; d < headDim; d++) {
                        out.set(qOff + d, out.get(qOff + d) + p * v.get(j * kvStride + kvOff + d));
                    }
                }
            }
        }
    }

    /**
     * The task of a graph whose job is to upload a layer's cache and hand it, with the activation, to
     * the layer's graph (see {@code DevicePlan}): a TornadoVM graph needs a task, and this one reads the
     * arrays and changes nothing.
     */
    public static void keep(FloatArray x, FloatArray keyCache, FloatArray valueCache) {
        for (@Parallel int i = 0; i < 1; i++) {
            // Never true for finite data; it keeps the reads from being optimized away.
            float touched = keyCache.get(i) + valueCache.get(i);
            x.set(i, touched < -3e38f ? touched : x.get(i));
        }
    }
}
