package io.kvasir.model;

import io.kvasir.compression.cache.KvCache;
import java.util.List;

/**
 * What a generation produced.
 *
 * @param steps      one per generated token
 * @param stopReason "eos", "stop-string", "max-new-tokens" or "forced"
 * @param memory     what the forward pass held at its peak
 */
public record GenerationResult(int[] promptIds, int[] outputIds, String text, List<Step> steps,
                               Timings timings, KvCache cache, String stopReason, Memory memory) {

    /**
     * Bytes the forward pass allocates: the prefill's activations and scratch ({@link
     * PrefillMemory}) and the KV cache. The peak is the larger of the end of prefill (activations
     * plus the compressed cache of every layer) and the end of decode (the cache as it grew; the
     * one-token decode state is a few rows and not counted).
     *
     * @param prefillBytes      the prefill's arrays, or -1 where the backend does not count them
     * @param kvAfterPrefill    KV cache bytes when the prefill ended
     * @param kvFinal           KV cache bytes at the end
     */
    public record Memory(long prefillBytes, long kvAfterPrefill, long kvFinal) {
        /** The forward pass's peak bytes, or -1 when the prefill's are not known. */
        public long peakBytes() {
            return prefillBytes < 0 ? -1 : Math.max(prefillBytes + kvAfterPrefill, kvFinal);
        }
    }

    /** One generated token with its float32 log-probability and the best alternatives. */
    public record Step(int id, float logprob, int[] topIds, float[] topLogprobs) {}

    /**
     * Wall-clock times of the two phases.
     *
     * @param selectionMs part of prefillMs spent in the compression policy's scoring and selection
     */
    public record Timings(double prefillMs, double selectionMs, double decodeMs, int promptTokens, int decodedTokens) {
        public double prefillTokensPerSecond() {
            return prefillMs > 0 ? promptTokens / (prefillMs / 1000.0) : 0;
        }

        /** Tokens produced by decode forward passes per second (the first token comes from prefill). */
        public double decodeTokensPerSecond() {
            return decodeMs > 0 ? decodedTokens / (decodeMs / 1000.0) : 0;
        }
    }
}
