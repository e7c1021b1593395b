package io.kvasir.model;

import io.kvasir.compression.cache.KvCache;
import java.util.List;

/**
 * What a generation produced.
 *
 * @param steps      one per generated token
 * @param stopReason "eos", "stop-string", "max-new-tokens" or "forced"
 */
public record GenerationResult(int[] promptIds, int[] outputIds, String text, List<Step> steps,
                               Timings timings, KvCache cache, String stopReason) {

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
