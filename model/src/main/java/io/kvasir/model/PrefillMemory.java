package io.kvasir.model;

import io.kvasir.compression.policy.CompressionPolicy;
import io.kvasir.kernels.Parallel;

/**
 * What the CPU prefill of one prompt allocates, in bytes, besides the weights and the KV cache: the
 * arrays of {@link ForwardState} and {@link PrefillAttention} and the observation-window queries,
 * each allocated once per prompt. With T prompt tokens and C = min(T, {@link ForwardState#CHUNK}):
 *
 * <pre>
 *   4 B x ( T x (hidden + 3 kvDim)                 x, K, V and the transposed keys
 *         + T x heads                               H2O's attention mass, only when the policy reads it
 *         + W x qDim                                the policy's last W queries (observation window)
 *         + T x threads                             one score row per attention task running at once
 *         + C x (2 hidden + 2 qDim + 2 kvDim + 2 intermediate + headDim)   chunk buffers (K/V chunk when T > C)
 *         + vocab )                                 the logits
 * </pre>
 *
 * The x, K, V term dominates a long prompt; everything else is O(C) or a small multiple of T.
 */
public final class PrefillMemory {
    /** The largest Java array length HotSpot allocates (a few below Integer.MAX_VALUE). */
    static final long MAX_ARRAY_ELEMENTS = Integer.MAX_VALUE - 8;

    private PrefillMemory() {}

    /** Bytes the prefill of a prompt allocates with this policy (the formula above). */
    public static long bytes(ModelConfig c, int tokens, CompressionPolicy policy) {
        return bytes(c, tokens, queryRows(tokens, policy), policy.needsAttentionMass());
    }

    /** The last prompt queries the policy reads, which the prefill keeps for it (W above). */
    static int queryRows(int tokens, CompressionPolicy policy) {
        return Math.clamp(policy.queryRowsNeeded(tokens), 0, tokens);
    }

    /**
     * Bytes the prefill of a prompt allocates (the formula above).
     *
     * @param queryRows the policy's {@code queryRowsNeeded} for this prompt
     * @param mass      whether the policy reads H2O's attention mass
     */
    public static long bytes(ModelConfig c, long tokens, long queryRows, boolean mass) {
        long chunk = Math.min(tokens, ForwardState.CHUNK);
        long chunkKv = tokens > chunk ? 2L * chunk * c.kvDim() : 0;
        long floats = tokens * (c.hiddenSize() + 3L * c.kvDim())
                + (mass ? tokens * c.numHeads() : 0)
                + queryRows * c.qDim()
                + tokens * Parallel.threads()
                + chunk * (2L * c.hiddenSize() + 2L * c.qDim() + 2L * c.intermediateSize() + c.headDim()) + chunkKv
                + c.vocabSize();
        return Float.BYTES * floats;
    }

    /**
     * Refuses, before anything is allocated, a prompt whose largest per-prompt array (x, one layer's K,
     * the transposed keys of one KV head, the attention mass, the kept queries) would pass Java's
     * array limit, with one line naming the array and the longest prompt that fits.
     */
    static void checkArrayLimits(ModelConfig c, long tokens, long queryRows, boolean mass) {
        check(tokens, c.hiddenSize(), "the residual stream x [tokens x hidden " + c.hiddenSize() + "]");
        check(tokens, c.kvDim(), "one layer's keys [tokens x kvDim " + c.kvDim() + "]");
        if (mass) {
            check(tokens, c.numHeads(), "H2O's attention mass [heads " + c.numHeads() + " x tokens]");
        }
        check(queryRows, c.qDim(), "the queries the policy reads [rows x qDim " + c.qDim() + "]");
    }

    private static void check(long rows, long perToken, String what) {
        if (rows * perToken > MAX_ARRAY_ELEMENTS) {
            throw new IllegalArgumentException("a prompt of " + rows + " tokens is too long for one Java array: "
                    + what + " would hold " + rows * perToken + " floats, beyond the limit of " + MAX_ARRAY_ELEMENTS
                    + "; at most " + MAX_ARRAY_ELEMENTS / perToken + " tokens fit");
        }
    }
}
