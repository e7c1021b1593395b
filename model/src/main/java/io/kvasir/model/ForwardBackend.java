package io.kvasir.model;

import io.kvasir.compression.cache.KvCache;
import io.kvasir.compression.policy.CompressionPolicy;
import java.util.List;

/**
 * What the generation loop needs from a compute backend: prefill a prompt into a cache, then decode
 * one token at a time. {@link ForwardPass} is the CPU backend; the TornadoVM backend lives in the
 * tornado-backend module and is found through {@link ForwardBackendProvider}.
 */
public interface ForwardBackend extends AutoCloseable {
    /** Runs the prompt, fills the cache through the policy, returns the last position's logits. */
    float[] prefill(int[] tokens, KvCache cache, CompressionPolicy policy);

    /**
     * Runs the prompt once for several caches, each filled through its own policy exactly as {@link
     * #prefill(int[], KvCache, CompressionPolicy)} would fill it; returns the last position's logits.
     * This default runs one prefill per target (a backend that can share the layers overrides it).
     */
    default float[] prefill(int[] tokens, List<PrefillTarget> targets) {
        float[] logits = null;
        for (PrefillTarget target : targets) {
            logits = prefill(tokens, target.cache(), target.policy()).clone();
        }
        return logits;
    }

    /**
     * Bytes of host memory {@link #prefill} allocates for a prompt of that many tokens (activations
     * and scratch, not the cache), or -1 where the backend does not count them.
     */
    default long prefillBytes(int tokens, CompressionPolicy policy) {
        return -1;
    }

    /**
     * Runs one token at an absolute position against the cache; returns its logits, which the
     * backend may overwrite at the next decode (read them before calling again).
     */
    float[] decode(int token, int position, KvCache cache);

    /** Releases device memory; nothing to do on the CPU. */
    @Override
    default void close() {}
}
